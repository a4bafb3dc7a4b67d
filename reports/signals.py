"""Keep reports in step with the plans and commitments they assess."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from commitments.models import Commitment
from plans.models import ActionPlan
from reports.models import EndOfCommitmentReport, InceptionReport
from reports.services import refresh_due_dates, sync_assessments, sync_plans


@receiver(post_save, sender=InceptionReport, dispatch_uid="reports_new_inception_report")
def create_assessments(sender, instance: InceptionReport, created: bool, raw=False, **kwargs):
    """A new Inception Report gets one Section 3 block per commitment of its plan."""
    if created and not raw:
        sync_assessments(instance)


@receiver(
    m2m_changed, sender=Commitment.action_plans.through, dispatch_uid="reports_plan_commitments"
)
def plan_commitments_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A commitment joined or left a plan: update the plan's draft Inception Report."""
    if action == "pre_clear":
        # Remember which plans lose commitments; pk_set is empty on clear.
        if reverse:
            instance._reports_cleared_plans = {instance.pk}
        else:
            instance._reports_cleared_plans = set(
                instance.action_plans.values_list("pk", flat=True)
            )
        return
    if action == "post_clear":
        sync_plans(getattr(instance, "_reports_cleared_plans", set()))
        return
    if action not in ("post_add", "post_remove"):
        return
    sync_plans({instance.pk} if reverse else set(pk_set or ()))


@receiver(post_save, sender=ActionPlan, dispatch_uid="reports_plan_dates")
def plan_saved(sender, instance: ActionPlan, raw=False, **kwargs):
    """The plan's submission date sets its Inception Report's due date."""
    if not raw:
        refresh_due_dates(
            InceptionReport.objects.filter(action_plan=instance).select_related("action_plan")
        )


@receiver(post_save, sender=Commitment, dispatch_uid="reports_commitment_dates")
def commitment_saved(sender, instance: Commitment, raw=False, **kwargs):
    """The commitment's end month sets its End of Commitment Report's due date."""
    if not raw:
        refresh_due_dates(
            EndOfCommitmentReport.objects.filter(commitment=instance).select_related("commitment")
        )
