"""Spreadsheets in and out: XLSX, partial columns, both languages, formulas, limits, reasons."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from commitments.exports import COMMITMENT_HEADER, MILESTONE_HEADER, neutralise, unneutralise
from commitments.imports import MAX_PROBLEMS, import_commitments
from commitments.models import Commitment, Milestone
from commitments.search import commitment_search_text
from plans.models import ActionPlan, Member
from tests import factories
from tests.data.helpers import build_portal, read_csv, write_csv
from tests.data.test_imports import empty_the_database, state_of_the_database

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def xlsx_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def make_xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_downloads_have_the_csv_columns_and_a_length(client):
    build_portal()
    response = client.get("/data/commitments.xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="commitments.xlsx"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(data)
    rows = xlsx_rows(data)
    assert rows[0] == COMMITMENT_HEADER
    csv_rows = read_csv(download(client, "/data/commitments.csv"))
    assert len(rows) - 1 == len(csv_rows)
    first = dict(zip(rows[0], rows[1], strict=False))
    assert first["Commitment Unique Identifier"] == "MXMEX0009"
    assert first["Commitment Number"] == 1  # numbers stay numbers
    assert first["Published"] == "Yes"
    assert xlsx_rows(download(client, "/data/milestones.xlsx"))[0] == MILESTONE_HEADER


def test_xlsx_export_then_import_into_an_empty_database_gives_the_same_data(client, secretariat):
    build_portal()
    commitments = download(client, "/data/commitments.xlsx")
    milestones_csv = read_csv(download(client, "/data/milestones.csv"))
    before_csv = read_csv(download(client, "/data/commitments.csv"))
    # A status other than the default needs a reason, also when a database is filled anew.
    rows = xlsx_rows(download(client, "/data/milestones.xlsx"))
    note = rows[0].index("Status Note")
    rows[1][note] = "Acta de cierre."
    empty_the_database()

    report = import_commitments(commitments, milestones=make_xlsx(rows), by=secretariat)

    assert report.problems == [] and report.written
    assert report.formats == ["XLSX"]
    assert (report.created, report.milestone_counts["create"]) == (2, 4)
    skip = {"Portal Number", "Commitment Portal Number", "URL", "Last Update"}
    after_csv = read_csv(download(client, "/data/commitments.csv"))
    assert [{k: v for k, v in r.items() if k not in skip} for r in after_csv] == [
        {k: v for k, v in r.items() if k not in skip} for r in before_csv
    ]
    again = read_csv(download(client, "/data/milestones.csv"))
    milestones_csv[0]["Status Note"] = "Acta de cierre."
    assert [{k: v for k, v in r.items() if k not in skip} for r in again] == [
        {k: v for k, v in r.items() if k not in skip} for r in milestones_csv
    ]


def test_an_xlsx_export_imports_back_unchanged(client, secretariat):
    build_portal()
    report = import_commitments(
        download(client, "/data/commitments.xlsx"),
        milestones=download(client, "/data/milestones.xlsx"),
        by=secretariat,
    )
    assert report.problems == []
    assert [row.action for row in report.rows] == ["unchanged", "unchanged"]
    assert report.milestone_counts == {"create": 0, "update": 0, "unchanged": 4}


def test_a_broken_xlsx_file_is_a_clear_problem(client):
    report = import_commitments(b"PK\x03\x04 not really a zip")
    assert [(p.line, p.message) for p in report.problems] == [
        (1, "The file is not a readable XLSX spreadsheet.")
    ]


# --- Any subset of the columns -------------------------------------------------------------------


def test_a_partial_xlsx_changes_exactly_its_columns(client):
    portal = build_portal()
    rti = portal["rti"]

    def stored():
        fields = [field.attname for field in Commitment._meta.concrete_fields]
        return Commitment.objects.rewrite(False).filter(pk=rti.pk).values(*fields).get()

    before = stored()
    plans = set(rti.action_plans.values_list("pk", flat=True))
    data = make_xlsx(
        [
            ["Commitment Unique Identifier", "Short Title (es)", "End"],
            ["MXMEX0009", "Transparencia activa", "2023-01"],
        ]
    )

    preview = import_commitments(data, dry_run=True)
    assert preview.problems == []
    changes = {c.column: (c.old, c.new) for c in preview.rows[0].changes}
    assert changes == {
        "Short Title (es)": ("", "Transparencia activa"),
        "End": ("2022-08", "2023-01"),
    }
    assert stored() == before  # a preview

    report = import_commitments(data)
    assert report.written
    after = stored()
    derived = {"updated_at", "search_text", "search_vector"}
    changed = {name for name in after if after[name] != before[name]} - derived
    assert changed == {"short_title_es", "end"}
    rti.refresh_from_db()
    assert (rti.short_title_es, rti.end.isoformat()) == ("Transparencia activa", "2023-01-01")
    assert set(rti.action_plans.values_list("pk", flat=True)) == plans
    assert rti.milestones.count() == 3


def test_a_partial_csv_keyed_on_the_portal_number_updates_a_commitment_without_ogp_id(client):
    portal = build_portal()
    data = write_csv([{"Portal Number": str(portal["no_id"].pk), "Published": "No"}])
    report = import_commitments(data)
    assert report.problems == []
    assert [(r.action, r.changed) for r in report.rows] == [("update", ["Published"])]
    portal["no_id"].refresh_from_db()
    assert not portal["no_id"].is_published
    assert portal["no_id"].title == "Compromiso sin ID"


def test_a_file_without_a_key_column_is_refused(client):
    build_portal()
    report = import_commitments(write_csv([{"Commitment Title": "Sin clave"}]))
    assert [(p.line, p.column) for p in report.problems] == [(1, "")]
    assert "needs a key column" in report.problems[0].message


def test_a_partial_row_that_matches_nothing_cannot_create(client):
    build_portal()
    report = import_commitments(
        write_csv([{"Commitment Unique Identifier": "MXMEX0777", "Short Title": "Nada"}])
    )
    assert [(p.line, p.column) for p in report.problems] == [(2, "Action Plan")]
    assert not Commitment.objects.filter(ogp_id="MXMEX0777").exists()


def test_unknown_columns_are_named_and_ignored(client):
    build_portal()
    rows = [{"Commitment Unique Identifier": "MXMEX0009", "Colour": "red", "Notes": "x"}]
    report = import_commitments(write_csv(rows))
    assert report.ok and report.unknown_columns == [("", "Colour"), ("", "Notes")]
    assert [row.action for row in report.rows] == ["unchanged"]


# --- Both languages ------------------------------------------------------------------------------


def test_exports_carry_both_language_versions_and_the_import_reads_them(client):
    portal = build_portal()
    rti = portal["rti"]
    rti.title_es, rti.title_en = "Transparencia proactiva", "Proactive transparency"
    rti.original_language = "es"
    rti.save()
    row = read_csv(download(client, "/data/commitments.csv"))[0]
    assert (row["Commitment Title"], row["Original Language"]) == ("Transparencia proactiva", "es")
    assert row["Commitment Title (es)"] == "Transparencia proactiva"
    assert row["Commitment Title (en)"] == "Proactive transparency"

    data = write_csv(
        [
            {
                "Commitment Unique Identifier": "MXMEX0009",
                "Commitment Title (en)": "Proactive openness",
                "Problem (en)": "Information was hard to find.",
            }
        ]
    )
    report = import_commitments(data)
    assert report.problems == []
    rti.refresh_from_db()
    assert (rti.title_es, rti.title_en) == ("Transparencia proactiva", "Proactive openness")
    assert rti.problem_en == "Information was hard to find."
    assert rti.original_language == "es"


def test_a_plain_text_edited_against_its_language_columns_is_refused(client):
    build_portal()
    rows = read_csv(download(client, "/data/commitments.csv"))
    rows[0]["Commitment Title"] = "Solo en la columna simple"  # its language column says otherwise
    report = import_commitments(write_csv(rows))
    assert [(p.line, p.column) for p in report.problems] == [(2, "Commitment Title")]
    assert "Commitment Title (en)" in report.problems[0].message


# --- Formulas ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "'=already", "''+x"],
)
def test_neutralising_is_undone_exactly(text):
    assert neutralise(text).startswith("'")
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("text", ["Plain", "'quoted", "2022-02", ""])
def test_harmless_texts_are_left_alone(text):
    assert neutralise(text) == text
    assert unneutralise(text) == text


def test_formula_cells_are_neutralised_in_every_export_and_round_trip(client):
    portal = build_portal()
    rti = portal["rti"]
    rti.short_title_en = '=HYPERLINK("http://evil.example","x")'
    rti.problem_en = "-1+1"
    rti.save()
    factories.make_milestone(rti, number=4, title="@cmd", description="+ a plus")
    csv_row = read_csv(download(client, "/data/commitments.csv"))[0]
    assert csv_row["Short Title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert csv_row["Problem (en)"] == "'-1+1"
    explorer = read_csv(download(client, "/en/commitments/download.csv"))
    assert explorer[0]["Short Title"].startswith("'=")
    sheet = xlsx_rows(download(client, "/data/commitments.xlsx"))
    assert sheet[1][sheet[0].index("Short Title")].startswith("'=")
    milestones = read_csv(download(client, "/data/milestones.csv"))
    assert milestones[3]["Milestone Title"] == "'@cmd"

    before = state_of_the_database()
    for data in (
        download(client, "/data/commitments.csv"),
        download(client, "/data/commitments.xlsx"),
    ):
        report = import_commitments(data)
        assert report.problems == []
        assert [row.action for row in report.rows] == ["unchanged", "unchanged"]
    assert state_of_the_database() == before
    rti.refresh_from_db()
    assert rti.short_title_en == '=HYPERLINK("http://evil.example","x")'


# --- Validation as the admin form ----------------------------------------------------------------


def test_a_slug_attack_is_refused_and_nothing_is_written(client):
    build_portal()
    rows = read_csv(download(client, "/data/commitments.csv"))
    rows[1].update(
        {
            "Portal Number": "",
            "Commitment Unique Identifier": "MXMEX0077",
            "Action Plan Slug": "Evil Slug/../<x>",
            "Action Plan": "Evil plan",
            "Action Plan Period": "2024-2025",
            "Country/Locality": "Mexico State",
        }
    )
    before = state_of_the_database()
    report = import_commitments(write_csv(rows))
    assert not report.written
    assert [(p.line, p.column) for p in report.problems] == [(3, "Action Plan Slug")]
    assert "slug" in report.problems[0].message.lower()
    assert state_of_the_database() == before
    assert not ActionPlan.objects.filter(title="Evil plan").exists()
    assert client.get("/en/").status_code == 200


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("Original Language", "fr"),
        ("Commitment Title (es)", "T" * 501),
        ("Commitment Number", "0"),
        ("Published", "perhaps"),
    ],
)
def test_each_value_is_checked_with_its_line_and_column(client, column, value):
    build_portal()
    before = state_of_the_database()
    report = import_commitments(
        write_csv([{"Commitment Unique Identifier": "MXMEX0009", column: value}])
    )
    assert [(p.line, p.column) for p in report.problems] == [(2, column)]
    assert state_of_the_database() == before


# --- Size and cost -------------------------------------------------------------------------------


def test_problems_are_capped_with_a_count_of_the_rest(client):
    build_portal()
    rows = [
        {"Commitment Unique Identifier": "MXMEX0009" if i == 0 else f"bad-{i}", "Start": "x"}
        for i in range(150)
    ]
    report = import_commitments(write_csv(rows))
    assert len(report.problems) == MAX_PROBLEMS
    assert report.more_problems > 0
    assert report.problem_count == 150 + 149  # a bad month on each row, a bad ID on all but one
    assert not report.written


def _queries_of_an_import(client, commitments: int) -> int:
    plan = factories.make_plan()
    for _ in range(commitments):
        factories.make_commitment(plan, milestones=2)
    data = download(client, "/data/commitments.csv")
    with CaptureQueriesContext(connection) as queries:
        report = import_commitments(data, dry_run=True)
    assert report.ok and report.unchanged == commitments
    return len(queries)


def test_an_imports_queries_do_not_grow_with_its_rows(client):
    few = _queries_of_an_import(client, 3)
    Commitment.objects.all().delete()
    ActionPlan.objects.all().delete()
    Member.objects.all().delete()
    many = _queries_of_an_import(client, 30)
    assert many == few


def test_an_import_reports_its_progress_chunk_by_chunk(client, monkeypatch):
    from commitments import imports

    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    build_portal()
    seen = []
    report = import_commitments(
        download(client, "/data/commitments.csv"),
        dry_run=True,
        progress=lambda stage, done: seen.append((stage, done)),
    )
    assert report.ok
    assert seen == [("commitments", 2)]


# --- Reasons for status changes ------------------------------------------------------------------


def test_a_status_change_without_a_reason_is_refused_with_line_and_column(client, secretariat):
    build_portal()
    rows = [
        {"Commitment Unique Identifier": "MXMEX0009", "Milestone Number": "2", "Status": "stuck"}
    ]
    before = list(Milestone.objects.order_by("pk").values())
    report = import_commitments(None, milestones=write_csv(rows), by=secretariat)
    assert [(p.line, p.column) for p in report.problems] == [(2, "Status Note")]
    assert list(Milestone.objects.order_by("pk").values()) == before


def test_the_previous_note_is_not_a_reason_for_a_new_change(client, secretariat):
    portal = build_portal()
    from commitments.services import change_milestone_status

    second = portal["rti"].milestones.get(number=2)
    change_milestone_status(
        milestone=second, new_status="in_progress", by=secretariat, note="Arrancó."
    )
    rows = read_csv(download(client, "/data/milestones.csv"))
    assert rows[1]["Status Note"] == "Arrancó."
    rows[1]["Status"] = "finished"
    report = import_commitments(None, milestones=write_csv(rows), by=secretariat)
    assert [(p.line, p.column) for p in report.problems] == [(3, "Status Note")]
    rows[1]["Status Note"] = "Entregado."
    report = import_commitments(None, milestones=write_csv(rows), by=secretariat)
    assert report.written
    assert second.updates.order_by("-pk").first().note == "Entregado."


def test_a_status_note_without_a_change_of_status_is_ignored(client, secretariat):
    build_portal()
    rows = read_csv(download(client, "/data/milestones.csv"))
    rows[0]["Status Note"] = "Nada cambia."
    report = import_commitments(None, milestones=write_csv(rows), by=secretariat)
    assert report.ok and report.milestone_counts["unchanged"] == 4


# --- The downloads' ends -------------------------------------------------------------------------


def test_csv_downloads_start_with_a_bom_and_end_with_the_end_of_data_row(client):
    build_portal()
    for path, count in (("/data/commitments.csv", 2), ("/data/milestones.csv", 4)):
        data = download(client, path)
        assert data.startswith(b"\xef\xbb\xbf")
        assert data.decode("utf-8").splitlines()[-1].startswith(f"# end of data: {count} rows,")


def test_an_import_accepts_files_with_or_without_bom_and_end_row(client):
    build_portal()
    data = download(client, "/data/commitments.csv")
    bare = data[3:].rsplit(b"# end of data", 1)[0]
    for variant in (data, bare):
        report = import_commitments(variant, dry_run=True)
        assert report.ok and report.unchanged == 2


def test_the_data_page_explains_bom_formulas_and_the_end_row(client):
    page = client.get("/en/data/").content.decode()
    assert "byte order mark" in page
    assert "apostrophe" in page
    assert "# end of data: N rows" in page
    assert "/data/commitments.xlsx" in page and "/data/milestones.xlsx" in page


def test_an_import_keeps_the_search_text_as_the_signals_would(client):
    build_portal()
    Commitment.objects.update(search_text="")
    rows = [{"Commitment Unique Identifier": "MXMEX0009", "Short Title (es)": "Nuevo"}]
    assert import_commitments(write_csv(rows)).written
    rti = Commitment.objects.get(ogp_id="MXMEX0009")
    assert rti.search_text == commitment_search_text(rti)
    assert "nuevo" in rti.search_text
