"""Import commitments (and their milestones) from CSV files in the columns of /data/."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from commitments.imports import import_commitments


class Command(BaseCommand):
    help = (
        "Create or update commitments from a CSV file in the columns of /data/commitments.csv "
        "(matched on their OGP ID), and milestones from a file in the columns of "
        "/data/milestones.csv. All rows of all files or none: any problem writes nothing and "
        "lists every problem by line and column."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            type=Path,
            help="The commitments CSV file (UTF-8 or Latin-1), or a milestones file alone.",
        )
        parser.add_argument(
            "--milestones", type=Path, help="A milestones CSV file to import with the commitments."
        )
        parser.add_argument(
            "--user",
            help="The secretariat user recorded in the history of milestone status changes.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the files and show what would change, without writing anything.",
        )

    def read(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error

    def handle(self, *args, file: Path, milestones, user, dry_run: bool, **options):
        data = self.read(file)
        milestone_data = self.read(milestones) if milestones else None
        if milestone_data is None and b"Milestone Number" in data.split(b"\n", 1)[0]:
            data, milestone_data = None, data
        by = None
        if user:
            try:
                by = get_user_model().objects.get(username=user, is_active=True)
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"No active user is called {user}.") from error
        report = import_commitments(data, milestones=milestone_data, by=by, dry_run=dry_run)
        if report.problems:
            for problem in report.problems:
                self.stderr.write(f"{file.name}, {problem}" if data is not None else str(problem))
            raise CommandError(
                f"{len(report.problems)} problem(s) in {file.name}: nothing was imported."
            )
        for row in [*report.rows, *report.milestone_rows]:
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
            style = self.style.WARNING
        else:
            summary = "Imported: %s created, %s updated, %s unchanged (%s)."
            style = self.style.SUCCESS
        if data is not None:
            self.stdout.write(style(summary % counts))
        if milestone_data is not None:
            m = report.milestone_counts
            self.stdout.write(
                style(
                    f"Milestones: {m['create']} new, {m['update']} updated, "
                    f"{m['unchanged']} unchanged."
                )
            )
