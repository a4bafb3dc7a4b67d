"""The sitemap lists every public page; canonical and hreflang addresses agree on every page."""

import xml.etree.ElementTree as ET

import pytest

from tests import factories as f
from tests.pages.content import build_portal, public_paths
from tests.pages.html import Elements

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NOT_IN_THE_SITEMAP = {
    "password-reset",
    "password-reset-sent",
    "explorer-filtered",
    "explorer-search",
    "search",
    "search-kind",
    "explorer-nothing",
    "login",
    "not-found",
}


def locations_in(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return [loc.text.removeprefix("http://testserver") for loc in root.iter(f"{SITEMAP}loc")]


def sitemap_locations(client) -> set[str]:
    """Every address of every page of every section the sitemap index lists."""
    sections = locations_in(client, "/sitemap.xml")
    assert sections and all(path.startswith("/sitemap-") for path in sections)
    return {location for section in sections for location in locations_in(client, section)}


def test_the_sitemap_lists_every_public_page_in_both_languages(client):
    portal = build_portal()
    forum_only = f.make_institution(name="México Evalúa")  # on the forum, in no commitment
    portal["forum"].memberships.create(institution=forum_only, role="member")
    draft = f.make_inception_report(f.make_plan())
    locations = sitemap_locations(client)
    for language in ("es", "en"):
        for name, path in public_paths(portal, language).items():
            assert (path in locations) == (name not in NOT_IN_THE_SITEMAP), path
        assert f"/{language}/institutions/{forum_only.slug}/" in locations
    assert f"/en/reports/inception/{draft.pk}/" not in locations


def test_the_sitemap_is_an_index_of_bounded_pages(client, settings, django_assert_max_num_queries):
    from plans.sitemaps import I18nSitemap

    plan = f.make_plan()
    commitments = [f.make_commitment(plan=plan, ogp_id=f"MXMEX{n:04d}") for n in range(1, 6)]
    limit = I18nSitemap.limit
    try:
        I18nSitemap.limit = 4  # two commitments (in two languages) a page
        index = locations_in(client, "/sitemap.xml")
        pages = [path for path in index if path.startswith("/sitemap-commitments.xml")]
        assert pages == [
            "/sitemap-commitments.xml",
            "/sitemap-commitments.xml?p=2",
            "/sitemap-commitments.xml?p=3",
        ]
        seen = []
        for page in pages:
            with django_assert_max_num_queries(3):
                found = locations_in(client, page)
            assert len(found) <= 4
            seen += found
        for commitment in commitments:
            for language in ("es", "en"):
                assert f"/{language}/commitments/{commitment.ogp_id}/" in seen
        assert client.get("/sitemap-commitments.xml?p=4").status_code == 404
        assert client.get("/sitemap-commitments.xml?p=x").status_code == 404
        assert client.get("/sitemap-nothing.xml").status_code == 404
    finally:
        I18nSitemap.limit = limit


def head_links(html: str) -> dict[str, str]:
    """rel=canonical and each hreflang alternate of a page's head: name → address."""
    links = {}
    for attributes in Elements(html).with_tag("link"):
        if attributes.get("rel") == "canonical":
            links["canonical"] = attributes["href"]
        elif attributes.get("rel") == "alternate" and "hreflang" in attributes:
            links[attributes["hreflang"]] = attributes["href"]
    og_url = next(
        m["content"] for m in Elements(html).with_tag("meta") if m.get("property") == "og:url"
    )
    links["og:url"] = og_url
    return links


def test_a_later_page_of_a_list_is_its_own_canonical_in_both_languages(client):
    plan = f.make_plan()
    for number in range(26):  # the explorer shows 25 a page
        f.make_commitment(plan, number=number + 1)
    html = client.get("/en/commitments/?status=&sort=title&page=2").content.decode()
    assert "Page 2 of 2" in html
    assert head_links(html) == {
        "canonical": "http://testserver/en/commitments/?page=2",
        "og:url": "http://testserver/en/commitments/?page=2",
        "en": "http://testserver/en/commitments/?page=2",
        "es": "http://testserver/es/commitments/?page=2",
    }
    first = client.get("/es/commitments/?page=1&q=x").content.decode()
    assert head_links(first) == {
        "canonical": "http://testserver/es/commitments/",
        "og:url": "http://testserver/es/commitments/",
        "en": "http://testserver/en/commitments/",
        "es": "http://testserver/es/commitments/",
    }


def test_a_sitemap_page_loads_only_its_own_rows(client, monkeypatch, django_assert_num_queries):
    from plans.sitemaps import I18nSitemap

    monkeypatch.setattr(I18nSitemap, "limit", 4)  # two commitments, each in two languages
    plan = f.make_plan()
    keys = [f.make_commitment(plan, ogp_id=f"MXTST{i:04d}").key for i in range(7)]
    # 1 how many commitments (for the pages)  2 the rows of this page
    with django_assert_num_queries(2):
        second = locations_in(client, "/sitemap-commitments.xml?p=2")
    assert {loc.rsplit("/", 2)[-2] for loc in second} == {keys[2], keys[3]}
    assert len(second) == 4  # each in Spanish and English
    last = locations_in(client, "/sitemap-commitments.xml?p=4")
    assert {loc.rsplit("/", 2)[-2] for loc in last} == {keys[6]}
    assert client.get("/sitemap-commitments.xml?p=5").status_code == 404
    index = locations_in(client, "/sitemap.xml")
    assert sum("sitemap-commitments.xml" in loc for loc in index) == 4
