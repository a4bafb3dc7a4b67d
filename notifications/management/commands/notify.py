from django.conf import settings
from django.core.management.base import BaseCommand

from commitments.rollups import refresh_overdue_figures
from notifications.services import (
    purge_email_log,
    release_stuck_emails,
    retry_due_emails,
    send_digests,
    send_reminders,
    send_secretariat_summary,
)


class Command(BaseCommand):
    help = (
        "Everything scheduled, in one run: emails a dead worker left half-sent put back to retry, "
        "followers' digests, reminders, the secretariat's summary, emails due for another "
        "attempt, sent emails older than EMAIL_LOG_DAYS deleted from the log, and the roll-ups' "
        "overdue figures brought to a new month. Safe to run as often as you like (cron, a systemd timer, or `make run`'s "
        "loop): nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        # First: the summary then counts them, and the retries below send them.
        released = release_stuck_emails(dry_run=dry_run)
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
        if released:
            verb = "would be put" if dry_run else "put"
            self.stdout.write(f"{released} emails left half-sent {verb} back to retry")
        purged = purge_email_log(dry_run=dry_run)
        if purged:
            verb = "Would delete" if dry_run else "Deleted"
            days = settings.EMAIL_LOG_DAYS
            self.stdout.write(f"{verb} {purged} emails older than {days} days from the sent log")
        if not dry_run:
            refreshed = refresh_overdue_figures()
            if refreshed:
                self.stdout.write(f"{refreshed} roll-ups brought to this month")
