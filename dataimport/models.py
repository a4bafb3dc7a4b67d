"""Import jobs: an uploaded file checked into a preview, then applied, in the background when big."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dataimport.storage import import_storage


class ImportJob(models.Model):
    """One import of a commitments file and/or a milestones file, from upload to applied."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        READY = "ready", _("Preview ready")
        REFUSED = "refused", _("Refused: the file has problems")
        APPLYING = "applying", _("Being imported")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    token = models.CharField(max_length=32, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    name = models.CharField(_("files"), max_length=500)
    commitments_file = models.FileField(
        _("commitments file"), storage=import_storage, upload_to="commitments/", blank=True
    )
    milestones_file = models.FileField(
        _("milestones file"), storage=import_storage, upload_to="milestones/", blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    in_background = models.BooleanField(_("in the background"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    # ImportReport.as_dict(): counts, the first problems, the first changed rows with old and new
    # values, unknown columns, what would be created.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.name

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.CHECKING, self.Status.APPLYING}

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    def delete(self, *args, **kwargs):
        for stored in (self.commitments_file, self.milestones_file):
            if stored:
                stored.delete(save=False)
        return super().delete(*args, **kwargs)
