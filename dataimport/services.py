"""Import jobs from upload to applied: the only code that runs ``import_commitments`` for the admin.

A job is checked (a dry run of ``commitments.imports.import_commitments`` that fills its preview)
and, once a person confirms the preview, applied (the same import, written). Files of more than
``DATA_IMPORT_BACKGROUND_ROWS`` rows run as tasks of Django's tasks framework (the database
backend's worker in production; the immediate backend runs them at once), smaller ones at once.
"""

from __future__ import annotations

import csv
import io
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.imports import ImportReport, import_commitments
from dataimport.models import ImportJob

DEFAULT_BACKGROUND_ROWS = 1000


def background_rows() -> int:
    """Files with more rows than this are checked and applied in the background."""
    return int(getattr(settings, "DATA_IMPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS))


def count_rows(upload) -> int:
    """About how many rows a file has, read as a stream (lines of a CSV; rows of an XLSX)."""
    upload.seek(0)
    start = upload.read(4)
    upload.seek(0)
    if start == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(upload, read_only=True)
            rows = workbook.worksheets[0].max_row or 0
            workbook.close()
        except Exception:  # an unreadable file: the check says why
            rows = 0
    else:
        # Records, not lines (a cell may span lines); any bytes read as Latin-1 for counting.
        text = io.TextIOWrapper(upload, encoding="latin-1", newline="")
        try:
            rows = sum(1 for _record in csv.reader(text))
        except csv.Error:
            rows = 0
        text.detach()
    upload.seek(0)
    return max(rows - 1, 0)


def _store(job: ImportJob, field: str, upload) -> None:
    extension = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
    getattr(job, field).save(f"{job.token}{extension}", upload, save=False)


def start_job(*, commitments=None, milestones=None, by) -> ImportJob:
    """Store the uploaded files in a new job and check them (in the background when big)."""
    job = ImportJob(
        token=secrets.token_hex(16),
        created_by=by,
        name=" + ".join(upload.name for upload in (commitments, milestones) if upload)[:500],
    )
    rows = 0
    for field, upload in (("commitments_file", commitments), ("milestones_file", milestones)):
        if upload:
            rows += count_rows(upload)
            _store(job, field, upload)
    job.rows_total = rows
    job.in_background = rows > background_rows()
    job.save()
    if job.in_background:
        from dataimport.tasks import check_import

        transaction.on_commit(lambda: check_import.enqueue(job.pk))
    else:
        check(job)
    return job


def _opener(stored):
    if not stored:
        return None

    def open_file():
        return stored.storage.open(stored.name, "rb")

    return open_file


def _progress(job: ImportJob):
    seen: dict[str, int] = {}

    def report(stage: str, done: int) -> None:
        seen[stage] = done
        ImportJob.objects.filter(pk=job.pk).update(rows_done=sum(seen.values()))

    return report


def _run(job: ImportJob, *, dry_run: bool, by) -> ImportReport:
    return import_commitments(
        _opener(job.commitments_file),
        milestones=_opener(job.milestones_file),
        by=by,
        dry_run=dry_run,
        progress=_progress(job),
    )


def check(job: ImportJob) -> ImportJob:
    """Check a job's files into its preview; writes nothing to the portal's data."""
    job.status = ImportJob.Status.CHECKING
    job.rows_done = 0
    job.save(update_fields=["status", "rows_done", "updated_at"])
    try:
        report = _run(job, dry_run=True, by=job.created_by)
    except Exception as error:  # recorded on the job, so the admin shows it instead of hanging
        job.status, job.error = ImportJob.Status.FAILED, str(error)[:2000]
        job.save(update_fields=["status", "error", "updated_at"])
        raise
    job.preview = report.as_dict()
    job.problem_count = report.problem_count
    job.status = ImportJob.Status.READY if report.ok else ImportJob.Status.REFUSED
    job.save(update_fields=["preview", "problem_count", "status", "updated_at"])
    return job


class NotReady(Exception):
    """The job's preview is not ready to apply (still checking, refused or already applied)."""


def apply_job(job: ImportJob, *, by) -> ImportJob:
    """Import a checked job's files for real (in the background when big)."""
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.APPLYING, applied_by=by, rows_done=0
    )
    if not updated:  # two clicks, or two people: one import
        raise NotReady(_("This import is not waiting for confirmation."))
    job.refresh_from_db()
    if job.in_background:
        from dataimport.tasks import apply_import

        transaction.on_commit(lambda: apply_import.enqueue(job.pk))
    else:
        apply(job)
    return job


def apply(job: ImportJob) -> ImportJob:
    """Write the job's import (the files are checked again: the data may have changed)."""
    try:
        report = _run(job, dry_run=False, by=job.applied_by)
    except Exception as error:
        job.status, job.error = ImportJob.Status.FAILED, str(error)[:2000]
        job.save(update_fields=["status", "error", "updated_at"])
        raise
    job.preview = report.as_dict()
    job.problem_count = report.problem_count
    if report.written:
        job.status, job.applied_at = ImportJob.Status.DONE, timezone.now()
    else:
        job.status = ImportJob.Status.REFUSED
    job.save(update_fields=["preview", "problem_count", "status", "applied_at", "updated_at"])
    return job
