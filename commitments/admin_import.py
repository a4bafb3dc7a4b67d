"""Import commitments from CSV in the admin: upload, preview every change, then confirm.

Hook it into the Commitment admin with ``CommitmentImportMixin`` (it adds the URLs and an
“Import CSV” button on the changelist). Only the secretariat may import.
"""

from __future__ import annotations

import base64
import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.exports import COMMITMENT_COLUMNS
from commitments.imports import import_commitments
from plans.roles import is_secretariat

MAX_FILE_SIZE = 5 * 1024 * 1024
SESSION_KEY = "commitments_import"
TEMPLATE = "admin/commitments/commitment/import.html"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Commitments file"),
        required=False,
        help_text=_(
            "The columns of /data/commitments.csv, UTF-8 or Latin-1, at most 5 MB. Nothing is "
            "written until you confirm the preview."
        ),
    )
    milestones = forms.FileField(
        label=_("Milestones file"),
        required=False,
        help_text=_(
            "Optional: the columns of /data/milestones.csv. Status changes are recorded in each "
            "milestone’s public history in your name."
        ),
    )

    def _size(self, name):
        upload = self.cleaned_data.get(name)
        if upload and upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(_("The file is larger than 5 MB: split it in parts."))
        return upload

    def clean_file(self):
        return self._size("file")

    def clean_milestones(self):
        return self._size("milestones")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file") and not cleaned.get("milestones"):
            raise forms.ValidationError(_("Choose a commitments file, a milestones file, or both."))
        return cleaned

    def contents(self) -> dict:
        """{"file": bytes or None, "milestones": bytes or None, "name": “a.csv + b.csv”}."""
        found = {name: self.cleaned_data.get(name) for name in ("file", "milestones")}
        return {
            "file": found["file"].read() if found["file"] else None,
            "milestones": found["milestones"].read() if found["milestones"] else None,
            "name": " + ".join(upload.name for upload in found.values() if upload),
        }


def _check(request) -> None:
    user = request.user
    if not (
        is_secretariat(user)
        and user.has_perm("commitments.add_commitment")
        and user.has_perm("commitments.change_commitment")
    ):
        raise PermissionDenied(gettext("Only the secretariat may import commitments."))


def _fingerprint(*parts: bytes | None) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(b"-" if part is None else b"+" + hashlib.sha256(part).digest())
    return digest.hexdigest()


def _pack(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data is not None else None


def _unpack(text: str | None) -> bytes | None:
    return base64.b64decode(text) if text is not None else None


def _changelist_url() -> str:
    try:
        return reverse("admin:commitments_commitment_changelist")
    except NoReverseMatch:
        return reverse("admin:index")


class CommitmentImportMixin:
    """Adds “Import CSV” (upload → preview → confirm) to a ModelAdmin of Commitment."""

    change_list_template = "admin/commitments/commitment/change_list_import.html"

    def get_urls(self):
        return [*import_urls(self.admin_site), *super().get_urls()]


def import_urls(admin_site) -> list:
    """The two import views, named admin:commitments_commitment_import(_confirm)."""

    def context(request, **extra):
        return {
            **admin_site.each_context(request),
            "title": gettext("Import commitments from CSV"),
            "columns": COMMITMENT_COLUMNS,
            "changelist_url": _changelist_url(),
            **extra,
        }

    def upload(request):
        _check(request)
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        if request.method == "POST" and form.is_valid():
            files = form.contents()
            report = import_commitments(
                files["file"], milestones=files["milestones"], by=request.user, dry_run=True
            )
            if report.ok:
                request.session[SESSION_KEY] = {
                    "name": files["name"],
                    "file": _pack(files["file"]),
                    "milestones": _pack(files["milestones"]),
                }
            return TemplateResponse(
                request,
                TEMPLATE,
                context(
                    request,
                    form=ImportForm(),
                    report=report,
                    file_name=files["name"],
                    fingerprint=_fingerprint(files["file"], files["milestones"]),
                ),
            )
        return TemplateResponse(request, TEMPLATE, context(request, form=form))

    def confirm(request):
        _check(request)
        if request.method != "POST":
            return redirect("admin:commitments_commitment_import")
        stored = request.session.get(SESSION_KEY) or {}
        data, milestones = _unpack(stored.get("file")), _unpack(stored.get("milestones"))
        if not stored or request.POST.get("fingerprint") != _fingerprint(data, milestones):
            messages.error(request, gettext("The preview expired: upload the file again."))
            return redirect("admin:commitments_commitment_import")
        report = import_commitments(data, milestones=milestones, by=request.user)
        if not report.written:
            # The database changed since the preview; show what is wrong now.
            return TemplateResponse(
                request,
                TEMPLATE,
                context(request, form=ImportForm(), report=report, file_name=stored["name"]),
            )
        del request.session[SESSION_KEY]
        counts = report.milestone_counts
        messages.success(
            request,
            gettext(
                "Imported %(file)s: %(created)s commitments created, %(updated)s updated, "
                "%(unchanged)s unchanged; %(m_created)s milestones created, %(m_updated)s "
                "updated, %(m_unchanged)s unchanged."
            )
            % {
                "file": stored["name"],
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "m_created": counts["create"],
                "m_updated": counts["update"],
                "m_unchanged": counts["unchanged"],
            },
        )
        return redirect(_changelist_url())

    return [
        path("import/", admin_site.admin_view(upload), name="commitments_commitment_import"),
        path(
            "import/confirm/",
            admin_site.admin_view(confirm),
            name="commitments_commitment_import_confirm",
        ),
    ]
