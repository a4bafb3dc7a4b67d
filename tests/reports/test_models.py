import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports.models import (
    CommitmentAssessment,
    CommitmentChange,
    CommitmentNature,
    EndOfCommitmentReport,
    ImplementationAnswer,
    InceptionReport,
    PracticeAnswer,
    ProblemAnswer,
    add_months,
    published_reports_for_member,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_editable_scales_are_seeded_in_english_and_spanish():
    assert list(PracticeAnswer.objects.values_list("name", "name_es")) == [
        ("Yes", "Sí"),
        ("Moderately", "Moderadamente"),
        ("No", "No"),
    ]
    assert CommitmentNature.objects.count() == 2
    assert CommitmentChange.objects.get(slug="binding-change").name.startswith(
        "will result in a change of the rules"
    )
    assert ImplementationAnswer.objects.get(slug="as-planned").name == (
        "All of the commitment milestones were implemented as planned"
    )
    assert set(ProblemAnswer.objects.values_list("slug", flat=True)) == {"yes", "partially", "no"}
    assert all(PracticeAnswer.objects.values_list("name_es", flat=True))


def test_add_months_clamps_to_the_end_of_shorter_months():
    assert add_months(datetime.date(2021, 12, 31), 2) == datetime.date(2022, 2, 28)
    assert add_months(datetime.date(2021, 11, 15), 2) == datetime.date(2022, 1, 15)


def test_inception_report_is_due_two_months_after_the_plan_is_submitted():
    plan = f.make_plan(date_submitted=datetime.date(2021, 12, 10))
    report = f.make_inception_report(plan)
    assert report.due_date == datetime.date(2022, 2, 10)


def test_inception_due_date_follows_a_later_change_of_the_plan():
    plan = f.make_plan(date_submitted=None)
    report = f.make_inception_report(plan)
    assert report.due_date is None
    plan.date_submitted = datetime.date(2022, 1, 31)
    plan.save()
    report.refresh_from_db()
    assert report.due_date == datetime.date(2022, 3, 31)


def test_end_of_commitment_report_is_due_one_month_after_the_commitment_ends():
    commitment = f.make_commitment(end=datetime.date(2022, 5, 1))  # ends in May 2022
    report = f.make_end_of_commitment_report(commitment)
    assert report.due_date == datetime.date(2022, 6, 30)
    commitment.end = datetime.date(2022, 12, 1)
    commitment.save()
    report.refresh_from_db()
    assert report.due_date == datetime.date(2023, 1, 31)


def test_overdue_means_still_a_draft_after_the_due_date():
    late = f.make_inception_report(f.make_plan(date_submitted=datetime.date(2020, 1, 1)))
    submitted_late = f.make_inception_report(
        f.make_plan(date_submitted=datetime.date(2020, 1, 1)), status="submitted"
    )
    today = timezone.localdate()
    on_time = f.make_inception_report(f.make_plan(date_submitted=today))
    assert list(InceptionReport.objects.overdue()) == [late]
    assert late.is_overdue
    assert not submitted_late.is_overdue
    assert not on_time.is_overdue


def test_new_inception_report_gets_one_assessment_per_commitment_in_plan_order():
    plan = f.make_plan()
    second = f.make_commitment(plan, number=2, title="Second")
    first = f.make_commitment(plan, number=1, title="First")
    f.make_commitment(title="Another plan's commitment")
    report = f.make_inception_report(plan)
    assert [(a.position, a.commitment) for a in report.assessments.all()] == [
        (1, first),
        (2, second),
    ]


def test_commitment_added_to_the_plan_of_a_draft_gets_its_block():
    plan = f.make_plan()
    f.make_commitment(plan, number=1)
    report = f.make_inception_report(plan)
    late = f.make_commitment(f.make_plan(), number=2)
    late.action_plans.add(plan)  # forward side of the many-to-many
    assert report.assessments.filter(commitment=late, position=2).exists()
    other = f.make_commitment(f.make_plan(), number=3)
    plan.commitments.add(other)  # reverse side
    assert report.assessments.count() == 3


def test_commitment_removed_from_the_plan_of_a_draft_loses_its_block():
    plan = f.make_plan()
    keep = f.make_commitment(plan, number=1)
    leave = f.make_commitment(plan, number=2)
    report = f.make_inception_report(plan)
    leave.action_plans.remove(plan)
    assert [a.commitment for a in report.assessments.all()] == [keep]
    plan.commitments.clear()
    assert report.assessments.count() == 0


def test_submitted_inception_report_is_not_changed_when_the_plan_changes():
    plan = f.make_plan()
    f.make_commitment(plan, number=1)
    report = f.make_inception_report(plan, status="submitted")
    report.assessments.all().delete()  # the state when it was submitted
    f.make_commitment(plan, number=2)
    assert report.assessments.count() == 0


def test_assessment_once_per_commitment_in_a_report():
    plan = f.make_plan()
    commitment = f.make_commitment(plan)
    report = f.make_inception_report(plan)
    with pytest.raises(ValidationError):
        CommitmentAssessment(report=report, commitment=commitment).validate_constraints()


def test_end_of_commitment_plan_must_be_one_of_the_commitments_plans():
    commitment = f.make_commitment()
    report = EndOfCommitmentReport(commitment=commitment, action_plan=f.make_plan())
    with pytest.raises(ValidationError) as error:
        report.clean()
    assert "action_plan" in error.value.message_dict


def test_published_reports_need_a_public_plan_or_commitment():
    public = f.make_inception_report(status="published")
    f.make_inception_report(f.make_plan(published=False), status="published")
    f.make_inception_report(status="submitted")
    assert list(InceptionReport.objects.published()) == [public]

    shown = f.make_end_of_commitment_report(status="published")
    f.make_end_of_commitment_report(f.make_commitment(published=False), status="published")
    f.make_end_of_commitment_report(status="draft")
    assert list(EndOfCommitmentReport.objects.published()) == [shown]


def test_member_resources_list_its_published_reports(django_assert_num_queries):
    member = f.make_member()
    plan = f.make_plan(member)
    inception = f.make_inception_report(plan, status="published")
    ends = [
        f.make_end_of_commitment_report(f.make_commitment(plan), status="published")
        for _ in range(3)
    ]
    f.make_end_of_commitment_report(f.make_commitment(plan), status="submitted")
    f.make_inception_report(status="published")  # another member's
    # 1. Inception Reports of the member's plans  2. End of Commitment Reports of them
    with django_assert_num_queries(2):
        reports, more = published_reports_for_member(member)
        titles = [str(r) for r in reports]
    assert set(reports) == {inception, *ends} and not more
    assert f"Inception Report – {plan.title}" in titles
    # A member with more reports than are listed: the newest, and word that there are more.
    with django_assert_num_queries(2):
        newest, more = published_reports_for_member(member, limit=2)
        [str(r) for r in newest]
    assert more and len(newest) == 2
    assert newest == sorted(reports, key=lambda r: (r.published_at or r.created_at, r.pk))[:-3:-1]


def test_evaluator_names_show_before_account_names():
    evaluator = f.make_evaluator()
    evaluator.first_name, evaluator.last_name = "Ana", "López"
    evaluator.save()
    report = f.make_inception_report(evaluators=[evaluator])
    assert report.evaluator_display() == "Ana López"
    report.evaluator_names = "Oscar Javier Islas Jiménez"
    assert report.evaluator_display() == "Oscar Javier Islas Jiménez"


def test_reports_for_a_commitment():
    plan = f.make_plan()
    commitment = f.make_commitment(plan)
    inception = f.make_inception_report(plan)
    end = f.make_end_of_commitment_report(commitment)
    f.make_end_of_commitment_report()
    assert list(InceptionReport.objects.for_commitment(commitment)) == [inception]
    assert list(EndOfCommitmentReport.objects.for_commitment(commitment)) == [end]


def test_only_members_of_the_evaluator_group_see_assigned_reports():
    evaluator = f.make_evaluator()
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    assert list(EndOfCommitmentReport.objects.assigned_to(evaluator)) == [report]
    evaluator.groups.clear()
    evaluator = type(evaluator).objects.get(pk=evaluator.pk)  # forget the cached groups
    assert not EndOfCommitmentReport.objects.assigned_to(evaluator).exists()
