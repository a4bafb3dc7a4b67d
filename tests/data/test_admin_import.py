"""Imports in the admin: upload → preview with old and new values → confirm; big files as jobs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.models import Commitment, Milestone
from dataimport.models import ImportJob
from tests import factories
from tests.data.helpers import build_portal, content, edit, read_csv, write_csv

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/dataimport/importjob/add/"
JOBS = "/admin/dataimport/importjob/"


def upload(client, data: bytes, name="commitments.csv", **files):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, "text/csv"), **files})


def job_page(client, job: ImportJob):
    return client.get(f"{JOBS}{job.pk}/change/")


def apply_url(job: ImportJob) -> str:
    return f"{JOBS}{job.pk}/apply/"


@pytest.fixture
def edited_export(client):
    build_portal()
    rows = read_csv(content(client.get("/data/commitments.csv")))
    edit(rows[0], "Commitment Title", "Título corregido")
    new = dict(rows[1], **{"Commitment Unique Identifier": "MXMEX0050", "Portal Number": ""})
    edit(new, "Commitment Title", "Nuevo compromiso")
    return write_csv([*rows, new])


def test_changelist_has_an_import_button(client, secretariat):
    client.force_login(secretariat)
    page = client.get("/admin/commitments/commitment/").content.decode()
    assert f'href="{UPLOAD}"' in page
    # The former address leads to the same page.
    assert client.get("/admin/commitments/commitment/import/").url == UPLOAD


def test_secretariat_previews_old_and_new_values_then_confirms(client, secretariat, edited_export):
    client.force_login(secretariat)
    response = upload(client, edited_export)
    job = ImportJob.objects.get()
    assert response.url == f"{JOBS}{job.pk}/change/"
    assert (job.status, job.in_background, job.created_by) == ("ready", False, secretariat)
    page = job_page(client, job).content.decode()
    assert "Nothing has been written yet" in page
    assert "Commitments: 1 to create, 1 to update, 1 unchanged." in page
    # Each changed field with its old and its new value.
    assert "<dt>Commitment Title</dt>" in page
    assert "<del>Transparencia proactiva, “con comillas”, y comas</del>" in page
    assert "<ins>Título corregido</ins>" in page
    assert "MXMEX0050" in page
    # Nothing is written by the preview.
    assert not Commitment.objects.filter(ogp_id="MXMEX0050").exists()
    assert Commitment.objects.get(ogp_id="MXMEX0009").title != "Título corregido"

    done = client.post(apply_url(job), follow=True)
    assert done.redirect_chain[-1][0] == "/admin/commitments/commitment/"
    assert (
        "Imported commitments.csv: 1 commitments created, 1 updated, 1 unchanged; "
        "0 milestones created, 0 updated, 0 unchanged." in done.content.decode()
    )
    assert Commitment.objects.get(ogp_id="MXMEX0009").title == "Título corregido"
    assert Commitment.objects.filter(ogp_id="MXMEX0050").exists()
    job.refresh_from_db()
    assert (job.status, job.applied_by) == ("done", secretariat)
    # A job is applied once.
    again = client.post(apply_url(job), follow=True)
    assert "This import is not waiting for confirmation." in again.content.decode()
    assert Commitment.objects.filter(ogp_id="MXMEX0050").count() == 1


def test_the_uploaded_file_is_kept_privately_and_removed_with_its_job(
    client, secretariat, edited_export, settings
):
    client.force_login(secretariat)
    upload(client, edited_export, name="../../etc/passwd.csv")
    job = ImportJob.objects.get()
    stored = job.commitments_file.path
    assert stored.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert "passwd" not in stored  # the uploaded name is shown, never used as a path
    with open(stored, "rb") as handle:
        assert handle.read() == edited_export
    client.post(f"{JOBS}{job.pk}/delete/", {"post": "yes"})
    assert not ImportJob.objects.exists()
    import os

    assert not os.path.exists(stored)


def test_a_bad_file_shows_every_problem_and_offers_no_confirmation(client, secretariat):
    build_portal()
    rows = read_csv(content(client.get("/data/commitments.csv")))
    rows[0]["Policy Area"] = "Astrology"
    rows[1]["End"] = "nunca"
    client.force_login(secretariat)
    upload(client, write_csv(rows))
    job = ImportJob.objects.get()
    assert (job.status, job.problem_count) == ("refused", 2)
    page = job_page(client, job).content.decode()
    assert "have 2 problems: nothing was imported" in page
    assert "Unknown policy area “Astrology”" in page
    assert "“nunca” is not a month" in page
    assert apply_url(job) not in page
    client.post(apply_url(job))
    job.refresh_from_db()
    assert job.status == "refused"


def test_unknown_columns_are_named_in_the_preview(client, secretariat):
    build_portal()
    client.force_login(secretariat)
    data = write_csv(
        [{"Commitment Unique Identifier": "MXMEX0009", "Colour": "red", "Short Title": "Corto"}]
    )
    upload(client, data)
    page = job_page(client, ImportJob.objects.get()).content.decode()
    assert "Columns not known to the import, ignored:" in page
    assert "“Colour”" in page


def test_both_files_at_once_with_status_changes_in_the_secretariats_name(client, secretariat):
    build_portal()
    commitments = content(client.get("/data/commitments.csv"))
    milestones = read_csv(content(client.get("/data/milestones.csv")))
    milestones[1]["Status"] = "finished"
    milestones[1]["Status Note"] = "Acta de entrega del 3 de mayo."
    client.force_login(secretariat)
    client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("c.csv", commitments, "text/csv"),
            "milestones": SimpleUploadedFile("m.csv", write_csv(milestones), "text/csv"),
        },
    )
    job = ImportJob.objects.get()
    page = job_page(client, job).content.decode()
    assert "Milestones: 0 to create, 1 to update, 3 unchanged." in page
    assert Milestone.objects.filter(status="finished").count() == 1  # the preview wrote nothing
    client.post(apply_url(job))
    second = Milestone.objects.get(commitment__ogp_id="MXMEX0009", number=2)
    assert second.status == "finished"
    update = second.updates.get()
    assert (update.author, update.note) == (secretariat, "Acta de entrega del 3 de mayo.")


def test_a_big_file_is_checked_and_applied_as_background_tasks(
    client, secretariat, edited_export, settings, django_capture_on_commit_callbacks
):
    settings.DATA_IMPORT_BACKGROUND_ROWS = 2  # the file has three rows
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        upload(client, edited_export)
    job = ImportJob.objects.get()
    assert (job.in_background, job.status, job.rows_total) == (True, "queued", 3)
    assert "Waiting to be checked" in job_page(client, job).content.decode()
    page = job_page(client, job).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page  # progress, refreshed
    assert '<progress id="import-progress" max="100" value="0">' in page
    for callback in queued:  # the task is enqueued once the job is stored
        callback()
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.preview["counts"]["update"]) == ("ready", 3, 1)
    assert 'http-equiv="refresh"' not in job_page(client, job).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(job))
    job.refresh_from_db()
    assert job.status == "done"
    assert Commitment.objects.get(ogp_id="MXMEX0009").title == "Título corregido"


def test_a_form_without_any_file_says_so(client, secretariat):
    client.force_login(secretariat)
    page = client.post(UPLOAD, {}).content.decode()
    assert "Choose a commitments file, a milestones file, or both." in page
    assert not ImportJob.objects.exists()


def test_the_admin_import_is_in_spanish(client, secretariat, edited_export):
    client.force_login(secretariat)
    client.cookies["django_language"] = "es"
    upload(client, edited_export, name="c.csv")
    page = job_page(client, ImportJob.objects.get()).content.decode()
    assert "Nuevo compromiso" in page
    assert "Confirmar e importar" in page


def test_implementers_and_anonymous_cannot_import(client, implementer, secretariat, edited_export):
    client.force_login(secretariat)
    upload(client, edited_export)
    job = ImportJob.objects.get()
    client.logout()
    assert client.get(UPLOAD).status_code == 302  # to the admin login
    client.force_login(implementer)
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, edited_export).status_code == 403
    assert job_page(client, job).status_code == 403
    assert client.post(apply_url(job)).status_code == 403
    assert client.get(JOBS).status_code == 403
    assert not Commitment.objects.filter(ogp_id="MXMEX0050").exists()
    assert ImportJob.objects.count() == 1


def test_a_file_over_5_mb_or_not_csv_or_xlsx_is_refused(client, secretariat):
    client.force_login(secretariat)
    response = upload(client, b"x" * (5 * 1024 * 1024 + 1))
    assert "larger than 5 MB" in response.content.decode()
    response = upload(client, b"a,b\n1,2\n", name="plan.exe")
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_job_page_that_does_not_exist_is_a_404(client, secretariat):
    client.force_login(secretariat)
    assert client.get(f"{JOBS}999999/change/").status_code == 404
    assert client.get(f"{JOBS}abc/change/").status_code == 404


def test_import_page_query_count(client, secretariat, django_assert_num_queries):
    for _ in range(3):
        factories.make_commitment()
    client.force_login(secretariat)
    # 1. session  2. user  3. the user's groups (secretariat check)
    # 4. the user's own permissions  5. its groups' permissions
    with django_assert_num_queries(5):
        assert client.get(UPLOAD).status_code == 200


@pytest.mark.parametrize("jobs", [3, 30])
def test_job_list_query_count_is_flat(client, secretariat, django_assert_num_queries, jobs):
    for i in range(jobs):
        ImportJob.objects.create(token=f"t{i}", name=f"f{i}.csv", created_by=secretariat)
    client.force_login(secretariat)
    # 1. session 2. user 3. groups 4-5. permissions 6. count 7. count of all 8. the page of
    # jobs with their uploaders
    with django_assert_num_queries(8):
        assert client.get(JOBS).status_code == 200
