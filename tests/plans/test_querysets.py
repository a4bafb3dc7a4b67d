"""The plan QuerySet's selections that pages, the API and the roll-ups share."""

import datetime

import pytest

from plans.models import ActionPlan
from tests.factories import make_member, make_plan

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_a_members_plans_are_those_it_leads_and_those_it_joined_once_each():
    member, other = make_member(), make_member()
    led = make_plan(member)
    joined = make_plan(other)
    joined.consortium_members.add(member)
    both = make_plan(member)
    both.consortium_members.add(member, other)
    make_plan(other)
    plans = ActionPlan.objects.of_member(member)
    assert sorted(plans.values_list("pk", flat=True)) == sorted([led.pk, joined.pk, both.pk])
    assert sorted(ActionPlan.objects.of_member(other).values_list("pk", flat=True)) == sorted(
        [joined.pk, both.pk, ActionPlan.objects.filter(member=other).exclude(pk=joined.pk).get().pk]
    )
    assert plans.count() == 3


def test_plans_in_implementation_and_the_others_split_every_plan():
    today = datetime.date(2026, 12, 1)
    plans = {
        "ended by month": make_plan(
            start_year=2024, end_year=2026, end_month=datetime.date(2026, 11, 1)
        ),
        "ends this month": make_plan(
            start_year=2025, end_year=2026, end_month=datetime.date(2026, 12, 1)
        ),
        "ended by year": make_plan(start_year=2023, end_year=2025),
        "runs this year": make_plan(start_year=2025, end_year=2026),
        "not started": make_plan(start_year=2027, end_year=2028),
    }
    running = set(ActionPlan.objects.in_implementation(today).values_list("title", flat=True))
    others = set(
        ActionPlan.objects.in_implementation(today, negate=True).values_list("title", flat=True)
    )
    titles = {name: plan.title for name, plan in plans.items()}
    assert running == {titles["ends this month"], titles["runs this year"]}
    assert others == {titles["ended by month"], titles["ended by year"], titles["not started"]}


def test_any_of_selects_by_a_list_of_keys_on_plain_and_related_fields():
    member = make_member()
    plans = [make_plan(member), make_plan(member), make_plan()]
    keys = [plans[0].pk, plans[2].pk]
    assert set(ActionPlan.objects.filter(pk__any_of=keys)) == {plans[0], plans[2]}
    assert set(ActionPlan.objects.filter(member_id__any_of=[member.pk])) == set(plans[:2])
    assert set(ActionPlan.objects.filter(member__any_of=[member.pk])) == set(plans[:2])
    assert not ActionPlan.objects.filter(pk__any_of=[]).exists()
    assert ActionPlan.objects.exclude(pk__any_of=[]).count() == 3
    assert ActionPlan.objects.filter(pk__any_of=(key for key in keys)).count() == 2


@pytest.mark.parametrize("persona", ["anonymous", "implementer", "evaluator", "secretariat"])
def test_a_plans_visible_commitments_are_its_own_that_the_persona_may_see(persona):
    from django.contrib.auth.models import AnonymousUser

    from commitments.models import Commitment
    from tests.factories import (
        make_commitment,
        make_evaluator,
        make_implementer,
        make_institution,
        make_secretariat,
    )

    lead = make_institution()
    user = {
        "anonymous": AnonymousUser,
        "implementer": lambda: make_implementer(lead),
        "evaluator": make_evaluator,
        "secretariat": make_secretariat,
    }[persona]()
    published, draft = make_plan(), make_plan(published=False)
    public = make_commitment(published, title="public", lead=lead)
    unpublished = make_commitment(published, title="unpublished", lead=lead, published=False)
    in_draft = make_commitment(draft, title="in draft", lead=lead)
    in_both = make_commitment(draft, title="in both", lead=lead)
    in_both.action_plans.add(published)
    make_commitment(title="another plan's", lead=lead)

    def titles(plan):
        found = Commitment.objects.of_plan_visible_to(plan, user)
        return sorted(found.values_list("title", flat=True))

    if persona == "secretariat":
        assert titles(published) == sorted([public.title, unpublished.title, in_both.title])
        assert titles(draft) == sorted([in_draft.title, in_both.title])
    else:
        # Drafts are the secretariat's: an implementer sees its own institution's drafts in
        # the admin only.
        assert titles(published) == sorted([public.title, in_both.title])
        assert titles(draft) == [in_both.title]


def test_rows_by_key_come_in_each_lists_order_from_one_query(django_assert_num_queries):
    from ogptracker.pagination import in_key_order, in_key_order_each

    a, b, c = (make_plan(make_member()) for _ in range(3))
    hidden = make_plan(make_member(), published=False)
    published = ActionPlan.objects.published()
    with django_assert_num_queries(1):
        first, second, empty = in_key_order_each(
            published, [c.pk, a.pk], [b.pk, hidden.pk, c.pk], []
        )
    assert (first, second, empty) == ([c, a], [b, c], [])
    with django_assert_num_queries(0):
        assert in_key_order_each(published, [], []) == [[], []]
        assert in_key_order(published, []) == []
    assert in_key_order(published, [hidden.pk, a.pk, 999_999]) == [a]
