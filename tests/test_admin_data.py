"""Rows for the changelist query-count tests."""

import datetime

from commitments.models import Comment, CommitmentInstitution
from commitments.services import change_milestone_status
from plans.models import Document, Forum, Meeting
from tests.factories import (
    make_commitment,
    make_end_of_commitment_report,
    make_inception_report,
    make_institution,
    make_plan,
    ogp_value,
    policy_area,
)


def add_rows(count: int, secretariat) -> None:
    """Add ``count`` rows to every main changelist, each with related rows an N+1 would touch."""
    for _ in range(count):
        plan = make_plan()
        institution = make_institution(acronym="X")
        commitment = make_commitment(plan, milestones=2, primary_policy_area=policy_area())
        commitment.ogp_values.add(ogp_value())
        CommitmentInstitution.objects.create(commitment=commitment, institution=institution)
        for milestone in commitment.milestones.all():
            change_milestone_status(
                milestone=milestone,
                new_status="in_progress",
                by=secretariat,
                note="Reported by the test",
            )
        Document.objects.create(title="Doc", member=plan.member, action_plan=plan, year=2022)
        Meeting.objects.create(
            title="Mesa",
            date=datetime.date(2021, 10, 19),
            kind="roundtable",
            coordinating_institution=institution,
            action_plan=plan,
        )
        forum = Forum.objects.create(
            member=plan.member, name="Secretariado", slug=f"forum-{plan.pk}"
        )
        forum.memberships.create(institution=institution, person="Lucía Hernández")
        Comment.objects.create(
            target=commitment,
            name="Ana",
            email="ana@example.org",
            text="¿Cuándo?",
            status=Comment.Status.PENDING,
        )
        make_inception_report(plan)
        make_end_of_commitment_report(commitment)
