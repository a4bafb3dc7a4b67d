"""Where uploaded files live, named by the aliases of ``settings.STORAGES``.

- ``private``: documents (``plans.views.document_file``), milestone evidence
  (``commitments.views.evidence_file``) and report attachments (``reports.views.attachment``),
  each served only by a view that checks who may read it;
- ``imports``: uploaded import files waiting to be checked and applied;
- ``public``: the portal's logo, which anyone may see, sent by ``ogptracker.files.site_logo`` (the
  address its ``url()`` gives).

On local disk (the default) the first two live under ``PRIVATE_MEDIA_ROOT``, which no URL maps
to, and the logo under ``MEDIA_ROOT``. With ``AWS_STORAGE_BUCKET_NAME`` set, all three are keys
of one private S3-compatible bucket, under the prefixes ``private/``, ``imports/`` and
``public/``, shared by every app server, every object with the private ACL. No file gets an
address of its own (a public or signed bucket URL): views read each one through the storage
(``storage.open``), never from a path on disk.

Model fields name a callable below rather than a storage, so their migrations are the same
whatever the environment, and a test that changes ``STORAGES`` changes the fields' storage too.
"""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE, IMPORTS, PUBLIC = "private", "imports", "public"


class NoAddressMixin:
    """Files are sent by the portal's views: asking a storage for an address is a mistake."""

    def url(self, name, *args, **kwargs):
        raise ValueError(
            "Uploaded files have no address of their own; link to the view that serves them."
        )


class _FolderOfSettings(FileSystemStorage):
    """Files under a folder named by the settings, read each time so tests can move it."""

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


class PrivateStorage(NoAddressMixin, _FolderOfSettings):
    """Files under ``PRIVATE_MEDIA_ROOT`` (or a folder of it)."""

    def __init__(self, subdirectory: str = "", **kwargs):
        self.subdirectory = subdirectory
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return os.path.join(str(settings.PRIVATE_MEDIA_ROOT), self.subdirectory)


def file_version(name: str) -> str:
    """A short digest of a stored name: part of the logo's address, which changes with the file."""
    return hashlib.sha256(name.encode()).hexdigest()[:16]


class LogoAddressMixin:
    """The address of the logo is the view that sends it (``ogptracker.files.site_logo``)."""

    def url(self, name, *args, **kwargs):
        from django.urls import reverse

        return reverse("site_logo", kwargs={"version": file_version(name)})


class PublicStorage(LogoAddressMixin, _FolderOfSettings):
    """Files under ``MEDIA_ROOT``."""

    @property
    def base_location(self):
        return str(settings.MEDIA_ROOT)


class StorageAlias(LazyObject):
    """``storages[alias]``, looked up when first used and again whenever ``STORAGES`` changes."""

    def __init__(self, alias: str):
        self.__dict__["alias"] = alias
        super().__init__()

    def _setup(self):
        self._wrapped = storages[self.__dict__["alias"]]


_ALIASES = {alias: StorageAlias(alias) for alias in (PRIVATE, IMPORTS, PUBLIC)}


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        for alias in _ALIASES.values():
            alias._wrapped = empty


def private_storage():
    """The storage of documents, evidence and report attachments (``STORAGES["private"]``)."""
    return _ALIASES[PRIVATE]


def import_storage():
    """The storage of uploaded import files (``STORAGES["imports"]``)."""
    return _ALIASES[IMPORTS]


def public_storage():
    """The storage of the portal's logo (``STORAGES["public"]``)."""
    return _ALIASES[PUBLIC]
