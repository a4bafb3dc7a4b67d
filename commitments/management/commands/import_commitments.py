"""Import commitments (and their milestones) from CSV or XLSX files in the columns of /data/."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from commitments.imports import import_commitments


class Command(BaseCommand):
    help = (
        "Create or update commitments from a CSV or XLSX file in the columns of "
        "/data/commitments.csv (any of them, with the OGP ID or the portal number as key), and "
        "milestones from a file in the columns of /data/milestones.csv. All rows of all files or "
        "none: any problem writes nothing and lists the problems by line and column."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            type=Path,
            help="The commitments file (CSV in UTF-8 or Latin-1, or XLSX), or a milestones file.",
        )
        parser.add_argument(
            "--milestones", type=Path, help="A milestones file to import with the commitments."
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

    def opener(self, path: Path):
        """The file, opened anew each time the import reads it (as a stream: any size)."""
        try:
            with path.open("rb"):
                pass
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        return lambda: path.open("rb")

    @staticmethod
    def is_milestones(path: Path) -> bool:
        with path.open("rb") as handle:
            start = handle.read(64 * 1024)
        if start.startswith(b"PK\x03\x04"):
            from openpyxl import load_workbook

            try:
                workbook = load_workbook(path, read_only=True)
                header = next(workbook.worksheets[0].iter_rows(values_only=True), ())
                workbook.close()
            except Exception:  # an unreadable file: the import says why
                return False
            return "Milestone Number" in [str(cell or "").strip() for cell in header]
        return b"Milestone Number" in start.split(b"\n", 1)[0]

    def handle(self, *args, file: Path, milestones, user, dry_run: bool, **options):
        data = self.opener(file)
        milestone_data = self.opener(milestones) if milestones else None
        if milestone_data is None and self.is_milestones(file):
            data, milestone_data = None, data
        by = None
        if user:
            try:
                by = get_user_model().objects.get(username=user, is_active=True)
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"No active user is called {user}.") from error
        report = import_commitments(data, milestones=milestone_data, by=by, dry_run=dry_run)
        for label, column in report.unknown_columns:
            self.stderr.write(
                f"Unknown column, ignored: {column}" + (f" ({label})" if label else "")
            )
        if report.problems:
            for problem in report.problems:
                self.stderr.write(f"{file.name}, {problem}" if data is not None else str(problem))
            if report.more_problems:
                self.stderr.write(f"…and {report.more_problems} more problem(s), not listed.")
            raise CommandError(
                f"{report.problem_count} problem(s) in {file.name}: nothing was imported."
            )
        for row in [*report.rows, *report.milestone_rows]:
            details = "; ".join(f"{c.column}: {c.old!r} → {c.new!r}" for c in row.changes)
            details = f" ({details})" if details else ""
            self.stdout.write(f"line {row.line}: {row.action} {row.key} {row.title}{details}")
        for label, names in (
            ("New member", report.new_members),
            ("New action plan", report.new_plans),
            ("New institution", report.new_institutions),
        ):
            for name in names:
                self.stdout.write(f"{label}: {name}")
        counts = (report.created, report.updated, report.unchanged, report.encoding or "XLSX")
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
