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


COMMENTS_PAGE_SIZE = 30


class SlicePage:
    """A page read with one query (one row more than it shows), never counting every row."""

    def __init__(self, queryset, number, per_page: int) -> None:
        try:
            self.number = max(1, int(number or 1))
        except (TypeError, ValueError):
            self.number = 1
        self.number = min(self.number, 100_000)
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        self.has_previous = self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


@register.inclusion_tag("includes/comments.html", takes_context=True)
def comments_for(context, obj) -> dict:
    """Approved comments on ``obj``, a page at a time, and the “Leave a Reply” form."""
    label = obj._meta.label_lower
    request = context.get("request")
    approved = Comment.objects.on(obj).approved()
    page = SlicePage(
        approved.filter(reply_to__isnull=True),
        request.GET.get("comments") if request is not None else None,
        COMMENTS_PAGE_SIZE,
    )
    # The replies under this page's comments (the secretariat's official replies among them).
    replies: dict[int, list] = {}
    if page.object_list:
        parents = [comment.pk for comment in page.object_list]
        for reply in approved.filter(reply_to__in=parents).order_by("created_at", "pk"):
            replies.setdefault(reply.reply_to_id, []).append(reply)
    for comment in page.object_list:
        comment.shown_replies = replies.get(comment.pk, [])
    query = request.GET.copy() if request is not None else None
    if query is not None:
        query.pop("comments", None)
    return {
        "request": request,
        "comments": page.object_list,
        "comments_page": page,
        "comments_query": query.urlencode() if query is not None else "",
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
