"""No input reaches the database or a page unclean: control characters, NUL bytes, Unicode
digits, keys beyond 64 bits and text beyond a column's length."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from commitments.imports import import_commitments
from commitments.models import Comment, Commitment, MilestoneUpdate
from ogptracker.text import clean_text
from plans.models import ActionPlan, Document, Member
from tests import factories
from tests.data.helpers import build_portal, content, read_csv, write_csv

pytestmark = pytest.mark.django_db

MILESTONES = "/admin/commitments/milestone/"


@pytest.fixture(autouse=True)
def _no_throttles(settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    yield
    cache.clear()


def feed_entries(response) -> list:
    assert response.status_code == 200, response.content[:500]
    root = ET.fromstring(response.content)  # fails on any code point XML forbids
    return root.findall("{http://www.w3.org/2005/Atom}entry")


def feeds_of(commitment: Commitment) -> list[str]:
    plan = commitment.action_plans.get()
    return [
        "/en/feeds/updates/",
        f"/en/feeds/updates/plans/{plan.slug}/",
        f"/en/commitments/{commitment.key}/feed/",
    ]


# 1. Control characters are stripped in one place ---------------------------------------------


def test_clean_text_keeps_tab_and_newlines_and_drops_what_xml_cannot_carry():
    dirty = "a\x00b\x08c\td\ne\rf\x7fg\x85h\ud800i\ufffej\U0010ffffk\ufdd0l"
    assert clean_text(dirty) == "abc\td\ne\rfghijkl"
    assert clean_text("Año 2022 – “ok” 😀") == "Año 2022 – “ok” 😀"


def test_a_control_character_in_an_api_note_is_stripped_and_every_feed_still_parses(
    implementer, institution
):
    commitment = factories.make_commitment(ogp_id="MXMEX0009", milestones=2, lead=institution)
    milestone = commitment.milestones.get(number=2)
    api = APIClient()
    api.force_authenticate(implementer)

    response = api.patch(
        f"/api/v1/milestones/{milestone.pk}/",
        {"status": "in_progress", "note": "a\u0008b"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert MilestoneUpdate.objects.get().note == "ab"
    client = api  # the same client reads the pages
    for url in feeds_of(commitment):
        assert len(feed_entries(client.get(url))) == 1
    page = client.get("/en/commitments/MXMEX0009/").content.decode()
    assert "a\u0008b" not in page and "ab" in page


def test_feeds_parse_even_with_control_characters_stored_before_the_cleaning(client, secretariat):
    commitment = factories.make_mxmex0009()
    update = MilestoneUpdate.objects.get()
    # QuerySet.update() sends no pre_save: this is what rows written before the fix hold.
    MilestoneUpdate.objects.filter(pk=update.pk).update(note="Delivered\x08 \x0b\ufffe")
    ActionPlan.objects.filter(pk=commitment.action_plans.get().pk).update(title="Plan\x01 title")
    update.evidence.update(title="Study\x1f")

    for url in feeds_of(commitment):
        entries = feed_entries(client.get(url))
        assert len(entries) == 1
        assert "Delivered" in ET.tostring(entries[0], encoding="unicode")


def test_the_comment_form_stores_clean_text(client):
    commitment = factories.make_commitment(ogp_id="MXMEX0009")
    response = client.post(
        f"/en/comments/commitments.commitment/{commitment.pk}/",
        {"text": "Good\x0c work\x7f", "name": "Ana\x1b", "email": "ana@example.org"},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.text, comment.name) == ("Good work", "Ana")


def test_the_admin_stores_clean_text(client, secretariat):
    milestone = factories.make_commitment(milestones=1).milestones.get()
    client.force_login(secretariat)
    response = client.post(
        f"{MILESTONES}{milestone.pk}/change/",
        {
            "commitment": milestone.commitment_id,
            "number": milestone.number,
            "title_en": "Study\x08 delivered",
            "description_en": "Line one\nline\x00 two",
            "original_language": "en",
            "start": milestone.start.isoformat(),
            "end": milestone.end.isoformat(),
            "responsible_institution": "",
            "status": "finished",
            "note": "Done\x07",
            "evidence": "Minutes\x85 | https://example.org/minutes",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
            "updates-MIN_NUM_FORMS": "0",
            "updates-MAX_NUM_FORMS": "1000",
        },
    )
    # Django's forms refuse a NUL outright; everything else is cleaned on save.
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == "not_reported"
    response = client.post(
        f"{MILESTONES}{milestone.pk}/change/",
        {
            "commitment": milestone.commitment_id,
            "number": milestone.number,
            "title_en": "Study\x08 delivered",
            "description_en": "Line one\nline two",
            "original_language": "en",
            "start": milestone.start.isoformat(),
            "end": milestone.end.isoformat(),
            "responsible_institution": "",
            "status": "finished",
            "note": "Done\x07",
            "evidence": "Minutes\x85 | https://example.org/minutes",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
            "updates-MIN_NUM_FORMS": "0",
            "updates-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.description) == ("Study delivered", "Line one\nline two")
    update = milestone.updates.get()
    assert update.note == "Done"
    assert update.evidence.get().title == "Minutes"


def test_an_import_with_control_characters_is_refused(client):
    build_portal()
    rows = read_csv(content(client.get("/data/commitments.csv")))
    rows[1]["Problem"] = "Bad\x08 text"
    before = Commitment.objects.get(pk=Commitment.objects.get(title="Compromiso sin ID").pk)

    report = import_commitments(write_csv(rows))

    assert not report.written
    assert [problem.column for problem in report.problems] == [""]
    assert "not UTF-8 or Latin-1 text" in report.problems[0].message
    before.refresh_from_db()
    assert "\x08" not in before.problem


def test_any_save_of_the_projects_models_is_clean():
    member = factories.make_member(name="Tlalnepantla\x00 de Baz\x9f", description="a\x01b")
    member.refresh_from_db()
    assert (member.name, member.description) == ("Tlalnepantla de Baz", "ab")


# 2. NUL bytes, Unicode digits and huge keys never reach a lookup -------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/en/commitments/%00/",
        "/en/commitments/MXMEX0009%00/",
        "/en/commitments/MXMEX0009%00/feed/",
        "/data/commitments.csv?plan=%00",
        "/data/milestones.csv?member=%00",
        "/en/commitments/?q=a%00b",
        "/en/members/mexico-state/?year=%00",
    ],
)
def test_a_nul_byte_in_a_page_address_is_a_400(client, url):
    factories.make_mxmex0009()
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "url", ["/api/v1/members/%00/", "/api/v1/plans/%00/", "/api/v1/commitments/?q=%00"]
)
def test_a_nul_byte_in_an_api_address_is_a_json_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/commitments/commitment/?member=%00",
        "/admin/commitments/milestone/?status=%00",
        "/admin/commitments/commitment/?q=%00",
    ],
)
def test_a_nul_byte_in_an_admin_filter_is_a_400(client, secretariat, url):
    client.force_login(secretariat)
    assert client.get(url).status_code == 400


def test_tabs_and_newlines_in_a_search_are_still_searched(client):
    factories.make_commitment(title="Open government culture")
    response = client.get("/en/commitments/?q=open%09government%0A")
    assert response.status_code == 200


@pytest.mark.sqlite
@pytest.mark.parametrize(
    "url",
    [
        "/en/commitments/%C2%B2/",
        "/en/commitments/%E2%91%A0/",
        "/en/commitments/%E2%91%A0/feed/",
        "/en/commitments/99999999999999999999999/",
        "/en/commitments/99999999999999999999999/feed/",
        "/en/commitments/9223372036854775808/",
        "/en/commitments/0/",
    ],
)
def test_unicode_digits_and_keys_beyond_64_bits_are_a_404_on_pages(client, url):
    factories.make_commitment()
    assert client.get(url).status_code == 404


def test_a_commitment_without_ogp_id_is_still_reached_by_its_number(client):
    commitment = factories.make_commitment()
    assert client.get(f"/en/commitments/{commitment.pk}/").status_code == 200
    assert client.get(f"/en/commitments/{commitment.pk}/feed/").status_code == 200


@pytest.mark.sqlite
def test_a_comment_on_a_key_beyond_64_bits_is_a_404(client):
    response = client.post(
        "/en/comments/commitments.commitment/99999999999999999999999/",
        {"text": "Hi", "name": "Ana", "email": "ana@example.org"},
    )
    assert response.status_code == 404


@pytest.mark.sqlite
@pytest.mark.parametrize("year", ["%C2%B2", "%E2%91%A0", "99999999999999999999999", "abc"])
def test_a_bad_year_on_a_member_page_is_ignored(client, year):
    member = factories.make_member(slug="mexico-state")
    Document.objects.create(member=member, title="Plan 2021", year=2021)
    response = client.get(f"/en/members/mexico-state/?year={year}")
    assert response.status_code == 200
    assert "Plan 2021" in response.content.decode()


def test_a_good_year_on_a_member_page_still_filters(client):
    member = factories.make_member(slug="mexico-state")
    Document.objects.create(member=member, title="Plan 2021", year=2021)
    Document.objects.create(member=member, title="Plan 2023", year=2023)
    page = client.get("/en/members/mexico-state/?year=2023").content.decode()
    assert "Plan 2023" in page and "Plan 2021" not in page


# 3. Every length limit is checked before the database sees it ----------------------------------


@pytest.mark.sqlite
def test_an_evidence_link_beyond_its_column_is_a_form_error_in_the_admin(client, secretariat):
    milestone = factories.make_commitment(milestones=1).milestones.get()
    client.force_login(secretariat)
    link = "https://example.org/" + "a" * 1000
    response = client.post(
        f"{MILESTONES}{milestone.pk}/change/",
        {
            "commitment": milestone.commitment_id,
            "number": milestone.number,
            "title_es": milestone.title_es or "",
            "title_en": milestone.title_en or "",
            "description": "",
            "start": milestone.start.isoformat(),
            "end": milestone.end.isoformat(),
            "responsible_institution": "",
            "status": "finished",
            "note": "Done",
            "evidence": f"Minutes | {link}",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
            "updates-MIN_NUM_FORMS": "0",
            "updates-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "Line 1: the link has 1020 characters; at most 1000." in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == "not_reported"
    assert not MilestoneUpdate.objects.exists()


@pytest.mark.sqlite
def test_the_bulk_status_action_refuses_a_link_beyond_its_column(client, secretariat):
    milestone = factories.make_commitment(milestones=1).milestones.get()
    client.force_login(secretariat)
    response = client.post(
        MILESTONES,
        {
            "action": "change_status",
            "_selected_action": [milestone.pk],
            "apply": "1",
            "status": "finished",
            "note": "Done",
            "evidence": "https://example.org/" + "a" * 1000,
        },
    )
    assert response.status_code == 200
    assert "at most 1000" in response.content.decode()
    assert not MilestoneUpdate.objects.exists()


@pytest.mark.sqlite
def test_the_api_refuses_an_evidence_link_beyond_its_column(implementer, institution):
    milestone = factories.make_commitment(milestones=1, lead=institution).milestones.get()
    api = APIClient()
    api.force_authenticate(implementer)
    response = api.patch(
        f"/api/v1/milestones/{milestone.pk}/",
        {
            "status": "finished",
            "note": "Done",
            "evidence": [{"url": "https://example.org/" + "a" * 1000}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert not MilestoneUpdate.objects.exists()


def new_plan_row(client, **changes) -> bytes:
    """An export whose second row moves to a plan the database does not have yet."""
    build_portal()
    rows = read_csv(content(client.get("/data/commitments.csv")))
    rows[1].update(
        {
            "Action Plan Slug": "new-plan",
            "Action Plan": "New plan",
            "Action Plan Period": "2024-2026",
            "Country/Locality": "Nuevo municipio",
            **changes,
        }
    )
    return write_csv(rows)


def problems_of(report) -> list[tuple[int, str]]:
    return [(problem.line, problem.column) for problem in report.problems]


def test_an_import_can_create_a_plan_and_a_member(client):
    report = import_commitments(new_plan_row(client))
    assert report.problems == []
    assert ActionPlan.objects.filter(slug="new-plan", member__name="Nuevo municipio").exists()


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"Action Plan Slug": "a" * 250}, "Action Plan Slug"),
        ({"Action Plan Slug": "not a slug"}, "Action Plan Slug"),
        ({"Action Plan": "P" * 301}, "Action Plan"),
        ({"Country/Locality": "M" * 250}, "Country/Locality"),
        ({"Lead Institution": "I" * 301}, "Lead Institution"),
        ({"Commitment Title": "T" * 501}, "Commitment Title"),
        ({"Short Title": "S" * 201}, "Short Title"),
    ],
)
def test_an_import_names_the_line_and_column_of_text_beyond_its_column(client, changes, column):
    data = new_plan_row(client, **changes)
    members = Member.objects.count()

    report = import_commitments(data)

    assert not report.written
    assert problems_of(report) == [(3, column)]
    assert Member.objects.count() == members
    assert not ActionPlan.objects.filter(slug__startswith="a" * 200).exists()


@pytest.mark.sqlite
def test_a_milestones_import_names_the_line_of_a_long_institution(client):
    build_portal()
    rows = read_csv(content(client.get("/data/milestones.csv")))
    rows[0]["Responsible Institution"] = "I" * 301
    report = import_commitments(None, milestones=write_csv(rows))
    assert problems_of(report) == [(2, "Responsible Institution")]


@pytest.mark.sqlite
def test_a_milestones_import_with_a_unicode_digit_number_is_a_problem(client):
    build_portal()
    rows = read_csv(content(client.get("/data/milestones.csv")))
    row = next(r for r in rows if not r["Commitment Unique Identifier"])
    row["Commitment Number"] = "²"
    row["Commitment Portal Number"] = ""  # so the plan and number are what finds the commitment
    report = import_commitments(None, milestones=write_csv([row]))
    assert problems_of(report) == [(2, "Commitment Number")]


@pytest.mark.sqlite
def test_the_admin_preview_lists_a_long_slug_as_a_problem(client, secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = new_plan_row(client, **{"Action Plan Slug": "a" * 250})
    client.force_login(secretariat)
    response = client.post(
        "/admin/dataimport/importjob/add/",
        {"file": SimpleUploadedFile("c.csv", data, "text/csv")},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "at most 200 characters (it has 250)." in page
