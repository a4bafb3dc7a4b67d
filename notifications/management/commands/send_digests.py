from django.core.management.base import BaseCommand

from notifications.services import send_digests


class Command(BaseCommand):
    help = (
        "Send each confirmed follower one digest of everything new in what they follow since "
        "their last one; at most one a day, so running it twice sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        count = send_digests(dry_run=dry_run)
        verb = "would be queued" if dry_run else "queued"
        self.stdout.write(f"Digests {verb}: {count}")
