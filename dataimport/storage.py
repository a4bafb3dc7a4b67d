"""Where uploaded import files wait: a directory no URL maps to (under PRIVATE_MEDIA_ROOT)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class ImportStorage(FileSystemStorage):
    """Files under ``PRIVATE_MEDIA_ROOT/imports`` (read each time, so tests can move it)."""

    @property
    def base_location(self):
        return os.path.join(str(settings.PRIVATE_MEDIA_ROOT), "imports")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Import files have no public address.")


def import_storage() -> ImportStorage:
    return ImportStorage()
