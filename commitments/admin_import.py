"""The “Import” button of the Commitment admin's changelist.

Imports themselves (upload, preview, apply, background jobs) live in the ``dataimport`` app's
admin; this only links there, by URL name, so ``commitments`` does not depend on it.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import path


class CommitmentImportMixin:
    """Adds “Import CSV or XLSX” to a ModelAdmin of Commitment (and keeps the old address)."""

    change_list_template = "admin/commitments/commitment/change_list_import.html"

    def get_urls(self):
        def to_import(request):
            return redirect("admin:dataimport_importjob_add")

        return [
            path(
                "import/",
                self.admin_site.admin_view(to_import),
                name="commitments_commitment_import",
            ),
            *super().get_urls(),
        ]
