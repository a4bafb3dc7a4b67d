"""Where uploaded files live: a directory no URL maps to, served only by views that check access.

Report attachments (``reports.views.attachment``) and the evidence repository's documents
(``plans.views.document_file``) are stored here. The web server never serves this directory; the
``MEDIA_URL`` static serving used in development never reaches it either.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """File storage under ``settings.PRIVATE_MEDIA_ROOT`` (read each time, so tests can move it)."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        # There is deliberately no public URL: callers link to the permission-checking view.
        raise ValueError("Private files have no public URL; link to the view that serves them.")


def private_storage() -> PrivateStorage:
    """The storage of uploaded files (a callable, so migrations record no path)."""
    return PrivateStorage()
