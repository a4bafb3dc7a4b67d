"""Progress bars and comment threads, usable on any page (plans, commitments, reports)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from commitments.forms import CommentForm
from commitments.models import Comment, MilestoneStatus, Progress
from commitments.rollups import overdue_of

register = template.Library()


def progress_of(obj) -> Progress:
    """A Progress from an object's annotations (``n_finished``, ``n_milestones``) or property."""
    if isinstance(obj, Progress):
        return obj
    if hasattr(obj, "n_milestones"):
        return Progress(obj.n_finished, obj.n_milestones)
    return obj.progress


@register.inclusion_tag("includes/progress.html")
def progress(obj, rule: bool = False, overdue: int | None = None) -> dict:
    """The bar, “2 of 3 milestones finished”, the overdue count, and (optionally) the rule."""
    if overdue is None:
        overdue = getattr(obj, "n_overdue", None)
    if overdue is None:
        # Plans, members and institutions: today's overdue count from their roll-up.
        overdue = overdue_of(getattr(obj, "rollup_months", None))
    return {
        "progress": progress_of(obj),
        "show_rule": rule,
        "overdue": overdue,
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
    page = SlicePage(
        Comment.objects.on(obj).approved(),
        request.GET.get("comments") if request is not None else None,
        COMMENTS_PAGE_SIZE,
    )
    query = request.GET.copy() if request is not None else None
    if query is not None:
        query.pop("comments", None)
    return {
        "request": request,
        "comments": page.object_list,
        "comments_page": page,
        "comments_query": query.urlencode() if query is not None else "",
        "form": CommentForm(),
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
