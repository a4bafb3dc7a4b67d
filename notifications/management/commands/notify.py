from django.core.management.base import BaseCommand

from commitments.rollups import refresh_overdue_figures
from notifications.services import (
    retry_due_emails,
    send_digests,
    send_reminders,
    send_secretariat_summary,
)


class Command(BaseCommand):
    help = (
        "Everything scheduled, in one run: followers' digests, reminders, the secretariat's "
        "summary, emails due for another attempt, and the roll-ups' overdue figures brought to a "
        "new month. Safe to run as often as you like (cron, a systemd timer, or `make run`'s "
        "loop): nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        counts = {
            "digests": send_digests(dry_run=dry_run),
            "reminders": send_reminders(dry_run=dry_run),
            "summaries": send_secretariat_summary(dry_run=dry_run),
            "retries": retry_due_emails(dry_run=dry_run),
        }
        prefix = "Would queue" if dry_run else "Queued"
        self.stdout.write(
            f"{prefix}: " + ", ".join(f"{count} {name}" for name, count in counts.items())
        )
        if not dry_run:
            refreshed = refresh_overdue_figures()
            if refreshed:
                self.stdout.write(f"{refreshed} roll-ups brought to this month")
