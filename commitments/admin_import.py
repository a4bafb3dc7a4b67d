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
        label=_("CSV file"),
        help_text=_(
            "The columns of /data/commitments.csv, UTF-8 or Latin-1, at most 5 MB. Nothing is "
            "written until you confirm the preview."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(_("The file is larger than 5 MB: split it in parts."))
        return upload


def _check(request) -> None:
    user = request.user
    if not (
        is_secretariat(user)
        and user.has_perm("commitments.add_commitment")
        and user.has_perm("commitments.change_commitment")
    ):
        raise PermissionDenied(gettext("Only the secretariat may import commitments."))


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data["file"].read()
            report = import_commitments(data, dry_run=True)
            if report.ok:
                request.session[SESSION_KEY] = {
                    "name": form.cleaned_data["file"].name,
                    "data": base64.b64encode(data).decode("ascii"),
                }
            return TemplateResponse(
                request,
                TEMPLATE,
                context(
                    request,
                    form=ImportForm(),
                    report=report,
                    file_name=form.cleaned_data["file"].name,
                    fingerprint=_fingerprint(data),
                ),
            )
        return TemplateResponse(request, TEMPLATE, context(request, form=form))

    def confirm(request):
        _check(request)
        if request.method != "POST":
            return redirect("admin:commitments_commitment_import")
        stored = request.session.get(SESSION_KEY)
        data = base64.b64decode(stored["data"]) if stored else b""
        if not stored or request.POST.get("fingerprint") != _fingerprint(data):
            messages.error(request, gettext("The preview expired: upload the file again."))
            return redirect("admin:commitments_commitment_import")
        report = import_commitments(data)
        if not report.written:
            # The database changed since the preview; show what is wrong now.
            return TemplateResponse(
                request,
                TEMPLATE,
                context(request, form=ImportForm(), report=report, file_name=stored["name"]),
            )
        del request.session[SESSION_KEY]
        messages.success(
            request,
            gettext(
                "Imported %(file)s: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "file": stored["name"],
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
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
