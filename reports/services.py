"""Writes that keep the invariants of reports.

Every status change goes through ``submit_report``, ``publish_report`` or ``return_report`` and is
recorded as a ``Transition``; the evaluator workspace and the admin call the same functions.
Drafts are saved through ``save_draft``, which refuses a save based on an outdated version.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.roles import is_secretariat
from reports.models import (
    CommitmentAssessment,
    EndOfCommitmentReport,
    InceptionReport,
    Report,
    Status,
    Transition,
)


class EditConflict(Exception):
    """Someone else saved the report since this editor loaded it."""


class IncompleteReport(ValidationError):
    """Required answers are missing; ``missing`` maps field names (and assessments) to errors."""

    def __init__(self, missing: dict):
        self.missing = missing
        super().__init__(_("Some required answers are missing."), code="incomplete")


def is_assigned(user, report: Report) -> bool:
    """Whether ``user`` is one of the report's evaluators."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return report.evaluators.filter(pk=user.pk).exists()


def can_edit_report(user, report: Report) -> bool:
    """Assigned evaluators edit drafts in the workspace; nobody edits a submitted report there."""
    return report.status == Status.DRAFT and is_assigned(user, report)


def _lock(report: Report) -> Report:
    return type(report).objects.select_for_update().get(pk=report.pk)


def _record(
    report: Report,
    *,
    by,
    from_status: str,
    to_status: str,
    comment: str = "",
    is_public: bool = False,
):
    key = "inception_report" if isinstance(report, InceptionReport) else "end_of_commitment_report"
    return Transition.objects.create(
        **{key: report},
        by=by,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        is_public=is_public,
    )


def was_published(report: Report) -> bool:
    """Whether the report has been public before (so publishing again publishes a correction)."""
    return report.transitions.filter(to_status=Status.PUBLISHED).exists()


def _sync_instance(target: Report, source: Report) -> None:
    for name in ("status", "version", "submitted_at", "published_at"):
        setattr(target, name, getattr(source, name))


def incomplete_answers(report: Report) -> dict:
    """Every required answer still empty: the report's own and, for an Inception Report, each
    commitment's (keyed ``assessment-<pk>``)."""
    missing: dict = dict(report.missing_answers())
    if isinstance(report, InceptionReport):
        for assessment in report.assessments.all():
            gaps = assessment.missing_answers()
            if gaps:
                missing[f"assessment-{assessment.pk}"] = gaps
    return missing


@transaction.atomic
def save_draft(*, report: Report, by, expected_version: int, assessments=()) -> Report:
    """Save an evaluator's edits to a draft, unless someone saved it since ``expected_version``.

    ``report`` carries the edited values (unsaved); ``assessments`` are edited Section 3 rows.
    Raises ``EditConflict`` when the stored version moved on and ``PermissionDenied`` when ``by``
    may not edit the report.
    """
    locked = _lock(report)
    if not can_edit_report(by, locked) and not is_secretariat(by):
        raise PermissionDenied(_("You may not edit this report."))
    if locked.status != Status.DRAFT:
        raise PermissionDenied(_("Only a draft can be edited."))
    if locked.version != expected_version:
        raise EditConflict
    report.version = locked.version + 1
    report.status = locked.status
    report.save()
    for assessment in assessments:
        if assessment.report_id != report.pk:
            raise PermissionDenied(_("This assessment belongs to another report."))
        assessment.save()
    return report


def bump_version(report: Report) -> None:
    """Mark a report changed outside the workspace (the admin), so open drafts conflict."""
    type(report).objects.filter(pk=report.pk).update(version=F("version") + 1)
    report.refresh_from_db(fields=["version"])


@transaction.atomic
def submit_report(*, report: Report, by) -> Report:
    """Send a complete draft to the secretariat; it becomes read-only for the evaluator.

    Raises ``ValidationError`` listing the missing answers.
    """
    locked = _lock(report)
    if not (is_assigned(by, locked) or is_secretariat(by)):
        raise PermissionDenied(_("Only an assigned evaluator may submit this report."))
    if locked.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    missing = incomplete_answers(locked)
    if missing:
        raise IncompleteReport(missing)
    _record(locked, by=by, from_status=locked.status, to_status=Status.SUBMITTED)
    locked.status = Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    _sync_instance(report, locked)
    return locked


@transaction.atomic
def publish_report(*, report: Report, by, note: str = "") -> Report:
    """Publish a submitted report: it becomes public and read-only for everyone.

    Publishing a report that was public before publishes a corrected version: ``note`` (what
    was corrected) is then required and shown on the report's page. Every evaluator is shown by
    full name, so a report whose evaluators lack one cannot be published.
    """
    if not is_secretariat(by):
        raise PermissionDenied(_("Only the secretariat may publish a report."))
    locked = _lock(report)
    if locked.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be published."))
    if not locked.evaluator_names.strip() and not locked.evaluators.exists():
        raise ValidationError(
            {"evaluator_names": _("Name the evaluators before publishing the report.")}
        )
    nameless = locked.evaluators_without_name()
    if nameless:
        raise ValidationError(
            {
                "evaluators": _(
                    "Evaluators are shown by their full name: give %(users)s a first and last "
                    "name (or fill in “name of evaluator”) before publishing."
                )
                % {"users": ", ".join(u.get_username() for u in nameless)}
            }
        )
    note = (note or "").strip()
    correction = was_published(locked)
    if correction and not note:
        raise ValidationError({"note": _("Say publicly what this corrected version changes.")})
    _record(
        locked,
        by=by,
        from_status=locked.status,
        to_status=Status.PUBLISHED,
        comment=note,
        is_public=correction,
    )
    locked.status = Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "published_at", "version", "updated_at"])
    _sync_instance(report, locked)
    return locked


@transaction.atomic
def unpublish_report(*, report: Report, by, note: str) -> Report:
    """Take a published report off the public site for correction, with a public note.

    It goes back to “submitted”: the secretariat corrects it in the admin (or returns it to its
    evaluators) and publishes the corrected version, whose page lists every correction.
    """
    if not is_secretariat(by):
        raise PermissionDenied(_("Only the secretariat may unpublish a report."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say publicly why the report is being corrected.")})
    locked = _lock(report)
    if locked.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published report can be unpublished."))
    _record(
        locked,
        by=by,
        from_status=locked.status,
        to_status=Status.SUBMITTED,
        comment=note,
        is_public=True,
    )
    locked.status = Status.SUBMITTED
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    _sync_instance(report, locked)
    return locked


def public_corrections(report: Report):
    """The report's public correction notes, oldest first (one query)."""
    return report.transitions.filter(is_public=True).order_by("created_at", "pk")


@transaction.atomic
def return_report(*, report: Report, by, comment: str) -> Report:
    """Send a submitted report back to its evaluators as a draft, with a comment they read."""
    if not is_secretariat(by):
        raise PermissionDenied(_("Only the secretariat may return a report."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the evaluators should change.")})
    locked = _lock(report)
    if locked.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned to draft."))
    _record(locked, by=by, from_status=locked.status, to_status=Status.DRAFT, comment=comment)
    locked.status = Status.DRAFT
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    _sync_instance(report, locked)
    return locked


def sync_assessments(report: InceptionReport) -> None:
    """Give a draft Inception Report one assessment per commitment of its plan, in plan order.

    Assessments of commitments that left the plan are removed while the report is a draft;
    a submitted or published report is never changed.
    """
    if report.status != Status.DRAFT:
        return
    commitments = list(report.action_plan.commitments.order_by("number", "pk"))
    wanted = {c.pk for c in commitments}
    existing = {a.commitment_id: a for a in report.assessments.all()}
    report.assessments.exclude(commitment_id__in=wanted).delete()
    new = []
    for position, commitment in enumerate(commitments, start=1):
        assessment = existing.get(commitment.pk)
        if assessment is None:
            new.append(
                CommitmentAssessment(report=report, commitment=commitment, position=position)
            )
        elif assessment.position != position:
            assessment.position = position
            assessment.save(update_fields=["position"])
    CommitmentAssessment.objects.bulk_create(new)


def sync_plans(plan_ids) -> None:
    """Keep the draft Inception Reports of these plans in step with their commitments."""
    for report in InceptionReport.objects.filter(
        action_plan_id__in=list(plan_ids), status=Status.DRAFT
    ).select_related("action_plan"):
        sync_assessments(report)


def refresh_due_dates(queryset) -> None:
    """Recompute the due dates of these reports (after a plan or commitment date changed)."""
    for report in queryset:
        due = report.compute_due_date()
        if due != report.due_date:
            type(report).objects.filter(pk=report.pk).update(due_date=due)


__all__ = [
    "EditConflict",
    "IncompleteReport",
    "EndOfCommitmentReport",
    "bump_version",
    "can_edit_report",
    "incomplete_answers",
    "is_assigned",
    "publish_report",
    "refresh_due_dates",
    "return_report",
    "save_draft",
    "submit_report",
    "sync_assessments",
    "sync_plans",
    "unpublish_report",
    "public_corrections",
    "was_published",
]
