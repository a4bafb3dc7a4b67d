"""Background work on Django's task framework; the worker (``manage.py db_worker``) runs it."""

from __future__ import annotations

from django.tasks import task


@task
def deliver_email(pk: int) -> str:
    """Send one email of the sent log (retried with back-off when it fails)."""
    from notifications.services import deliver

    return deliver(pk)


@task
def notify_assigned_evaluators() -> int:
    """Tell evaluators of reports newly assigned to them."""
    from notifications.services import send_assignment_notices

    return send_assignment_notices()


@task
def follow_approved_comments(comment_ids: list[int]) -> int:
    """Start the follows asked for in comments the secretariat approved."""
    from commitments.models import Comment
    from notifications.services import follow_after_approval

    return follow_after_approval(comments=Comment.objects.filter(pk__in=comment_ids))
