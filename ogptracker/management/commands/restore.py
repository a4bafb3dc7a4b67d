from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ogptracker.backup import RestoreError, read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into this migrated database and the file "
        "folders (MEDIA_ROOT, PRIVATE_MEDIA_ROOT). They must be empty unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz archive written by `backup`.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty the database and the file folders first (everything in them is lost).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only read the archive and say what it holds; change nothing.",
        )

    def handle(self, *args, archive, replace=False, dry_run=False, **options):
        if dry_run:
            try:
                manifest = read_manifest(archive)
            except RestoreError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self._summary(archive, manifest, "holds"))
            return
        try:
            manifest = restore_backup(archive, replace=replace)
        except RestoreError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self._summary(archive, manifest, "restored"))

    def _summary(self, archive, manifest, verb: str) -> str:
        rows = sum(manifest["rows"].values())
        return (
            f"{archive} {verb} {rows} rows of content from {manifest['database']}, "
            f"backed up {manifest['created']}."
        )
