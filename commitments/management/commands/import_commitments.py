"""Import commitments from a CSV file in the columns of /data/commitments.csv."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.imports import import_commitments


class Command(BaseCommand):
    help = (
        "Create or update commitments from a CSV file in the export's columns "
        "(/data/commitments.csv). All rows or none: any problem writes nothing and lists every "
        "problem by line and column. Matches commitments on their OGP ID."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8 or Latin-1).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show what would change, without writing anything.",
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        report = import_commitments(data, dry_run=dry_run)
        if report.problems:
            for problem in report.problems:
                self.stderr.write(f"{file.name}, {problem}")
            raise CommandError(
                f"{len(report.problems)} problem(s) in {file.name}: nothing was imported."
            )
        for row in report.rows:
            details = f" ({', '.join(row.changed)})" if row.changed else ""
            self.stdout.write(f"line {row.line}: {row.action} {row.key} {row.title}{details}")
        for label, names in (
            ("New member", report.new_members),
            ("New action plan", report.new_plans),
            ("New institution", report.new_institutions),
        ):
            for name in names:
                self.stdout.write(f"{label}: {name}")
        counts = (report.created, report.updated, report.unchanged, report.encoding)
        if dry_run:
            summary = "Dry run, nothing written: %s to create, %s to update, %s unchanged (%s)."
            self.stdout.write(self.style.WARNING(summary % counts))
        else:
            summary = "Imported: %s created, %s updated, %s unchanged (%s)."
            self.stdout.write(self.style.SUCCESS(summary % counts))
