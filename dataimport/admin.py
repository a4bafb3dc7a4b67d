"""Imports in the admin: upload a file, see its preview (old and new value of every change), apply.

Only the secretariat imports. Big files are checked and applied in the background; their page
shows the progress and refreshes itself until the preview or the result is there.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.exports import COMMITMENT_COLUMNS, MILESTONE_COLUMNS
from dataimport import services
from dataimport.models import ImportJob
from ogptracker.admin_guards import GuardedAdminMixin
from ogptracker.keys import parse_pk
from plans.roles import is_secretariat

MAX_FILE_SIZE = 5 * 1024 * 1024
EXTENSIONS = (".csv", ".txt", ".xlsx")


def may_import(user) -> bool:
    """The secretariat, with the rights to add and change commitments."""
    return (
        is_secretariat(user)
        and user.has_perm("commitments.add_commitment")
        and user.has_perm("commitments.change_commitment")
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Commitments file"),
        required=False,
        help_text=_(
            "CSV (UTF-8 or Latin-1) or XLSX, at most 5 MB, with any of the columns of "
            "/data/commitments.csv including a key (the OGP ID or the portal number). Nothing is "
            "written until you confirm the preview."
        ),
    )
    milestones = forms.FileField(
        label=_("Milestones file"),
        required=False,
        help_text=_(
            "Optional: the columns of /data/milestones.csv. A status change needs its reason in "
            "“Status Note” and is recorded in the milestone’s public history in your name."
        ),
    )

    def _checked(self, name):
        upload = self.cleaned_data.get(name)
        if upload and upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(_("The file is larger than 5 MB: split it in parts."))
        if upload and not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload

    def clean_file(self):
        return self._checked("file")

    def clean_milestones(self):
        return self._checked("milestones")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file") and not cleaned.get("milestones"):
            raise forms.ValidationError(_("Choose a commitments file, a milestones file, or both."))
        return cleaned


@admin.register(ImportJob)
class ImportJobAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "status", "progress", "problem_count", "created_by", "created_at")
    list_filter = ("status",)
    list_select_related = ("created_by",)
    list_per_page = 50

    @admin.display(description=_("progress"))
    def progress(self, job: ImportJob) -> str:
        return gettext("%(done)s of about %(total)s rows") % {
            "done": job.rows_done,
            "total": job.rows_total,
        }

    def has_module_permission(self, request) -> bool:
        return may_import(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_import(request.user)

    def has_add_permission(self, request) -> bool:
        return may_import(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a job is applied or deleted, never edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return may_import(request.user) and (obj is None or not obj.is_running)

    def delete_queryset(self, request, queryset):
        for job in queryset:
            job.delete()  # with its stored files

    def get_urls(self):
        return [
            path(
                "<str:object_id>/apply/",
                self.admin_site.admin_view(self.apply_view),
                name="dataimport_importjob_apply",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "commitment_columns": COMMITMENT_COLUMNS,
            "milestone_columns": MILESTONE_COLUMNS,
            **extra,
        }

    def add_view(self, request, form_url="", extra_context=None):
        if not may_import(request.user):
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        if request.method == "POST" and form.is_valid():
            job = services.start_job(
                commitments=form.cleaned_data.get("file"),
                milestones=form.cleaned_data.get("milestones"),
                by=request.user,
            )
            return redirect("admin:dataimport_importjob_change", job.pk)
        return TemplateResponse(
            request,
            "admin/dataimport/importjob/upload.html",
            self._context(request, form=form, title=gettext("Import commitments and milestones")),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not may_import(request.user):
            raise PermissionDenied
        job = get_object_or_404(
            ImportJob.objects.select_related("created_by", "applied_by"), pk=parse_pk(object_id)
        )
        preview = job.preview or {}
        return TemplateResponse(
            request,
            "admin/dataimport/importjob/job.html",
            self._context(
                request,
                job=job,
                original=job,
                preview=preview,
                title=gettext("Import of %(name)s") % {"name": job.name},
                shown_problems=len(preview.get("problems", [])),
                hidden_rows=max(
                    0,
                    preview.get("counts", {}).get("create", 0)
                    + preview.get("counts", {}).get("update", 0)
                    - len(preview.get("rows", [])),
                ),
            ),
        )

    def apply_view(self, request, object_id):
        if not may_import(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:dataimport_importjob_change", object_id)
        job = get_object_or_404(ImportJob, pk=parse_pk(object_id))
        try:
            job = services.apply_job(job, by=request.user)
        except services.NotReady as error:
            messages.error(request, str(error))
            return redirect("admin:dataimport_importjob_change", job.pk)
        if job.status == ImportJob.Status.DONE:
            counts = job.preview["counts"]
            milestone_counts = job.preview["milestone_counts"]
            messages.success(
                request,
                gettext(
                    "Imported %(file)s: %(created)s commitments created, %(updated)s updated, "
                    "%(unchanged)s unchanged; %(m_created)s milestones created, %(m_updated)s "
                    "updated, %(m_unchanged)s unchanged."
                )
                % {
                    "file": job.name,
                    "created": counts["create"],
                    "updated": counts["update"],
                    "unchanged": counts["unchanged"],
                    "m_created": milestone_counts["create"],
                    "m_updated": milestone_counts["update"],
                    "m_unchanged": milestone_counts["unchanged"],
                },
            )
            return redirect(reverse("admin:commitments_commitment_changelist"))
        return redirect("admin:dataimport_importjob_change", job.pk)
