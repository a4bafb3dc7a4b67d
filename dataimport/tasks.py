"""Background tasks of import jobs (Django's tasks framework: any backend)."""

from __future__ import annotations

from django.tasks import task

from dataimport import services
from dataimport.models import ImportJob


@task()
def check_import(job_id: int) -> str:
    """Check a big import job's files into its preview."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).first()
    if job is None:  # deleted meanwhile, or already checked
        return "skipped"
    return services.check(job).status


@task()
def apply_import(job_id: int) -> str:
    """Write a big import job once its preview was confirmed."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.APPLYING).first()
    if job is None:
        return "skipped"
    return services.apply(job).status
