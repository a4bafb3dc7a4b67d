"""Where evidence files of reports live: a directory no URL maps to.

Files are served only through ``reports.views.attachment``, which checks who may read them; the
``MEDIA_URL`` static serving used in development never reaches this directory.
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
        raise ValueError("Private files have no public URL; link to the report's attachment view.")


def private_storage() -> PrivateStorage:
    """The storage of report attachments (a callable, so migrations record no path)."""
    return PrivateStorage()
