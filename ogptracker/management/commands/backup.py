from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from ogptracker.backup import create_backup


class Command(BaseCommand):
    help = (
        "Write the database's rows and every uploaded file (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) "
        "into one .tar.gz archive; `restore` brings it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="The archive to write (default: backups/ogptracker-<date and time>.tar.gz).",
        )

    def handle(self, *args, output=None, **options):
        output = output or Path("backups") / f"ogptracker-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        manifest = create_backup(output)
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"Backup written to {output} ({rows} rows of content and their files).")
