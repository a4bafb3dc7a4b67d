import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse

from commitments.exports import COMMITMENT_HEADER, MILESTONE_HEADER
from plans.models import ActionPlan
from tests import factories
from tests.data.helpers import build_portal, content, read_csv

pytestmark = pytest.mark.django_db

OGP_COLUMNS = [
    "Commitment Unique Identifier",
    "Country/Locality",
    "Action Plan Number",
    "Commitment Number",
    "Commitment Title",
    "Short Title",
    "Full Text",
    "Lead Institution",
    "Supporting Institution(s)",
    "URL",
    "OGP Value Access To Information",
    "OGP Value Civic Participation",
    "OGP Value Public Accountability",
    "OGP Value Technology",
    "Completion (Progress Report)",
    "Did It Open Government (Overall)",
]


def test_commitments_csv_starts_with_ogps_dataset_columns_then_the_local_fields(client):
    build_portal()
    response = client.get("/data/commitments.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="commitments.csv"' in response["Content-Disposition"]
    header = content(response).decode("utf-8-sig").splitlines()[0].split(",")
    assert header[: len(OGP_COLUMNS)] == OGP_COLUMNS
    for local in ("Problem", "Status Quo", "Action", "Start", "End", "Policy Area", "Sector"):
        assert local in header[len(OGP_COLUMNS) :]
    assert "Progress (%)" in header


def test_commitments_csv_holds_only_published_commitments_of_published_plans(client):
    portal = build_portal()
    rows = read_csv(content(client.get("/data/commitments.csv")))
    assert [row["Commitment Title"] for row in rows] == [portal["rti"].title, "Compromiso sin ID"]
    rti = rows[0]
    assert rti["Commitment Unique Identifier"] == "MXMEX0009"
    # The draft plan is left out; the two published plans are listed in the same order.
    assert rti["Action Plan Slug"] == "mexico-state-2021; tlalnepantla-2021"
    assert rti["Country/Locality"] == "Mexico State; Tlalnepantla de Baz"
    assert rti["Action Plan Period"] == "2021-2022; 2021-2023"
    assert rti["Lead Institution"].startswith("Instituto de Transparencia, Acceso")
    assert rti["Supporting Institution(s)"] == (
        "Borde Político; Secretaría de Justicia y Derechos Humanos"
    )
    assert rti["OGP Value Access To Information"] == "Yes"
    assert rti["OGP Value Civic Participation"] == "Yes"
    assert rti["OGP Value Technology"] == "No"
    assert rti["Problem"] == 'Línea uno\nLínea dos, con "comillas"'
    assert rti["Start"] == "2022-02" and rti["End"] == "2022-08"
    assert rti["Policy Area"] == "Right to Information"
    assert rti["Sector"] == "Other/NA"
    assert (rti["Milestones Finished"], rti["Milestones Total"], rti["Progress (%)"]) == (
        "1",
        "3",
        "33",
    )
    assert rti["URL"].endswith("/en/commitments/MXMEX0009/")
    assert rows[1]["Commitment Unique Identifier"] == ""


def test_milestones_csv_is_keyed_by_commitment_id_and_milestone_number(client):
    build_portal()
    response = client.get("/data/milestones.csv")
    data = content(response)
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(MILESTONE_HEADER)
    rows = read_csv(data)
    keys = [(r["Commitment Unique Identifier"], r["Milestone Number"]) for r in rows]
    assert keys == [("MXMEX0009", "1"), ("MXMEX0009", "2"), ("MXMEX0009", "3"), ("", "1")]
    assert rows[0]["Status"] == "finished"
    assert rows[1]["Overdue"] == "Yes"  # ended April 2022, not finished
    assert rows[3]["Action Plan Slug"] == "mexico-state-2021"
    assert rows[3]["Commitment Number"] == "2"


def test_commitments_json_uses_the_same_names_with_types_and_milestones(client):
    build_portal()
    response = client.get("/data/commitments.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    records = json.loads(content(response))
    assert [r["Commitment Unique Identifier"] for r in records] == ["MXMEX0009", None]
    first = records[0]
    assert set(COMMITMENT_HEADER) <= set(first)
    assert first["Action Plan Slug"] == ["mexico-state-2021", "tlalnepantla-2021"]
    assert first["OGP Value Access To Information"] is True
    assert first["Milestones Total"] == 3
    assert [m["Milestone Number"] for m in first["Milestones"]] == [1, 2, 3]


@pytest.mark.parametrize("path", ["commitments.csv", "milestones.csv", "commitments.json"])
def test_plan_and_member_narrow_every_download(client, path):
    portal = build_portal()
    only_town = client.get(f"/data/{path}?plan=tlalnepantla-2021")
    assert only_town.status_code == 200
    assert f"tlalnepantla-2021.{path.split('.')[1]}" in only_town["Content-Disposition"]
    town_text = content(only_town).decode()
    assert "MXMEX0009" in town_text and "Compromiso sin ID" not in town_text
    by_member = content(client.get(f"/data/{path}?member={portal['town'].slug}")).decode()
    assert "MXMEX0009" in by_member and "Compromiso sin ID" not in by_member
    empty_member = factories.make_member(slug="nobody")
    nothing = content(client.get(f"/data/{path}?member={empty_member.slug}")).decode()
    assert "MXMEX0009" not in nothing


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("plan=no-such-plan", "No published action plan has the identifier “no-such-plan”."),
        ("plan=draft-plan", "No published action plan has the identifier “draft-plan”."),
        ("member=atlantis", "No member has the identifier “atlantis”."),
    ],
)
def test_a_bad_plan_or_member_is_a_400_with_a_clear_message(client, query, message):
    build_portal()
    for path in ("commitments.csv", "milestones.csv", "commitments.json"):
        response = client.get(f"/data/{path}?{query}")
        assert response.status_code == 400
        assert response.json() == {
            "error": {"status": 400, "code": "invalid", "message": message, "fields": {}}
        }


def test_the_error_message_is_translated(client):
    response = client.get("/data/commitments.csv?member=atlantis", HTTP_ACCEPT_LANGUAGE="es")
    assert (
        response.json()["error"]["message"] == "Ningún miembro tiene el identificador “atlantis”."
    )


def test_downloads_are_streamed_in_chunks(client, monkeypatch):
    from commitments import exports

    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    plan = factories.make_plan()
    for _ in range(5):
        factories.make_commitment(plan, milestones=2)
    response = client.get("/data/commitments.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert len(read_csv(content(response))) == 5
    assert len(read_csv(content(client.get("/data/milestones.csv")))) == 10
    assert len(json.loads(content(client.get("/data/commitments.json")))) == 5


def test_export_queries_do_not_grow_with_rows(client, django_assert_num_queries, monkeypatch):
    from commitments import exports

    # Three chunks of one row: the query count must still not depend on how many rows there are.
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1000)
    plan = factories.make_plan()
    lead = factories.make_institution()
    for _ in range(3):
        factories.make_commitment(plan, milestones=2, lead=lead).ogp_values.add(
            factories.ogp_value()
        )
    # On PostgreSQL rows are read inside a transaction (in a test, a savepoint and its release).
    stream = 2 if connection.vendor == "postgresql" else 0
    # 0. the version of the public data (the download's ETag and Last-Modified)
    # 1. published plans, for each plan's number in its member's list
    # 2. the commitments with their counts, policy area and sector
    # 3. prefetch their published plans with members
    # 4. prefetch their institutions
    # 5. prefetch their OGP values
    with django_assert_num_queries(1 + 5 + stream):
        content(client.get("/data/commitments.csv"))
    # 0. version  1. plan numbers  2. commitments  3. plans  4. institutions  5. OGP values
    # 6. prefetch milestones with their responsible institution and last update
    with django_assert_num_queries(1 + 6 + stream):
        content(client.get("/data/commitments.json"))
    # 0. version  1. milestones with their commitment and responsible institution
    # 2. prefetch the commitments' published plans
    with django_assert_num_queries(1 + 2 + stream):
        content(client.get("/data/milestones.csv"))


def test_downloads_are_read_only(client):
    assert client.post("/data/commitments.csv").status_code == 405
    assert client.head("/data/commitments.csv").status_code == 200


def test_data_page_documents_the_columns_and_links_the_downloads_and_api(client):
    portal = build_portal()
    response = client.get("/en/data/")
    assert response.status_code == 200
    page = response.content.decode()
    for column in OGP_COLUMNS + ["Progress (%)", "Milestone Number"]:
        assert f"<code>{column}</code>" in page
    for link in ("/data/commitments.csv", "/data/milestones.csv", "/data/commitments.json"):
        assert f'href="{link}"' in page
    assert 'href="/data/commitments.csv?plan=mexico-state-2021"' in page
    assert "?plan=draft-plan" not in page
    assert 'href="/api/v1/docs/"' in page and 'href="/api/v1/schema/"' in page
    assert portal["plan_town"].title in page


def test_data_page_in_spanish(client):
    response = client.get("/es/data/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Datos abiertos" in page
    assert "Todavía no se ha publicado ningún plan de acción." in page


def test_data_page_query_count_is_flat(client, django_assert_num_queries):
    for count in (3, 30):
        for _ in range(count):
            factories.make_plan()
        # 1 the version of the public data (the count and each page's keys are kept under it)
        # 2 how many published plans  3 the page's keys, by member  4 the plans with members
        with django_assert_num_queries(4):
            first = client.get("/en/data/").content.decode()
        # Again at the same version: the version, then the plans of the kept keys.
        with django_assert_num_queries(2):
            assert client.get("/en/data/").content.decode() == first
        assert first.count("/data/commitments.csv?plan=") == min(
            ActionPlan.objects.published().count(), 30
        )


def test_the_data_page_lists_plans_a_page_at_a_time_and_finds_one(client):
    mexico = factories.make_member(name_en="Mexico State", name_es="Estado de México")
    factories.make_plan(
        mexico, title_en="Open Parliament", title_es="Parlamento Abierto", slug="pa"
    )
    for i in range(31):
        factories.make_plan(factories.make_member(name=f"Town {i:02d}"), slug=f"town-{i:02d}")
    first = client.get("/en/data/").content.decode()
    assert "32 published action plans" in first and "Page 1 of 2" in first
    assert first.count("/data/commitments.csv?plan=") == 30
    second = client.get("/en/data/?page=2").content.decode()
    assert second.count("/data/commitments.csv?plan=") == 2
    for text in ("Parlamento", "open parliament", "Estado de México", "mexico state"):
        found = client.get("/en/data/", {"q": text}).content.decode()
        assert "1 published action plan" in found, text
        assert 'href="/data/commitments.csv?plan=pa"' in found
    nothing = client.get("/es/data/", {"q": "zzz"}).content.decode()
    assert "zzz" in nothing and "/data/commitments.csv?plan=" not in nothing
    for wrong in ("x", "-1", "999", "999999"):
        assert client.get("/en/data/", {"page": wrong}).status_code == 200


def test_rows_are_fetched_chunk_by_chunk_as_the_response_is_read(client, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from commitments import exports

    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    plan = factories.make_plan()
    for _ in range(6):
        factories.make_commitment(plan, milestones=1)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/data/commitments.csv")
        stream = iter(response.streaming_content)
        next(stream)  # the header
        next(stream)  # the first row
        after_first_chunk = len(queries)
        rest = list(stream)
    assert len(rest) == 5 + 1  # the other rows, then the end-of-data row
    assert rest[-1].startswith(b"# end of data: 6 rows,")
    # Each further chunk of two rows runs its own prefetch queries (plans, institutions,
    # values): the rows were not all loaded when the first one was sent.
    later = [q for q in queries.captured_queries[after_first_chunk:] if "SAVEPOINT" not in q["sql"]]
    assert len(later) == 2 * 3


def test_each_published_plan_page_links_its_downloads(client):
    portal = build_portal()
    page = client.get("/en/plans/mexico-state-2021/").content.decode()
    for path in ("commitments.csv", "milestones.csv", "commitments.json"):
        assert f'href="/data/{path}?plan=mexico-state-2021"' in page
    assert 'href="/en/data/#columns"' in page
    assert 'href="/en/data/"' in page  # the footer's “Open data”
    # Each link downloads that plan only.
    rows = read_csv(content(client.get("/data/commitments.csv?plan=mexico-state-2021")))
    assert {r["Commitment Title"] for r in rows} == {portal["rti"].title, "Compromiso sin ID"}


def test_a_draft_plan_page_offers_no_download(client, secretariat):
    build_portal()
    client.force_login(secretariat)
    page = client.get("/en/plans/draft-plan/").content.decode()
    assert "/data/commitments.csv?plan=draft-plan" not in page


def test_exports_tell_overdue_milestones_with_and_without_a_report_apart(client):
    from commitments.models import MilestoneStatus
    from commitments.services import change_milestone_status

    commitment = factories.make_mxmex0009()  # 1 finished; 2 and 3 overdue, never reported
    change_milestone_status(
        milestone=commitment.milestones.get(number=2),
        new_status=MilestoneStatus.IN_PROGRESS,
        by=factories.make_secretariat(),
        note="Sesiones en curso",
    )
    (record,) = json.loads(content(client.get("/data/commitments.json")))
    assert record["Overdue Milestones"] == 2
    assert record["Milestones Not Reported"] == 1
    assert record["Overdue Without a Report"] == 1
    row = read_csv(content(client.get("/data/commitments.csv")))[0]
    assert (row["Milestones Not Reported"], row["Overdue Without a Report"]) == ("1", "1")
