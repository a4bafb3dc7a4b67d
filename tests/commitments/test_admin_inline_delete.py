"""The milestone inline of the commitment page never deletes a milestone's public history."""

import pytest

from commitments.models import Milestone, MilestoneUpdate
from commitments.services import change_milestone_status
from tests.commitments.test_admin import commitment_form_data
from tests.factories import make_commitment

pytestmark = pytest.mark.django_db


def change_url(commitment) -> str:
    return f"/admin/commitments/commitment/{commitment.pk}/change/"


def test_the_secretariat_cannot_delete_a_milestone_with_history_from_the_inline(
    client, secretariat
):
    commitment = make_commitment(milestones=2, ogp_id="MXMEX0009")
    milestones = list(commitment.milestones.order_by("number"))
    change_milestone_status(
        milestone=milestones[0], new_status="in_progress", by=secretariat, note="Work began"
    )
    client.force_login(secretariat)
    response = client.post(
        change_url(commitment),
        commitment_form_data(
            commitment,
            milestones,
            **{"milestones-0-DELETE": "on", "milestones-1-title_en": "Renamed"},
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "has entries in its public history, which is never deleted" in html
    # Nothing on the page was saved: not the deletion, not the other row's change.
    assert Milestone.objects.filter(pk=milestones[0].pk).exists()
    assert MilestoneUpdate.objects.filter(milestone=milestones[0]).count() == 1
    milestones[1].refresh_from_db()
    assert milestones[1].title_en != "Renamed"


def test_a_milestone_without_history_is_still_deleted_from_the_inline(client, secretariat):
    commitment = make_commitment(milestones=2, ogp_id="MXMEX0009")
    milestones = list(commitment.milestones.order_by("number"))
    client.force_login(secretariat)
    response = client.post(
        change_url(commitment),
        commitment_form_data(commitment, milestones, **{"milestones-1-DELETE": "on"}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(commitment.milestones.values_list("pk", flat=True)) == [milestones[0].pk]
