"""Recount every roll-up from the milestones and report the rows that had drifted."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from commitments.rollups import recompute_all, recompute_histories, recompute_public


class Command(BaseCommand):
    help = (
        "Recount the progress, overdue and status counts of every plan, member and institution "
        "and of the whole portal, every plan's progress history and which commitments the "
        "public sees; report and fix any row that had drifted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report drift; change nothing. Exits with status 1 when something drifted.",
        )

    def handle(self, *args, check=False, **options):
        fix = not check
        drift = recompute_public(fix=fix) + recompute_all(fix=fix) + recompute_histories(fix=fix)
        for scope, object_id, what in drift[:50]:
            self.stdout.write(f"{scope} {object_id}: {what}")
        if len(drift) > 50:
            self.stdout.write(f"… and {len(drift) - 50} more")
        if not drift:
            self.stdout.write(self.style.SUCCESS("Every roll-up matched a fresh count."))
        elif check:
            self.stderr.write(f"{len(drift)} roll-ups had drifted (not changed: --check).")
            raise SystemExit(1)
        else:
            self.stdout.write(self.style.WARNING(f"{len(drift)} roll-ups had drifted; fixed."))
