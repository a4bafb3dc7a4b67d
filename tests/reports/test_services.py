import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.models import Status, Transition
from reports.services import (
    EditConflict,
    IncompleteReport,
    publish_report,
    return_report,
    save_draft,
    submit_report,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_submitting_an_incomplete_report_lists_every_missing_answer(evaluator):
    plan = f.make_plan()
    f.make_commitment(plan)
    report = f.make_inception_report(plan, evaluators=[evaluator])
    with pytest.raises(IncompleteReport) as error:
        submit_report(report=report, by=evaluator)
    missing = error.value.missing
    assert "forum_exists" in missing
    assert "forum_exists_explanation" in missing
    assert "practice_inclusive_forum" in missing
    assert "forum_exists_evidence" not in missing  # evidence is optional
    [assessment] = report.assessments.all()
    assert set(missing[f"assessment-{assessment.pk}"]) == {
        "verifiable",
        "relevant",
        "nature",
        "change",
        "recommended_changes",
    }
    report.refresh_from_db()
    assert report.status == Status.DRAFT
    assert not Transition.objects.exists()


def test_submit_publish_and_return_are_recorded(evaluator, secretariat):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    f.complete_end_of_commitment_answers(report)

    submit_report(report=report, by=evaluator)
    assert report.status == Status.SUBMITTED and report.submitted_at
    return_report(report=report, by=secretariat, comment="Add evidence for 1.3.")
    assert report.status == Status.DRAFT
    assert report.last_return().comment == "Add evidence for 1.3."
    submit_report(report=report, by=evaluator)
    publish_report(report=report, by=secretariat)
    report.refresh_from_db()
    assert report.status == Status.PUBLISHED and report.published_at

    history = [
        (t.by, t.from_status, t.to_status, t.comment)
        for t in Transition.objects.filter(end_of_commitment_report=report)
    ]
    assert history == [
        (evaluator, "draft", "submitted", ""),
        (secretariat, "submitted", "draft", "Add evidence for 1.3."),
        (evaluator, "draft", "submitted", ""),
        (secretariat, "submitted", "published", ""),
    ]


def test_evaluator_cannot_publish_or_return(evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator], status="submitted")
    with pytest.raises(PermissionDenied):
        publish_report(report=report, by=evaluator)
    with pytest.raises(PermissionDenied):
        return_report(report=report, by=evaluator, comment="No")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_only_assigned_evaluators_submit(evaluator):
    report = f.make_end_of_commitment_report(evaluators=[f.make_evaluator()])
    f.complete_end_of_commitment_answers(report)
    with pytest.raises(PermissionDenied):
        submit_report(report=report, by=evaluator)


def test_transitions_follow_the_workflow(evaluator, secretariat):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    with pytest.raises(ValidationError):
        publish_report(report=report, by=secretariat)  # a draft is not published directly
    with pytest.raises(ValidationError):
        return_report(report=report, by=secretariat, comment="Why?")
    f.complete_end_of_commitment_answers(report)
    submit_report(report=report, by=evaluator)
    with pytest.raises(ValidationError):
        submit_report(report=report, by=evaluator)  # already submitted
    with pytest.raises(ValidationError) as error:
        return_report(report=report, by=secretariat, comment="   ")
    assert "comment" in error.value.message_dict


def test_save_draft_refuses_an_outdated_version(evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    first = type(report).objects.get(pk=report.pk)
    second = type(report).objects.get(pk=report.pk)
    first.lessons = "First editor"
    save_draft(report=first, by=evaluator, expected_version=1)
    second.lessons = "Second editor"
    with pytest.raises(EditConflict):
        save_draft(report=second, by=evaluator, expected_version=1)
    report.refresh_from_db()
    assert report.lessons == "First editor"
    assert report.version == 2


def test_save_draft_refuses_a_submitted_report(evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator], status="submitted")
    report.lessons = "Late edit"
    with pytest.raises(PermissionDenied):
        save_draft(report=report, by=evaluator, expected_version=report.version)
