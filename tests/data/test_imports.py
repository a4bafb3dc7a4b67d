import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from commitments.exports import COMMITMENT_COLUMNS, COMMITMENT_HEADER
from commitments.imports import import_commitments, parse_month
from commitments.models import Commitment, CommitmentInstitution, Milestone
from commitments.rollups import recompute_all, recompute_public
from plans.models import ActionPlan, Institution, Member
from tests import factories
from tests.data.helpers import build_portal, content, edit, read_csv, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

# Computed columns, and the portal number, which a new database gives anew.
DERIVED = {column.name for column in COMMITMENT_COLUMNS if column.derived} | {"Portal Number"}


def export(client, query="") -> bytes:
    return content(client.get(f"/data/commitments.csv{query}"))


def comparable(rows):
    return [{k: v for k, v in row.items() if k not in DERIVED} for row in rows]


def empty_the_database():
    Milestone.objects.all().delete()
    CommitmentInstitution.objects.all().delete()
    Commitment.objects.all().delete()
    ActionPlan.objects.all().delete()
    Member.objects.all().delete()
    Institution.objects.all().delete()


def state_of_the_database():
    """Everything an import could write, to show that a refused file changed nothing."""
    return (
        list(Commitment.objects.order_by("pk").values()),
        list(CommitmentInstitution.objects.order_by("pk").values()),
        list(Commitment.action_plans.through.objects.order_by("pk").values()),
        list(Commitment.ogp_values.through.objects.order_by("pk").values()),
        list(ActionPlan.objects.order_by("pk").values()),
        list(Member.objects.order_by("pk").values()),
        list(Institution.objects.order_by("pk").values()),
    )


def test_export_then_import_into_an_empty_database_gives_the_same_data(client):
    build_portal()
    original = export(client)
    empty_the_database()

    report = import_commitments(original)

    assert report.problems == []
    assert report.written
    assert report.created == 2
    assert sorted(report.new_plans) == [
        "Action plan – Mexico State, Mexico, 2021 – 2022",
        "Action plan – Tlalnepantla de Baz, Mexico, 2021 – 2023",
    ]
    assert sorted(report.new_members) == ["Mexico State", "Tlalnepantla de Baz"]
    assert len(report.new_institutions) == 3
    again = export(client)
    assert comparable(read_csv(again)) == comparable(read_csv(original))
    # The computed columns agree too where they do not depend on milestones or portal numbers.
    assert [r["URL"] for r in read_csv(again)][0] == read_csv(original)[0]["URL"]
    assert ActionPlan.objects.get(slug="mexico-state-2021").is_published


def test_an_export_imports_back_unchanged(client):
    portal = build_portal()
    before = state_of_the_database()
    report = import_commitments(export(client))
    assert report.problems == []
    assert [(row.action, row.changed) for row in report.rows] == [
        ("unchanged", []),
        ("unchanged", []),
    ]
    after = state_of_the_database()
    # Only updated_at may move: the rows are saved again with the same values.
    strip = [{k: v for k, v in row.items() if k != "updated_at"} for row in after[0]]
    assert strip == [{k: v for k, v in row.items() if k != "updated_at"} for row in before[0]]
    assert after[1:] == before[1:]
    # The link to the draft plan, which exports leave out, is kept.
    assert portal["draft"] in portal["rti"].action_plans.all()


def test_import_updates_by_ogp_id_and_reports_the_changed_columns(client):
    portal = build_portal()
    rows = read_csv(export(client))
    edit(rows[0], "Commitment Title", "Nuevo título")
    rows[0]["Lead Institution"] = "Borde Político"
    rows[0]["Supporting Institution(s)"] = "Instituto Nuevo"
    rows[0]["OGP Value Technology"] = "Sí"
    rows[0]["End"] = "Dic 2022"
    report = import_commitments(write_csv(rows))
    assert report.problems == []
    assert report.rows[0].action == "update"
    assert report.rows[0].changed == [
        "Commitment Title",
        "Lead Institution",
        "Supporting Institution(s)",
        "OGP Value Technology",
        "End",
        "Commitment Title (en)",
    ]
    assert report.new_institutions == ["Instituto Nuevo"]
    rti = Commitment.objects.get(ogp_id="MXMEX0009")
    assert rti.pk == portal["rti"].pk
    assert rti.title == "Nuevo título"
    assert rti.end.isoformat() == "2022-12-01"
    roles = {link.institution.name: link.role for link in rti.institution_roles.all()}
    assert roles == {"Borde Político": "lead", "Instituto Nuevo": "supporting"}
    assert rti.milestones.count() == 3  # milestones are untouched


def test_rows_without_ogp_id_match_on_number_in_their_first_plan(client):
    portal = build_portal()
    rows = read_csv(export(client))
    edit(rows[1], "Commitment Title", "Renombrado")
    new = dict(rows[1], **{"Commitment Number": "7", "Portal Number": ""})
    edit(new, "Commitment Title", "Otro")
    report = import_commitments(write_csv([*rows, new]))
    assert report.problems == []
    assert [row.action for row in report.rows] == ["unchanged", "update", "create"]
    portal["no_id"].refresh_from_db()
    assert portal["no_id"].title == "Renombrado"
    assert Commitment.objects.get(number=7).title == "Otro"


def test_dry_run_writes_nothing_but_tells_what_would_change(client):
    build_portal()
    rows = read_csv(export(client))
    edit(rows[0], "Commitment Title", "Cambiado")
    before = state_of_the_database()
    report = import_commitments(write_csv(rows), dry_run=True)
    assert report.ok and not report.written
    assert report.rows[0].changed == ["Commitment Title", "Commitment Title (en)"]
    assert state_of_the_database() == before


def test_latin1_and_utf8_with_bom_files_and_ogps_date_forms_are_read(client):
    build_portal()
    rows = read_csv(export(client))
    edit(rows[0], "Commitment Title", "Participación ciudadana en la Secretaría")
    rows[0]["Start"] = "Feb 2022"
    rows[1]["Start"] = "02/2022"
    rows[1]["End"] = "2022-05-01"
    text = write_csv(rows).decode("utf-8")
    # Excel on Windows writes Windows-1252 (it has “–”); plain Latin-1 has only the accents.
    windows = import_commitments(text.encode("cp1252"), dry_run=True)
    assert windows.problems == [] and windows.encoding == "Windows-1252"
    assert [row.action for row in windows.rows] == ["update", "unchanged"]
    plain = text.replace("–", "-").replace("“", '"').replace("”", '"').encode("latin-1")
    latin1 = import_commitments(plain, dry_run=True)
    assert latin1.problems == []
    assert latin1.rows[0].title == "Participación ciudadana en la Secretaría"
    report = import_commitments(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert report.problems == [] and report.encoding == "UTF-8"
    assert Commitment.objects.get(ogp_id="MXMEX0009").title.startswith("Participación")
    no_id = Commitment.objects.get(number=2)
    assert (no_id.start.isoformat(), no_id.end.isoformat()) == ("2022-02-01", "2022-05-01")


def test_semicolon_separated_files_from_spanish_spreadsheets_are_read(client):
    build_portal()
    rows = read_csv(export(client))
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COMMITMENT_HEADER, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    report = import_commitments(out.getvalue().encode("utf-8"), dry_run=True)
    assert report.problems == []
    assert [row.action for row in report.rows] == ["unchanged", "unchanged"]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Feb 2022", "2022-02-01"),
        ("February 2022", "2022-02-01"),
        ("feb. 2022", "2022-02-01"),
        ("Febrero de 2022", "2022-02-01"),
        ("02/2022", "2022-02-01"),
        ("2/2022", "2022-02-01"),
        ("2022-02", "2022-02-01"),
        ("2022-02-15", "2022-02-01"),
        ("Ago 2023", "2023-08-01"),
    ],
)
def test_months_as_ogp_writes_them(text, iso):
    assert parse_month(text).isoformat() == iso


@pytest.mark.parametrize("text", ["2022", "13/2022", "Foo 2022", "2022-02-30", "31/12/2022"])
def test_not_a_month(text):
    with pytest.raises(ValueError, match="is not a month"):
        parse_month(text)


def _bad_file(client, case):
    rows = read_csv(export(client))
    header = list(COMMITMENT_HEADER)
    if case == "no key column":
        header.remove("Commitment Unique Identifier")
        header.remove("Portal Number")
        return write_csv(rows, header)
    if case == "bad date":
        rows[1]["Start"] = "Febtember 2022"
    elif case == "unknown policy area":
        rows[0]["Policy Area"] = "Astrology"
    elif case == "duplicate id":
        rows[1]["Commitment Unique Identifier"] = "MXMEX0009"
    elif case == "end before start":
        rows[0]["Start"], rows[0]["End"] = "Aug 2022", "Feb 2022"
    elif case == "wrong encoding":
        return write_csv(rows).decode("utf-8").encode("utf-16")
    elif case == "empty file":
        return b""
    elif case == "header only":
        return write_csv(rows)[: write_csv(rows).index(b"\n") + 1]
    elif case == "bad ogp id":
        rows[0]["Commitment Unique Identifier"] = "mx-9"
    elif case == "unknown plan without title":
        rows[0]["Action Plan Slug"] = "no-such-plan"
        rows[0]["Action Plan"] = ""
        rows[0]["Country/Locality"] = ""
    elif case == "not yes or no":
        rows[0]["OGP Value Civic Participation"] = "maybe"
    elif case == "short row":
        return write_csv(rows) + b"MXMEX0099,too,short\n"
    return write_csv(rows)


BAD_FILES = [
    ("no key column", [(1, "", "The file needs a key column")]),
    (
        "bad date",
        [
            (
                3,
                "Start",
                "“Febtember 2022” is not a month: write it like “Feb 2022”, “02/2022” or “2022-02”.",
            )
        ],
    ),
    ("unknown policy area", [(2, "Policy Area", "Unknown policy area “Astrology”")]),
    (
        "duplicate id",
        [(3, "Commitment Unique Identifier", "The OGP ID MXMEX0009 is also on line 2.")],
    ),
    ("end before start", [(2, "End", "A commitment cannot end before it starts.")]),
    ("wrong encoding", [(1, "", "The file is not UTF-8 or Latin-1 text")]),
    ("empty file", [(1, "", "The file is empty.")]),
    ("header only", [(2, "", "The file has a header but no rows.")]),
    ("bad ogp id", [(2, "Commitment Unique Identifier", "An OGP ID is two capital letters")]),
    (
        "unknown plan without title",
        [(2, "Action Plan Slug", "No action plan has the identifier “no-such-plan”")],
    ),
    ("not yes or no", [(2, "OGP Value Civic Participation", "“maybe” is neither “Yes” nor “No”.")]),
    ("short row", [(4, "", f"This row has 3 cells; the header has {len(COMMITMENT_HEADER)}.")]),
]


@pytest.mark.parametrize(("case", "expected"), BAD_FILES, ids=[case for case, _ in BAD_FILES])
def test_a_bad_file_gets_row_level_errors_and_changes_nothing(client, case, expected):
    build_portal()
    data = _bad_file(client, case)
    before = state_of_the_database()
    report = import_commitments(data)
    assert not report.written
    got = [(p.line, p.column, p.message) for p in report.problems]
    assert len(got) == len(expected), got
    for (line, column, message), (want_line, want_column, want_message) in zip(
        got, expected, strict=True
    ):
        assert (line, column) == (want_line, want_column)
        assert message.startswith(want_message)
    assert state_of_the_database() == before


def test_every_problem_of_every_row_is_listed_at_once(client):
    build_portal()
    rows = read_csv(export(client))
    rows[0]["Start"] = "someday"
    rows[0]["Sector"] = "Mining"
    for language in ("", " (es)", " (en)"):
        rows[1][f"Commitment Title{language}"] = ""
    rows[1]["Commitment Number"] = "two"
    report = import_commitments(write_csv(rows))
    assert [(p.line, p.column) for p in report.problems] == [
        (2, "Start"),
        (2, "Sector"),
        (3, "Commitment Number"),
        (3, "Commitment Title"),
    ]


def test_a_good_row_is_not_written_when_another_row_is_bad(client):
    build_portal()
    rows = read_csv(export(client))
    rows[0]["Commitment Title"] = "Would change"
    rows[1]["End"] = "never"
    report = import_commitments(write_csv(rows))
    assert report.problems and not report.written
    assert not Commitment.objects.filter(title="Would change").exists()


def test_problems_are_translated_to_spanish(client):
    from django.utils import translation

    build_portal()
    rows = read_csv(export(client))
    rows[0]["End"] = "nunca"
    with translation.override("es"):
        report = import_commitments(write_csv(rows))
        assert str(report.problems[0]).startswith("línea 2, “End”: “nunca” no es un mes")


def test_command_imports_and_is_idempotent(client, tmp_path):
    build_portal()
    rows = read_csv(export(client))
    edit(rows[0], "Short Title", "Corto")
    path = tmp_path / "commitments.csv"
    path.write_bytes(write_csv(rows))
    from io import StringIO

    out = StringIO()
    call_command("import_commitments", str(path), stdout=out)
    assert "update MXMEX0009" in out.getvalue()
    assert "Imported: 0 created, 1 updated, 1 unchanged (UTF-8)." in out.getvalue()
    assert Commitment.objects.get(ogp_id="MXMEX0009").short_title == "Corto"
    out = StringIO()
    call_command("import_commitments", str(path), stdout=out)
    assert "Imported: 0 created, 0 updated, 2 unchanged (UTF-8)." in out.getvalue()


def test_command_dry_run_writes_nothing(client, tmp_path):
    build_portal()
    rows = read_csv(export(client))
    edit(rows[0], "Short Title", "Corto")
    path = tmp_path / "commitments.csv"
    path.write_bytes(write_csv(rows))
    from io import StringIO

    out = StringIO()
    call_command("import_commitments", str(path), "--dry-run", stdout=out)
    assert "Dry run, nothing written: 0 to create, 1 to update, 1 unchanged" in out.getvalue()
    assert Commitment.objects.get(ogp_id="MXMEX0009").short_title == "Transparencia"


def test_command_lists_problems_and_fails(client, tmp_path):
    build_portal()
    rows = read_csv(export(client))
    rows[0]["Policy Area"] = "Astrology"
    path = tmp_path / "bad.csv"
    path.write_bytes(write_csv(rows))
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_commitments", str(path), stderr=err)
    assert "bad.csv, line 2, “Policy Area”: Unknown policy area “Astrology”" in err.getvalue()
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_commitments", str(tmp_path / "missing.csv"))


def test_a_new_plan_is_created_as_a_draft_when_its_rows_are_unpublished(client):
    factories.make_member(name="Mexico State")
    build = dict.fromkeys(COMMITMENT_HEADER, "")
    build.update(
        {
            "Commitment Unique Identifier": "MXMEX0042",
            "Commitment Title": "Nuevo",
            "Action Plan": "Plan nuevo",
            "Action Plan Period": "2024 – 2026",
            "Country/Locality": "Mexico State",
            "Published": "No",
        }
    )
    report = import_commitments(write_csv([build], COMMITMENT_HEADER))
    assert report.problems == [] and report.new_members == []
    plan = ActionPlan.objects.get(title="Plan nuevo")
    assert (plan.slug, plan.status, plan.start_year, plan.end_year) == (
        "plan-nuevo",
        "draft",
        2024,
        2026,
    )
    assert plan.member.name == "Mexico State"


# --- Milestones, the second file ---------------------------------------------------------------


def export_milestones(client) -> bytes:
    return content(client.get("/data/milestones.csv"))


def test_both_files_round_trip_into_an_empty_database(client, secretariat):
    build_portal()
    commitments, milestones = export(client), export_milestones(client)
    # A status other than the default needs its reason, as any change of status does.
    rows = read_csv(milestones)
    rows[0]["Status Note"] = "Informe de la Secretaría, abril de 2022."
    milestones = write_csv(rows)
    empty_the_database()
    report = import_commitments(commitments, milestones=milestones, by=secretariat)
    assert report.problems == []
    assert report.milestone_counts == {"create": 4, "update": 0, "unchanged": 0}
    assert read_csv(export_milestones(client)) != []
    again = [
        {k: v for k, v in row.items() if k != "Last Update"}
        for row in read_csv(export_milestones(client))
    ]
    original = [
        {k: v for k, v in r.items() if k != "Last Update"}
        for r in read_csv(b"\xef\xbb\xbf" + milestones + b"# end of data: 4 rows\n")
    ]
    portal_numbers = {r["Commitment Portal Number"] for r in again}
    for row in [*again, *original]:
        del row["Commitment Portal Number"]
    assert again == original
    # Progress comes back with the milestones.
    assert read_csv(export(client))[0]["Progress (%)"] == "33"
    finished = Milestone.objects.get(commitment__ogp_id="MXMEX0009", number=1)
    update = finished.updates.get()
    assert (update.old_status, update.new_status, update.author, update.note) == (
        Milestone._meta.get_field("status").default,
        "finished",
        secretariat,
        "Informe de la Secretaría, abril de 2022.",
    )
    assert portal_numbers == {str(pk) for pk in Commitment.objects.values_list("pk", flat=True)}
    # Written in bulk, yet counted: every roll-up and public flag as a fresh recount has them.
    assert recompute_all(fix=False) == [] and recompute_public(fix=False) == []


def test_an_import_that_moves_a_commitment_to_another_plan_recounts_both(client):
    from commitments.rollups import PLAN, Rollup

    build_portal()
    commitment = Commitment.objects.exclude(ogp_id="").order_by("pk").first()
    old_plans = list(commitment.action_plans.all())
    other = factories.make_plan(factories.make_member(), slug="otro-plan")
    moved = {"Commitment Unique Identifier": commitment.ogp_id, "Action Plan Slug": other.slug}
    report = import_commitments(write_csv([moved]))
    assert report.problems == [], report.problems
    # It left its published plans for the new one (a draft plan, never exported, stays).
    drafts = {plan for plan in old_plans if plan.status != ActionPlan.Status.PUBLISHED}
    assert set(commitment.action_plans.all()) == {other, *drafts}
    assert Rollup.objects.get(scope=PLAN, object_id=other.pk).n_commitments == 1
    for plan in old_plans:
        before = Rollup.objects.get(scope=PLAN, object_id=plan.pk).n_commitments
        assert before == plan.commitments.filter(is_published=True).count()
    assert recompute_all(fix=False) == [] and recompute_public(fix=False) == []


def test_milestones_file_alone_updates_titles_and_statuses_through_the_service(client, secretariat):
    build_portal()
    rows = read_csv(export_milestones(client))
    edit(rows[1], "Milestone Title", "Nuevo título")
    rows[1]["Status"] = "En progreso"
    rows[1]["Status Note"] = "La Secretaría informó avances."
    rows[3]["Status"] = "stuck"
    rows[3]["Status Note"] = "Sin presupuesto."
    report = import_commitments(None, milestones=write_csv(rows), by=secretariat)
    assert report.problems == []
    assert [(r.action, r.changed) for r in report.milestone_rows] == [
        ("unchanged", []),
        ("update", ["Milestone Title", "Status", "Milestone Title (en)"]),
        ("unchanged", []),
        ("update", ["Status"]),
    ]
    second = Milestone.objects.get(commitment__ogp_id="MXMEX0009", number=2)
    assert (second.title, second.status) == ("Nuevo título", "in_progress")
    assert second.updates.get().note == "La Secretaría informó avances."
    assert Milestone.objects.get(commitment__number=2, commitment__ogp_id="").status == "stuck"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"Commitment Unique Identifier": "MXMEX0999"}, (2, "Commitment Unique Identifier")),
        ({"Milestone Number": "0"}, (2, "Milestone Number")),
        ({"Milestone Number": "2"}, (3, "Milestone Number")),  # line 3 repeats line 2
        ({"Status": "done"}, (2, "Status")),
        ({"Start": "Aug 2022", "End": "Feb 2022"}, (2, "End")),
        (
            {"Milestone Title": "", "Milestone Title (es)": "", "Milestone Title (en)": ""},
            (2, "Milestone Title"),
        ),
    ],
)
def test_bad_milestone_rows_write_nothing(client, secretariat, change, expected):
    build_portal()
    rows = read_csv(export_milestones(client))
    rows[0].update(change)
    before = list(Milestone.objects.order_by("pk").values())
    report = import_commitments(None, milestones=write_csv(rows), by=secretariat)
    assert not report.written
    assert expected in [(p.line, p.column) for p in report.problems]
    assert list(Milestone.objects.order_by("pk").values()) == before


def test_a_status_change_without_a_user_who_may_make_it_writes_nothing(client, implementer):
    build_portal()
    rows = read_csv(export_milestones(client))
    rows[1]["Status"] = "finished"
    rows[1]["Status Note"] = "Terminado."
    for by in (None, implementer):
        report = import_commitments(None, milestones=write_csv(rows), by=by)
        assert [(p.line, p.column) for p in report.problems] == [(3, "Status")]
    assert Milestone.objects.get(commitment__ogp_id="MXMEX0009", number=2).status == "not_reported"


def test_a_bad_milestones_file_undoes_the_commitments_too(client, secretariat):
    build_portal()
    rows = read_csv(export(client))
    edit(rows[0], "Commitment Title", "Cambiado")
    milestones = read_csv(export_milestones(client))
    milestones[0]["Status"] = "done"
    report = import_commitments(write_csv(rows), milestones=write_csv(milestones), by=secretariat)
    assert [(p.file, p.line, p.column) for p in report.problems] == [("milestones", 2, "Status")]
    assert str(report.problems[0]).startswith("milestones, line 2, “Status”")
    assert not Commitment.objects.filter(title="Cambiado").exists()


def test_command_imports_a_milestones_file(client, secretariat, tmp_path):
    build_portal()
    rows = read_csv(export_milestones(client))
    edit(rows[0], "Milestone Title", "Cambiado")
    rows[1]["Status"] = "finished"
    rows[1]["Status Note"] = "Terminado según el acta."
    path = tmp_path / "milestones.csv"
    path.write_bytes(write_csv(rows))
    from io import StringIO

    out = StringIO()
    call_command("import_commitments", str(path), "--user", secretariat.username, stdout=out)
    assert "Milestones: 0 new, 2 updated, 2 unchanged." in out.getvalue()
    assert Milestone.objects.filter(title="Cambiado").exists()
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_commitments", str(path), "--user", "nobody")


def test_a_status_change_carries_the_day_it_happened(client, secretariat):
    build_portal()
    rows = read_csv(export_milestones(client))
    for row in rows:
        row["Status Date"] = ""
    rows[1].update(
        {"Status": "finished", "Status Note": "Acta del 15 de abril.", "Status Date": "2022-04-15"}
    )
    report = import_commitments(None, milestones=write_csv(rows), by=secretariat)
    assert report.problems == [] and report.unknown_columns == []
    entry = Milestone.objects.get(commitment__ogp_id="MXMEX0009", number=2).updates.get()
    assert (entry.note, entry.happened_on) == ("Acta del 15 de abril.", datetime.date(2022, 4, 15))
    # Filed now, about a day long past.
    assert timezone.now() - entry.created_at < datetime.timedelta(minutes=5)


@pytest.mark.parametrize("value", ["15/04/2022", "2022-02-30", "20220415", "2999-01-01"])
def test_a_bad_status_date_writes_nothing(client, secretariat, value):
    build_portal()
    rows = read_csv(export_milestones(client))
    for row in rows:
        row["Status Date"] = ""
    rows[1].update({"Status": "finished", "Status Note": "Terminado.", "Status Date": value})
    report = import_commitments(None, milestones=write_csv(rows), by=secretariat)
    assert [(p.line, p.column) for p in report.problems] == [(3, "Status Date")]
    assert Milestone.objects.get(commitment__ogp_id="MXMEX0009", number=2).status == "not_reported"


def test_memory_does_not_grow_with_the_bad_rows_of_a_file(secretariat):
    import tracemalloc

    factories.make_mxmex0009()

    def peak_of(rows: int) -> tuple[int, int]:
        lines = [
            {
                "Commitment Unique Identifier": "MXMEX0009",
                "Milestone Number": str(number),
                "Milestone Title": f"Hito {number}",
                "Status": "terminado a medias",
            }
            for number in range(1, rows + 1)
        ]
        data = write_csv(lines)
        tracemalloc.start()
        try:
            report = import_commitments(None, milestones=data, by=secretariat)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert report.problem_count == rows and len(report.problems) == 100
        return peak, len(data)

    small, _ = peak_of(300)
    large, size = peak_of(6000)
    # Problems are kept up to a hundred and counted beyond; rows are read a chunk at a time:
    # twenty times the rows, not twenty times the memory (the file itself is held once).
    assert large < 2 * small + size
