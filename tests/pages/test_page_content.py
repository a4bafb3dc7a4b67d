"""Pages stay valid whatever the content: dates, form help, filters, tables, the API docs page."""

import csv
import datetime
import io
import re
import runpy
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.utils import timezone

from commitments.models import Comment
from tests import factories as f
from tests.pages.html import Elements, broken_references, tables_outside_a_scroll_container

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "ogptracker" / "settings.py"
SECONDS_WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def approved_comment(target, **fields) -> Comment:
    return Comment.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        name="Lucía",
        email="lucia@example.org",
        text="Gracias",
        status=Comment.Status.APPROVED,
        **fields,
    )


def test_machine_time_is_local_to_the_second_with_its_offset(settings):
    settings.TIME_ZONE = "America/Mexico_City"
    moment = datetime.datetime(2022, 3, 1, 18, 5, 9, 123456, tzinfo=datetime.UTC)
    template = Template("{% load portal %}{{ moment|machine_time }} {{ day|machine_time }}")
    rendered = template.render(Context({"moment": moment, "day": datetime.date(2022, 3, 1)}))
    assert rendered == "2022-03-01T12:05:09-06:00 2022-03-01"


def test_update_and_comment_times_carry_no_microseconds(client):
    commitment = f.make_mxmex0009()  # its update is stamped now, microseconds included
    approved_comment(commitment, created_at=timezone.now().replace(microsecond=654321))
    html = client.get("/en/commitments/MXMEX0009/").content.decode()
    stamps = re.findall(r'<time datetime="([^"]*)"', html)
    assert len(stamps) == 3  # “Last update”, the history entry, the comment
    assert all(SECONDS_WITH_OFFSET.fullmatch(stamp) for stamp in stamps), stamps


def test_the_email_field_is_described_by_its_help_text(client):
    f.make_mxmex0009()
    html = client.get("/en/commitments/MXMEX0009/").content.decode()
    email = next(a for a in Elements(html).with_tag("input") if a.get("name") == "email")
    assert email["aria-describedby"] == "id_email_helptext"
    assert '<p class="field-help" id="id_email_helptext">Never shown.</p>' in html
    assert broken_references(html) == []


def test_a_comment_with_errors_points_at_its_help_and_error_messages(client):
    commitment = f.make_mxmex0009()
    response = client.post(
        f"/en/comments/commitments.commitment/{commitment.pk}/",
        {"name": "Ana", "email": "not an address", "text": "Hola"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    email = next(a for a in Elements(html).with_tag("input") if a.get("name") == "email")
    assert email["aria-describedby"] == "id_email_helptext id_email_error"
    assert broken_references(html) == []


def explorer_disclosure(html: str) -> dict:
    return next(a for a in Elements(html).with_tag("details") if a.get("class") == "filter-more")


def test_the_explorer_folds_its_filters_until_one_is_used(client):
    f.make_commitment(title="Open government culture")
    unfiltered = client.get("/en/commitments/").content.decode()
    assert "open" not in explorer_disclosure(unfiltered)
    assert "<summary>Filters</summary>" in unfiltered
    # The search and the order stay outside: they are not filters of the list.
    searched = client.get("/en/commitments/?q=culture&sort=title").content.decode()
    assert "open" not in explorer_disclosure(searched)

    filtered = client.get("/en/commitments/?status=finished&overdue=true&q=x").content.decode()
    assert "open" in explorer_disclosure(filtered)
    assert '<span class="filter-count">(2 active)</span>' in filtered
    assert "open" not in explorer_disclosure(
        client.get("/en/commitments/?status=&overdue=unknown").content.decode()
    )


def test_a_filter_that_is_not_understood_opens_the_filters_and_is_described(client):
    html = client.get("/en/commitments/?member=nobody").content.decode()
    assert "open" in explorer_disclosure(html)
    # Members run into thousands: a searchable text field, described by its error and its hint.
    member = next(a for a in Elements(html).with_tag("input") if a.get("name") == "member")
    assert "id_member_error" in member["aria-describedby"].split()
    assert broken_references(html) == []


def test_wide_tables_scroll_in_their_own_region(client, evaluator):
    member = f.make_member(slug="mexico-state")
    f.make_commitment(f.make_plan(member, slug="a-plan-with-a-rather-long-identifier-2021-2022"))
    f.make_end_of_commitment_report(evaluators=[evaluator])
    data = client.get("/en/data/").content.decode()
    assert data.count("<table") == 3
    assert tables_outside_a_scroll_container(data) == 0
    assert (
        tables_outside_a_scroll_container(client.get("/en/members/mexico-state/").content.decode())
        == 0
    )
    client.force_login(evaluator)
    workspace = client.get("/en/evaluations/").content.decode()
    assert "<table" in workspace
    assert tables_outside_a_scroll_container(workspace) == 0


def test_the_data_page_has_its_own_title(client):
    html = client.get("/en/data/").content.decode()
    assert "<title>Open data · Open Government Tracker</title>" in html


def test_the_api_docs_page_is_english_and_says_where_its_shortcomings_come_from(client):
    html = client.get("/api/v1/docs/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en">' in html
    assert '<header class="api-docs-note" lang="es">' in html
    assert "Swagger UI" in html
    assert "<style" not in html and "<script>" not in html


def test_every_page_links_the_api_docs_as_english(client):
    html = client.get("/es/").content.decode()
    assert '<a href="/api/v1/docs/" hreflang="en">' in html


def site_url_with(monkeypatch, **environ) -> str:
    """SITE_URL as settings.py computes it from ``environ``."""
    for name in ("SITE_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DEBUG", "1")
    return runpy.run_path(str(SETTINGS_FILE))["SITE_URL"]


def test_site_url_defaults_to_the_port_make_run_serves(monkeypatch):
    assert site_url_with(monkeypatch) == "http://127.0.0.1:8000"
    assert site_url_with(monkeypatch, PORT="8080") == "http://127.0.0.1:8080"
    assert site_url_with(monkeypatch, PORT="8080", SITE_URL="https://ogp.example.org/") == (
        "https://ogp.example.org"
    )


def test_the_csv_links_each_commitment_at_the_portals_address(client, settings):
    settings.SITE_URL = "http://127.0.0.1:8080"
    f.make_commitment(ogp_id="MXMEX0009")
    rows = list(
        csv.DictReader(io.StringIO(client.get("/en/commitments/download.csv").getvalue().decode()))
    )
    assert rows[0]["URL"] == "http://127.0.0.1:8080/en/commitments/MXMEX0009/"
