"""One archive holds the whole portal: the database's rows and every uploaded file.

The rows are Django's own serialisation (``dumpdata``, as XML: its JSON rounds times to the
millisecond, and a history entry's time must come back exactly), not ``pg_dump`` or SQLite's file copy:
the same archive restores into PostgreSQL or SQLite (the demo's data can move to production and
back), needs no database client of a matching version, and the schema comes from the code's own
migrations, so an archive restores into any later version of the portal. The cost is speed: a
JSON dump is slower than ``pg_dump`` on a very large database, which this portal is not.

Layout of ``ogptracker-<date>.tar.gz``:

- ``manifest.json``: format, creation time, database engine, applied migrations, row counts;
- ``data.xml``: every row but content types, permissions and sessions (rebuilt by ``migrate``);
- ``files/media/…`` and ``files/private-media/…``: ``MEDIA_ROOT`` and ``PRIVATE_MEDIA_ROOT``.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "ogptracker-backup-1"
# Derived rows (roll-ups, the public data's version) are recounted after a restore, not kept.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "commitments.rollup",
    "commitments.planhistory",
    "commitments.publicversion",
]
CONTENT_APPS = ("plans", "commitments", "reports")
# What must be empty before a restore: the portal's content and its users. Vocabularies and
# answer scales are left out: migrate seeds them, and the archive brings back its own.
CONTENT_MODELS = (
    "auth.User",
    "plans.Member",
    "plans.Institution",
    "plans.Forum",
    "plans.Meeting",
    "plans.ActionPlan",
    "plans.Document",
    "commitments.Commitment",
    "commitments.Milestone",
    "commitments.MilestoneUpdate",
    "commitments.Comment",
    "reports.InceptionReport",
    "reports.EndOfCommitmentReport",
)


class RestoreError(Exception):
    """The archive cannot be restored here; nothing was changed."""


def _file_roots() -> dict[str, Path]:
    return {
        "media": Path(settings.MEDIA_ROOT),
        "private-media": Path(settings.PRIVATE_MEDIA_ROOT),
    }


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for app in CONTENT_APPS
        for model in apps.get_app_config(app).get_models()
    }


def create_backup(output: Path) -> dict:
    """Write the archive to ``output`` and return its manifest."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "data.xml"
        with transaction.atomic():  # one consistent snapshot of every table (PostgreSQL)
            call_command(
                "dumpdata",
                exclude=EXCLUDED,
                format="xml",  # JSON would round times to the millisecond; XML keeps them
                # Content types and permissions by name (their ids differ between databases);
                # every other row keeps its id, so links and URLs stay the same.
                natural_foreign=True,
                output=str(data),
                verbosity=0,
            )
            counts = _row_counts()
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": sorted(
                f"{app}.{name}"
                for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
            ),
            "rows": counts,
        }
        (Path(work) / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(Path(work) / "manifest.json", arcname="manifest.json")
            archive.add(data, arcname="data.xml")
            for name, root in _file_roots().items():
                if root.is_dir():
                    archive.add(root, arcname=f"files/{name}")
        os.replace(partial, output)  # never a half-written archive under the final name
    return manifest


def _is_empty() -> list[str]:
    """What already holds content: the tables and folders a restore would overwrite."""
    busy = [label for label in CONTENT_MODELS if apps.get_model(label)._base_manager.exists()]
    for root in _file_roots().values():
        if root.is_dir() and any(path.is_file() for path in root.rglob("*")):
            busy.append(str(root))
    return busy


def read_manifest(archive_path: Path) -> dict:
    """The manifest of an archive, read without extracting the rest."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            handle = archive.extractfile("manifest.json")
            manifest = json.loads(handle.read()) if handle else {}
    except (OSError, KeyError, ValueError, tarfile.TarError) as error:
        raise RestoreError(f"{archive_path} is not a backup archive: {error}") from error
    if manifest.get("format") != FORMAT:
        raise RestoreError(f"{archive_path} is not a backup archive of this portal.")
    return manifest


def restore_backup(archive_path: Path, *, replace: bool = False) -> dict:
    """Restore the archive into this (migrated) database and these file folders.

    Refuses, changing nothing, when the database or the folders already hold content, unless
    ``replace``: then both are emptied first.
    """
    manifest = read_manifest(archive_path)
    with tempfile.TemporaryDirectory() as work:
        applied = {
            f"{app}.{name}"
            for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
        }
        missing = sorted(set(manifest["migrations"]) - applied)
        if missing:
            raise RestoreError(
                "The archive comes from a newer version of the portal (run migrate, or upgrade "
                "first); migrations not applied here: " + ", ".join(missing[:5])
            )
        busy = _is_empty()
        if busy and not replace:
            raise RestoreError(
                "The database or the file folders already hold content ("
                + ", ".join(busy[:5])
                + "); restore into an empty portal, or pass --replace to empty it first."
            )
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                # "data": no absolute paths, no "..", no links outside, no devices.
                archive.extractall(work, filter="data")
        except (OSError, tarfile.TarError) as error:
            raise RestoreError(f"{archive_path} cannot be read: {error}") from error
        with transaction.atomic():
            # Empty every table (migrations' seeds too: the archive holds them as they were);
            # content types and permissions are rebuilt at once, as migrate would.
            call_command("flush", interactive=False, verbosity=0)
            ContentType.objects.clear_cache()  # flush gave content types new ids
            call_command("loaddata", str(Path(work) / "data.xml"), verbosity=0)
            from commitments.rollups import recompute_all, recompute_histories, recompute_public

            # Derived figures are recounted, whatever the archive held (an older archive has
            # no public flags).
            recompute_public()
            recompute_all()
            recompute_histories()
        for name, root in _file_roots().items():
            source = Path(work) / "files" / name
            if replace and root.is_dir():
                shutil.rmtree(root)
            if source.is_dir():
                shutil.copytree(source, root, dirs_exist_ok=True)
    return manifest
