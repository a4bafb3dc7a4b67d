"""A record citizens can trust: no status without a report, a reason for every entry, progress
reports, back-dated and corrected entries, evidence files, and documents without links."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from commitments.models import (
    EvidenceFile,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
    Progress,
)
from commitments.services import change_milestone_status, record_milestone_update
from plans.models import ActionPlan, Document, Institution, Member
from tests.commitments.test_admin import MILESTONES, commitment_form_data, milestone_form_data
from tests.factories import (
    make_commitment,
    make_implementer,
    make_institution,
    make_milestone,
    make_mxmex0009,
    make_plan,
    make_secretariat,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


def states_not_started(page: str) -> bool:
    """Whether a page shows “Not started” other than as a filter option or a zero count."""
    page = re.sub(r"<option[^>]*>Not started</option>", "", page)
    page = re.sub(
        r'\?status=not_started"><span class="status status-not_started">.*?</span> Not started'
        r'</span>\s*<strong class="count">0</strong>',
        "",
        page,
        flags=re.S,
    )
    return "Not started" in page


def upload(name: str, content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# 1. No status without a report --------------------------------------------------------------


def test_a_new_milestone_is_not_reported_and_counted_apart_in_every_roll_up(institution):
    plan = make_plan()
    commitment = make_commitment(plan, milestones=3, lead=institution)
    commitment.milestones.filter(number=1).update(responsible_institution=institution)
    assert Milestone._meta.get_field("status").default == MilestoneStatus.NOT_REPORTED
    assert set(commitment.milestones.values_list("status", flat=True)) == {"not_reported"}
    assert commitment.progress.text == "0 of 3 milestones finished · 3 not reported"
    assert Progress(1, 3, 1).text == "1 of 3 milestones finished · 1 not reported"
    assert Progress(3, 3).text == "3 of 3 milestones finished"
    for rolled in (
        type(commitment).objects.with_progress().get(pk=commitment.pk),
        ActionPlan.objects.with_progress().get(pk=plan.pk),
        Member.objects.with_progress().get(pk=plan.member_id),
        Institution.objects.with_progress().get(pk=institution.pk),
    ):
        assert (rolled.n_finished, rolled.n_milestones, rolled.n_not_reported) == (0, 3, 3)
        assert rolled.n_overdue_unreported == rolled.n_overdue == 3


@pytest.mark.parametrize(
    "url",
    ["/en/", "/en/commitments/", "/en/commitments/C1/", "plan", "member", "institution"],
)
def test_every_page_shows_not_reported_milestones_and_states_the_rule(client, institution, url):
    plan = make_plan()
    commitment = make_commitment(plan, milestones=3, lead=institution)
    key = commitment.key
    url = {
        "plan": plan.get_absolute_url(),
        "member": plan.member.get_absolute_url(),
        "institution": institution.get_absolute_url(),
        "/en/commitments/C1/": f"/en/commitments/{key}/",
    }.get(url, url)
    page = client.get(url).content.decode()
    assert "3 not reported" in page or "Not reported" in page
    assert "counts as not reported, never as started or finished" in page
    assert not states_not_started(page)


def test_the_migration_turns_unreported_not_started_milestones_into_not_reported(secretariat):
    commitment = make_commitment(milestones=3, statuses=("not_started", "not_started", "stuck"))
    reported = commitment.milestones.get(number=2)
    MilestoneUpdate.objects.create(
        milestone=reported, author=secretariat, old_status="stuck", new_status="not_started"
    )
    migration = importlib.import_module("commitments.migrations.0010_unreported_milestones")
    migration.mark_unreported(apps, None)
    statuses = dict(commitment.milestones.values_list("number", "status"))
    assert statuses == {1: "not_reported", 2: "not_started", 3: "stuck"}


def test_overdue_without_a_report_is_told_apart_from_overdue_and_stuck(client):
    commitment = make_commitment(
        ogp_id="MXMEX0011", milestones=3, statuses=("not_reported", "stuck", "finished")
    )
    unreported, stuck, finished = commitment.milestones.order_by("number")
    assert (unreported.overdue_kind, stuck.overdue_kind, finished.overdue_kind) == (
        "unreported",
        "reported",
        "",
    )
    other = make_commitment(ogp_id="MXMEX0012", milestones=1, statuses=("stuck",))
    # The explorer and its filter.
    page = client.get("/en/commitments/?overdue_kind=unreported").content.decode()
    assert "MXMEX0011" in page and "MXMEX0012" not in page
    page = client.get("/en/commitments/?overdue_kind=reported").content.decode()
    assert "MXMEX0011" in page and "MXMEX0012" in page
    assert "1 overdue without a report" in page
    # The commitment page badges each milestone.
    page = client.get("/en/commitments/MXMEX0011/").content.decode()
    assert page.count("Overdue without a report") == 1
    # The API: fields and filters.
    api = APIClient()
    body = api.get("/api/v1/commitments/MXMEX0011/").json()
    assert body["progress"]["not_reported"] == 1
    assert body["progress"]["overdue_without_report"] == 1
    assert body["progress"]["overdue"] == 2
    assert [m["overdue_without_report"] for m in body["milestones"]] == [True, False, False]
    found = api.get("/api/v1/milestones/?overdue_kind=unreported").json()["results"]
    assert [m["id"] for m in found] == [unreported.pk]
    found = api.get("/api/v1/milestones/?overdue_kind=reported").json()["results"]
    assert {m["id"] for m in found} == {stuck.pk, other.milestones.get().pk}
    assert api.get("/api/v1/milestones/?overdue_kind=late").status_code == 400
    # The CSV's status column says which.
    csv = client.get("/en/commitments/download.csv?overdue_kind=unreported")
    assert "MXMEX0011" in b"".join(csv.streaming_content).decode()


def test_the_demo_commitment_mxmex0009_is_never_shown_as_not_started(client):
    commitment = make_mxmex0009()
    statuses = dict(commitment.milestones.values_list("number", "status"))
    assert statuses == {1: "finished", 2: "not_reported", 3: "not_reported"}
    for url in ("/en/", "/en/commitments/", "/en/commitments/MXMEX0009/"):
        page = client.get(url).content.decode()
        assert not states_not_started(page), url
    page = client.get("/en/commitments/MXMEX0009/").content.decode()
    assert page.count("Overdue without a report") == 2
    rows = b"".join(client.get("/data/milestones.csv").streaming_content).decode()
    assert "not_started" not in rows and rows.count("not_reported") == 2
    body = APIClient().get("/api/v1/commitments/MXMEX0009/").json()
    assert [m["status"] for m in body["milestones"]] == ["finished", "not_reported", "not_reported"]
    assert "not_started" not in str(APIClient().get("/api/v1/milestones/").json())


# 2. One rule for every change, on every path ------------------------------------------------


def test_the_service_refuses_an_entry_without_a_reason(secretariat):
    milestone = make_commitment(milestones=1).milestones.get()
    for note in ("", "   "):
        with pytest.raises(ValidationError) as error:
            change_milestone_status(
                milestone=milestone, new_status="finished", by=secretariat, note=note
            )
        assert "note" in error.value.message_dict
    milestone.refresh_from_db()
    assert milestone.status == "not_reported" and not milestone.updates.exists()


def test_the_inline_refuses_a_change_without_a_reason(client, secretariat):
    commitment = make_commitment(milestones=1)
    milestones = list(commitment.milestones.all())
    client.force_login(secretariat)
    response = client.post(
        f"/admin/commitments/commitment/{commitment.pk}/change/",
        commitment_form_data(commitment, milestones, **{"milestones-0-status": "stuck"}),
    )
    assert response.status_code == 200
    assert "the note is shown publicly" in response.content.decode()
    assert not MilestoneUpdate.objects.exists()
    assert commitment.milestones.get().status == "not_reported"


def test_the_api_refuses_a_change_without_a_reason_with_a_json_400(implementer, institution):
    milestone = make_commitment(milestones=1, lead=institution).milestones.get()
    api = APIClient()
    api.force_authenticate(implementer)
    for body in ({"status": "finished"}, {"status": "finished", "note": "  "}):
        response = api.patch(f"/api/v1/milestones/{milestone.pk}/", body, format="json")
        assert response.status_code == 400
        assert "note" in response.json()["error"]["fields"]
    milestone.refresh_from_db()
    assert milestone.status == "not_reported" and not milestone.updates.exists()


def test_a_progress_report_without_a_status_change_is_a_dated_public_entry(
    client, implementer, institution
):
    milestone = make_commitment(
        ogp_id="MXMEX0013", milestones=1, lead=institution, statuses=("in_progress",)
    ).milestones.get()
    api = APIClient()
    api.force_authenticate(implementer)
    response = api.patch(
        f"/api/v1/milestones/{milestone.pk}/",
        {"note": "Two of five workshops held", "happened_on": "2022-03-10"},
        format="json",
    )
    assert response.status_code == 200, response.content
    update = milestone.updates.get()
    assert (update.kind, update.old_status, update.new_status) == (
        "progress_report",
        "in_progress",
        "in_progress",
    )
    assert update.happened_on == datetime.date(2022, 3, 10)
    assert update.author_institution == institution
    page = client.get("/en/commitments/MXMEX0013/").content.decode()
    assert "Progress report" in page and "Two of five workshops held" in page
    # Both dates are shown, the filing one with its time.
    assert 'datetime="2022-03-10"' in page
    assert "Happened on" in page and "Filed" in page
    listed = api.get(f"/api/v1/milestone-updates/?milestone={milestone.pk}").json()["results"]
    assert (listed[0]["kind"], listed[0]["happened_on"]) == ("progress_report", "2022-03-10")


def test_the_admin_files_a_progress_report_from_a_note_alone(client, secretariat):
    milestone = make_commitment(milestones=1).milestones.get()
    client.force_login(secretariat)
    response = client.post(
        f"{MILESTONES}{milestone.pk}/change/",
        milestone_form_data(milestone, note="Consultation with municipalities under way"),
    )
    assert response.status_code == 302
    update = milestone.updates.get()
    assert (update.kind, update.note) == (
        "progress_report",
        "Consultation with municipalities under way",
    )
    # Evidence without a reason is refused, not dropped.
    response = client.post(
        f"{MILESTONES}{milestone.pk}/change/",
        milestone_form_data(milestone, evidence="https://example.org/minutes"),
    )
    assert response.status_code == 200
    assert "the note is shown publicly" in response.content.decode()
    assert milestone.updates.count() == 1


def test_a_back_dated_entry_records_when_the_fact_happened_and_a_future_date_is_refused(
    secretariat,
):
    milestone = make_commitment(milestones=1).milestones.get()
    update = record_milestone_update(
        milestone=milestone,
        by=secretariat,
        new_status="finished",
        note="Completed, brought in from the 2022 archive",
        happened_on=datetime.date(2022, 4, 15),
    )
    assert update.happened_on_other_day
    assert update.created_at.date() != update.happened_on
    with pytest.raises(ValidationError) as error:
        record_milestone_update(
            milestone=milestone,
            by=secretariat,
            note="x",
            happened_on=datetime.date.today() + datetime.timedelta(days=2),
        )
    assert "happened_on" in error.value.message_dict


def test_a_correction_points_at_the_mistaken_entry_and_is_shown_beside_it(client, secretariat):
    commitment = make_commitment(ogp_id="MXMEX0014", milestones=2)
    milestone = commitment.milestones.get(number=1)
    mistaken = record_milestone_update(
        milestone=milestone, by=secretariat, new_status="finished", note="Finished (wrong one)"
    )
    client.force_login(secretariat)
    response = client.post(
        f"{MILESTONES}{milestone.pk}/change/",
        milestone_form_data(
            Milestone.objects.get(pk=milestone.pk),
            status="in_progress",
            corrects=str(mistaken.pk),
            note="Milestone 2 was finished, not this one.",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    correction = milestone.updates.get(kind="correction")
    assert (correction.corrects, correction.old_status, correction.new_status) == (
        mistaken,
        "finished",
        "in_progress",
    )
    # The original stays as it was.
    mistaken.refresh_from_db()
    assert (mistaken.note, mistaken.new_status) == ("Finished (wrong one)", "finished")
    client.logout()
    page = client.get("/en/commitments/MXMEX0014/").content.decode()
    assert "This entry was corrected" in page
    assert f'href="#update-{correction.pk}"' in page
    assert f'href="#update-{mistaken.pk}"' in page
    log = client.get("/en/corrections/").content.decode()
    assert "Milestone 2 was finished, not this one." in log and "1 correction" in log
    # An entry of another milestone cannot be corrected from this one.
    other = commitment.milestones.get(number=2)
    with pytest.raises(ValidationError):
        record_milestone_update(milestone=other, by=secretariat, note="x", corrects=mistaken)
    api = APIClient()
    api.force_authenticate(secretariat)
    response = api.patch(
        f"/api/v1/milestones/{other.pk}/", {"note": "x", "corrects": mistaken.pk}, format="json"
    )
    assert response.status_code == 400
    assert "corrects" in response.json()["error"]["fields"]
    body = api.get(f"/api/v1/milestone-updates/{mistaken.pk}/").json()
    assert body["corrected_by"] == [correction.pk]


def test_history_entries_cannot_be_edited_or_deleted(client, secretariat):
    milestone = make_commitment(milestones=1).milestones.get()
    update = record_milestone_update(milestone=milestone, by=secretariat, note="Started")
    client.force_login(secretariat)
    url = f"/admin/commitments/milestoneupdate/{update.pk}/"
    assert client.post(f"{url}change/", {"note": "rewritten"}).status_code == 403
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    api = APIClient()
    api.force_authenticate(secretariat)
    for method in (api.put, api.patch, api.delete):
        assert (
            method(f"/api/v1/milestone-updates/{update.pk}/", {}, format="json").status_code == 405
        )
    update.refresh_from_db()
    assert update.note == "Started"


# 3. Evidence files ---------------------------------------------------------------------------


def test_evidence_files_are_checked_by_content_size_and_count(secretariat, settings):
    milestone = make_commitment(milestones=1).milestones.get()

    def refused(*files):
        with pytest.raises(ValidationError) as error:
            record_milestone_update(milestone=milestone, by=secretariat, note="n", files=files)
        return " ".join(error.value.message_dict["files"])

    assert "does not contain what its name says" in refused(upload("informe.pdf", EXE))
    assert "does not contain what its name says" in refused(upload("foto.pdf", PNG))
    assert "not an accepted type" in refused(upload("grafica.svg", SVG))
    assert "does not contain what its name says" in refused(upload("notas.txt", SVG))
    assert "not an accepted type" in refused(upload("setup.exe", EXE))
    assert "at most 5 files" in refused(*[upload(f"a{i}.pdf") for i in range(6)])
    big = upload("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert "each file may be at most 10.0\xa0MB" in refused(big)
    assert not MilestoneUpdate.objects.exists()
    update = record_milestone_update(
        milestone=milestone,
        by=secretariat,
        note="Minutes",
        files=[upload("../../Acta  final\x00.pdf"), upload("foto.png", PNG)],
    )
    names = [(f.original_name, f.content_type) for f in update.files.all()]
    assert names == [("Acta final.pdf", "application/pdf"), ("foto.png", "image/png")]
    assert "Acta" not in update.files.first().file.name  # stored under a random name


def test_evidence_files_are_served_as_downloads_and_private_until_published(
    client, secretariat, implementer, institution
):
    commitment = make_commitment(ogp_id="MXMEX0015", milestones=1, lead=institution)
    milestone = commitment.milestones.get()
    update = record_milestone_update(
        milestone=milestone, by=implementer, note="Minutes", files=[upload("acta.pdf")]
    )
    item = update.files.get()
    url = item.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="acta.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    page = client.get("/en/commitments/MXMEX0015/").content.decode()
    assert f'href="{url}"' in page
    assert client.get(f"/en/evidence/{update.pk}/{item.pk + 1}/").status_code == 404
    commitment.is_published = False
    commitment.save()
    assert client.get(url).status_code == 404
    body = APIClient().get("/api/v1/milestone-updates/").json()
    assert body["results"] == []
    client.force_login(secretariat)
    assert client.get(url).status_code == 200


def test_the_admin_attaches_evidence_files_to_an_entry(client, implementer, institution):
    milestone = make_commitment(milestones=1, lead=institution).milestones.get()
    client.force_login(implementer)
    data = milestone_form_data(milestone, status="in_progress", note="Started")
    data["evidence_files"] = [upload("acta.pdf"), upload("foto.png", PNG)]
    response = client.post(f"{MILESTONES}{milestone.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [f.original_name for f in EvidenceFile.objects.all()] == ["acta.pdf", "foto.png"]
    data = milestone_form_data(Milestone.objects.get(pk=milestone.pk), note="Binary")
    data["evidence_files"] = [upload("informe.pdf", EXE)]
    response = client.post(f"{MILESTONES}{milestone.pk}/change/", data)
    assert response.status_code == 200
    assert "does not contain what its name says" in response.content.decode()
    assert milestone.updates.count() == 1


# Documents -----------------------------------------------------------------------------------


def test_a_document_without_a_link_is_plain_text_and_milestone_documents_are_listed(client):
    commitment = make_commitment(ogp_id="MXMEX0016", milestones=1)
    milestone = commitment.milestones.get()
    Document.objects.create(
        title="Informe sin copia", commitment=commitment, doc_type="letter", year=2021
    )
    Document.objects.create(
        title="Minuta del hito", milestone=milestone, url="https://example.org/minuta"
    )
    page = client.get("/en/commitments/MXMEX0016/").content.decode()
    assert '<a href="">' not in page
    assert '<span class="document-unlinked">Informe sin copia</span>' in page
    assert "2021, Letter, no copy online yet" in page
    assert '<a href="https://example.org/minuta"' in page
    found = APIClient().get(f"/api/v1/documents/?milestone={milestone.pk}").json()["results"]
    assert [d["title"] for d in found] == ["Minuta del hito"]
    assert APIClient().get("/api/v1/documents/?milestone=x").status_code == 400


def test_member_and_plan_pages_never_link_a_document_without_a_link(client):
    plan = make_plan()
    Document.objects.create(title="Carta", member=plan.member, doc_type="letter", year=2020)
    Document.objects.create(title="Plan escaneado", action_plan=plan, year=2021)
    for url in (plan.member.get_absolute_url(), plan.get_absolute_url()):
        page = client.get(url).content.decode()
        assert '<a href="">' not in page
        assert "document-unlinked" in page


# Query counts --------------------------------------------------------------------------------


def _commitment_page_queries(client, entries: int) -> int:
    commitment = make_commitment(ogp_id=f"MXMEX{entries:04d}", milestones=3)
    secretariat = make_secretariat()
    milestones = list(commitment.milestones.all())
    for i in range(entries):
        milestone = milestones[i % 3]
        update = record_milestone_update(
            milestone=milestone,
            by=secretariat,
            note=f"Entry {i}",
            evidence=["https://example.org/a"],
            files=[upload(f"f{i}.pdf")],
        )
        if i % 2:
            record_milestone_update(
                milestone=milestone, by=secretariat, note="Fix", corrects=update
            )
        Document.objects.create(title=f"Doc {i}", milestone=milestone)
    client.get(f"/en/commitments/{commitment.key}/")  # warm caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/en/commitments/{commitment.key}/").status_code == 200
    return len(queries)


def test_the_commitment_page_and_corrections_log_query_counts_stay_flat(client):
    assert _commitment_page_queries(client, 3) == _commitment_page_queries(client, 30)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/corrections/").status_code == 200
    small = len(queries)
    make_milestone(make_commitment(ogp_id="MXMEX0099"), number=5)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/corrections/").status_code == 200
    assert len(queries) == small


def test_an_implementer_cannot_file_entries_on_another_institutions_milestone(implementer):
    other = make_institution(name="Otra")
    milestone = make_commitment(milestones=1, lead=other).milestones.get()
    api = APIClient()
    api.force_authenticate(implementer)
    response = api.patch(f"/api/v1/milestones/{milestone.pk}/", {"note": "x"}, format="json")
    assert response.status_code == 403
    assert not milestone.updates.exists()
    assert make_implementer(other) is not None
