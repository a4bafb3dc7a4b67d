"""Feed entries say type="html" and carry HTML: escaped texts, evidence as real links."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from commitments.models import MilestoneStatus
from commitments.services import Evidence, change_milestone_status
from tests import factories as f
from tests.pages.html import Elements

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


class Text(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.feed(html)

    def handle_data(self, data):
        self.parts.append(data)


def newest_entry_summary(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200
    return ET.fromstring(response.content).find(f"{ATOM}entry/{ATOM}summary")


@pytest.mark.parametrize(
    "path", ["/en/feeds/updates/", "/en/commitments/MXMEX0009/feed/", "/en/feeds/updates/plans/p/"]
)
def test_feed_entries_carry_their_evidence_as_links(client, path):
    commitment = f.make_mxmex0009(plan=f.make_plan(slug="p"))
    change_milestone_status(
        milestone=commitment.milestones.get(number=2),
        new_status=MilestoneStatus.IN_PROGRESS,
        by=f.make_secretariat(),
        note='Four <b>sessions</b> & "more".\n\nSecond paragraph.',
        evidence=[
            Evidence(url="https://example.org/list?a=1&b=2", title="Attendance <list>"),
            Evidence(url="https://example.org/photos"),
        ],
    )
    summary = newest_entry_summary(client, path)
    assert summary.get("type") == "html"
    html = summary.text
    links = [a["href"] for a in Elements(html).with_tag("a")]
    assert links == ["https://example.org/list?a=1&b=2", "https://example.org/photos"]
    assert '<a href="https://example.org/list?a=1&amp;b=2">Attendance &lt;list&gt;</a>' in html
    # The note is text: its angle brackets are shown, never obeyed; its paragraphs are kept.
    assert "<p>Four &lt;b&gt;sessions&lt;/b&gt; &amp; &quot;more&quot;.</p>" in html
    assert "<p>Second paragraph.</p>" in html
    assert Elements(html).with_tag("b") == []
    text = "".join(Text(html).parts)
    assert "2. Implementar el intercambio" in text
    assert "Evidence:" in text
