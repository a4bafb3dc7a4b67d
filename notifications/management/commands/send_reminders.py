from django.core.management.base import BaseCommand

from notifications.services import send_reminders, send_secretariat_summary


class Command(BaseCommand):
    help = (
        "Remind implementers of milestones ending soon or overdue without a report, evaluators "
        "of reports assigned, due soon or overdue, and send the secretariat its daily summary. "
        "Each reminder goes once per milestone or report and stage: running it twice sends "
        "nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        reminders = send_reminders(dry_run=dry_run)
        summaries = send_secretariat_summary(dry_run=dry_run)
        verb = "would be queued" if dry_run else "queued"
        self.stdout.write(f"Reminder emails {verb}: {reminders}")
        self.stdout.write(f"Secretariat summaries {verb}: {summaries}")
