import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commitments.models import MilestoneStatus, MilestoneUpdate
from commitments.services import Evidence, change_milestone_status, parse_evidence_lines
from tests.factories import make_commitment, make_implementer, make_institution, make_user

pytestmark = pytest.mark.django_db


def test_a_status_change_writes_exactly_one_update_with_its_note_and_evidence(secretariat):
    milestone = make_commitment(milestones=1).milestones.get()
    change_milestone_status(
        milestone=milestone,
        new_status=MilestoneStatus.IN_PROGRESS,
        by=secretariat,
        note="Study under way",
        evidence=[Evidence(url="https://example.org/study", title="Study")],
    )
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.IN_PROGRESS
    update = MilestoneUpdate.objects.get()
    assert (update.old_status, update.new_status) == ("not_reported", "in_progress")
    assert (update.author, update.note) == (secretariat, "Study under way")
    assert [(link.title, link.url) for link in update.evidence.all()] == [
        ("Study", "https://example.org/study")
    ]


def test_setting_the_same_status_with_a_note_files_a_progress_report(secretariat):
    milestone = make_commitment(milestones=1).milestones.get()
    change_milestone_status(
        milestone=milestone, new_status="not_reported", by=secretariat, note="Still gathering data"
    )
    update = MilestoneUpdate.objects.get()
    assert (update.kind, update.old_status, update.new_status, update.note) == (
        "progress_report",
        "not_reported",
        "not_reported",
        "Still gathering data",
    )


def test_an_implementer_updates_its_institutions_milestones_and_signs_with_the_institution(
    implementer, institution
):
    milestone = make_commitment(milestones=1, lead=institution).milestones.get()
    change_milestone_status(milestone=milestone, new_status="finished", by=implementer, note="Done")
    update = MilestoneUpdate.objects.get()
    assert update.author_institution == institution


def test_an_implementer_outside_the_commitments_institutions_is_refused(implementer):
    other = make_institution(name="Otra institución")
    milestone = make_commitment(milestones=1, lead=other).milestones.get()
    with pytest.raises(PermissionDenied):
        change_milestone_status(
            milestone=milestone, new_status="finished", by=implementer, note="Reported by the test"
        )
    milestone.refresh_from_db()
    assert milestone.status == "not_reported"
    assert MilestoneUpdate.objects.count() == 0


def test_users_without_a_role_and_evaluators_are_refused(evaluator):
    milestone = make_commitment(milestones=1).milestones.get()
    for user in (evaluator, make_user()):
        with pytest.raises(PermissionDenied):
            change_milestone_status(
                milestone=milestone, new_status="finished", by=user, note="Reported by the test"
            )
    assert MilestoneUpdate.objects.count() == 0


def test_an_unknown_status_or_a_bad_link_changes_nothing(secretariat):
    milestone = make_commitment(milestones=1).milestones.get()
    with pytest.raises(ValidationError):
        change_milestone_status(
            milestone=milestone, new_status="done", by=secretariat, note="Reported by the test"
        )
    with pytest.raises(ValidationError):
        change_milestone_status(
            milestone=milestone,
            new_status="finished",
            by=secretariat,
            evidence=["javascript:alert(1)"],
            note="Reported by the test",
        )
    milestone.refresh_from_db()
    assert milestone.status == "not_reported"
    assert MilestoneUpdate.objects.count() == 0


def test_evidence_lines_read_urls_with_optional_titles():
    links = parse_evidence_lines("https://a.example/x\n\n  Minutes | https://b.example/y  \n")
    assert links == [
        Evidence(url="https://a.example/x"),
        Evidence(url="https://b.example/y", title="Minutes"),
    ]
    with pytest.raises(ValidationError) as error:
        parse_evidence_lines("not a link")
    assert "Line 1" in error.value.messages[0]


def test_implementers_are_linked_to_institutions(institution):
    user = make_implementer(institution)
    assert list(user.institutions.all()) == [institution]
