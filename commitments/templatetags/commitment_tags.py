"""Progress bars and comment threads, usable on any page (plans, commitments, reports)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from commitments.forms import CommentForm
from commitments.models import Comment, MilestoneStatus, Progress

register = template.Library()


def progress_of(obj) -> Progress:
    """A Progress from an object's annotations (``n_finished``, ``n_milestones``) or property."""
    if isinstance(obj, Progress):
        return obj
    if hasattr(obj, "n_milestones"):
        return Progress.of(obj)
    return obj.progress


@register.inclusion_tag("includes/progress.html")
def progress(obj, rule: bool = False) -> dict:
    """The bar, “0 of 3 milestones finished · 3 not reported”, the overdue counts (reported and
    without a report, apart), and (optionally) the rule."""
    figures = progress_of(obj)
    return {
        "progress": figures,
        "show_rule": rule,
        "overdue": figures.overdue_reported,
        "overdue_unreported": figures.overdue_unreported,
        "rule": Progress.RULE,
    }


@register.inclusion_tag("includes/status.html")
def milestone_status(status: str) -> dict:
    """A status as words plus a symbol, never as colour alone."""
    return {"status": status, "label": MilestoneStatus(status).label}


@register.inclusion_tag("includes/comments.html", takes_context=True)
def comments_for(context, obj) -> dict:
    """Approved comments on ``obj`` and the “Leave a Reply” form that posts to the moderation queue."""
    label = obj._meta.label_lower
    approved = list(Comment.objects.on(obj).approved())
    shown = {comment.pk for comment in approved}
    replies: dict[int, list] = {}
    for comment in approved:
        if comment.reply_to_id in shown:
            replies.setdefault(comment.reply_to_id, []).append(comment)
    threads = [comment for comment in approved if comment.reply_to_id not in shown]
    for comment in threads:
        comment.shown_replies = replies.get(comment.pk, [])
    return {
        "request": context.get("request"),
        "comments": threads,
        "form": CommentForm(can_follow=label == "commitments.commitment"),
        "action": reverse("commitments:comment", kwargs={"label": label, "pk": obj.pk}),
    }


@register.simple_tag
def progress_rule() -> str:
    """The sentence that says how every progress figure is counted."""
    return Progress.RULE


@register.simple_tag
def active_filter_count(form) -> int:
    """How many of a filter form's fields, the search aside, narrow the results now."""
    if not form.is_bound:
        return 0
    return sum(
        1
        for name in form.fields
        if name != "q" and any(value not in {"", "unknown"} for value in form.data.getlist(name))
    )
