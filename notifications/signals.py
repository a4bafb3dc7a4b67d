"""What starts notifications from other apps' events, without those apps knowing of them."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete


def _after_commit(task, *args) -> None:
    transaction.on_commit(partial(task.enqueue, *args))


def evaluators_changed(sender, action: str, reverse: bool, **kwargs) -> None:
    if action == "post_add":
        from notifications.tasks import notify_assigned_evaluators

        _after_commit(notify_assigned_evaluators)


def comments_approved(sender, comments, **kwargs) -> None:
    ids = [comment.pk for comment in comments if comment.follow_requested]
    if ids:
        from notifications.tasks import follow_approved_comments

        _after_commit(follow_approved_comments, ids)


def follower_deleted(sender, instance, **kwargs) -> None:
    # However the address goes (unsubscribe link, the admin, a cascade), the log forgets it too.
    from notifications.services import forget_address_in_log

    forget_address_in_log(email=instance.email)


def connect() -> None:
    from commitments.signals import comments_approved as approved
    from notifications.models import Follower
    from reports.models import EndOfCommitmentReport, InceptionReport

    post_delete.connect(follower_deleted, sender=Follower, dispatch_uid="notifications-forget")

    for model in (InceptionReport, EndOfCommitmentReport):
        m2m_changed.connect(
            evaluators_changed,
            sender=model.evaluators.through,
            dispatch_uid=f"notifications-evaluators-{model._meta.model_name}",
        )
    approved.connect(comments_approved, dispatch_uid="notifications-comments-approved")
