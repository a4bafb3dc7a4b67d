"""Small factory helpers: every test builds the rows it needs, never the demo data."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group, User

from commitments.models import Commitment, CommitmentInstitution, Milestone, MilestoneStatus
from plans.models import ActionPlan, Institution, Member, OGPValue, PolicyArea
from plans.roles import EVALUATOR, IMPLEMENTER, SECRETARIAT

_seq = itertools.count(1)


def n() -> int:
    return next(_seq)


def make_user(
    username: str | None = None, *, group: str | None = None, staff: bool = False, **extra
) -> User:
    username = username or f"user{n()}"
    user = User.objects.create_user(username=username, password="pw", is_staff=staff, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_secretariat(username: str | None = None) -> User:
    return make_user(username or f"secretariat{n()}", group=SECRETARIAT, staff=True)


def make_implementer(*institutions: Institution, username: str | None = None) -> User:
    user = make_user(username or f"implementer{n()}", group=IMPLEMENTER, staff=True)
    for institution in institutions:
        institution.staff.add(user)
    return user


def make_evaluator(username: str | None = None) -> User:
    return make_user(username or f"evaluator{n()}", group=EVALUATOR)


def make_member(**fields) -> Member:
    i = n()
    fields.setdefault("name", f"Member {i}")
    fields.setdefault("slug", f"member-{i}")
    return Member.objects.create(**fields)


def make_institution(**fields) -> Institution:
    i = n()
    fields.setdefault("name", f"Institución {i}")
    fields.setdefault("slug", f"institucion-{i}")
    return Institution.objects.create(**fields)


def make_plan(member: Member | None = None, *, published: bool = True, **fields) -> ActionPlan:
    i = n()
    fields.setdefault("title", f"Action plan {i}")
    fields.setdefault("slug", f"action-plan-{i}")
    fields.setdefault("start_year", 2021)
    fields.setdefault("end_year", 2022)
    status = ActionPlan.Status.PUBLISHED if published else ActionPlan.Status.DRAFT
    return ActionPlan.objects.create(member=member or make_member(), status=status, **fields)


def make_commitment(
    plan: ActionPlan | None = None,
    *,
    milestones: int = 0,
    lead: Institution | None = None,
    published: bool = True,
    statuses: tuple[str, ...] = (),
    **fields,
) -> Commitment:
    i = n()
    fields.setdefault("title", f"Commitment {i}")
    fields.setdefault("start", datetime.date(2022, 2, 1))
    fields.setdefault("end", datetime.date(2022, 5, 1))
    commitment = Commitment.objects.create(is_published=published, **fields)
    commitment.action_plans.add(plan or make_plan())
    if lead is not None:
        CommitmentInstitution.objects.create(
            commitment=commitment, institution=lead, role=CommitmentInstitution.Role.LEAD
        )
    for number in range(1, milestones + 1):
        status = statuses[number - 1] if number <= len(statuses) else MilestoneStatus.NOT_STARTED
        make_milestone(commitment, number=number, status=status)
    return commitment


def make_milestone(commitment: Commitment, **fields) -> Milestone:
    fields.setdefault("number", commitment.milestones.count() + 1)
    fields.setdefault("title", f"Milestone {fields['number']}")
    fields.setdefault("start", datetime.date(2022, 2, 1))
    fields.setdefault("end", datetime.date(2022, 4, 1))
    return Milestone.objects.create(commitment=commitment, **fields)


def ogp_value(slug: str = "access-to-information") -> OGPValue:
    return OGPValue.objects.get(slug=slug)


def policy_area(slug: str = "right-to-information") -> PolicyArea:
    return PolicyArea.objects.get(slug=slug)
