import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commitments.models import Commitment, Milestone, MilestoneStatus
from tests.factories import make_commitment, make_milestone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ogp_id", ["MX0075", "MXMEX0009", "USABC1234"])
def test_ogp_ids_of_ogp_shape_are_accepted(ogp_id):
    commitment = make_commitment(ogp_id=ogp_id)
    commitment.full_clean()


@pytest.mark.parametrize("ogp_id", ["mx0075", "M0075", "MXMEX009", "MX-0075", "MX00750"])
def test_ogp_ids_of_another_shape_get_a_clear_message(ogp_id):
    commitment = Commitment(title="Bad", ogp_id=ogp_id)
    with pytest.raises(ValidationError) as error:
        commitment.full_clean(exclude=["action_plans"])
    assert "two capital letters" in str(error.value.message_dict["ogp_id"])


def test_the_database_refuses_an_ogp_id_of_the_wrong_shape():
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(title="Bad", ogp_id="mx12")


def test_an_ogp_id_is_unique_when_present_but_many_may_be_empty():
    make_commitment(ogp_id="MXMEX0009")
    make_commitment(ogp_id="")
    make_commitment(ogp_id="")
    duplicate = Commitment(title="Again", ogp_id="MXMEX0009")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has this OGP ID" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(title="Again", ogp_id="MXMEX0009")


def test_a_commitment_does_not_end_before_it_starts():
    commitment = Commitment(
        title="Backwards", start=datetime.date(2022, 5, 1), end=datetime.date(2022, 2, 1)
    )
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert "cannot end before it starts" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        commitment.save()


def test_a_milestone_does_not_end_before_it_starts():
    commitment = make_commitment()
    milestone = Milestone(
        commitment=commitment,
        number=1,
        title="x",
        start=datetime.date(2022, 5, 1),
        end=datetime.date(2022, 2, 1),
    )
    with pytest.raises(ValidationError) as error:
        milestone.full_clean()
    assert "cannot end before it starts" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        milestone.save()


def test_milestone_numbers_are_unique_within_a_commitment():
    first, second = make_commitment(), make_commitment()
    make_milestone(first, number=1)
    make_milestone(second, number=1)  # another commitment may reuse the number
    clash = Milestone(commitment=first, number=1, title="Again")
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "already has a milestone with this number" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


def test_a_milestone_is_overdue_when_its_end_month_has_passed_and_it_is_not_finished():
    commitment = make_commitment()
    late = make_milestone(commitment, end=datetime.date(2022, 4, 1))
    done = make_milestone(
        commitment, end=datetime.date(2022, 4, 1), status=MilestoneStatus.FINISHED
    )
    future = make_milestone(
        commitment, end=datetime.date(2999, 1, 1), start=datetime.date(2998, 1, 1)
    )
    assert late.is_overdue and not done.is_overdue and not future.is_overdue
    assert list(Milestone.objects.overdue()) == [late]
    assert list(Commitment.objects.overdue()) == [commitment]


def test_progress_counts_finished_milestones_over_all_milestones():
    make_commitment(milestones=3, statuses=("finished", "finished", "in_progress"))
    commitment = Commitment.objects.with_progress().get()
    assert (commitment.n_finished, commitment.n_milestones) == (2, 3)
    assert commitment.progress.text == "2 of 3 milestones finished"
    assert commitment.progress.percent == 67
