"""Progress bars and comment threads, usable on any page (plans, commitments, reports)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

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


@register.simple_tag
def progress(obj, rule: bool = False) -> str:
    """The bar, “0 of 3 milestones finished · 3 not reported”, the overdue counts (reported and
    without a report, apart), and (optionally) the rule.

    Written here rather than by an included template: lists show one per row.
    """
    figures = progress_of(obj)
    parts = [
        format_html(
            '<div class="progress">\n  <progress max="{}" value="{}" aria-hidden="true">'
            '</progress>\n  <span class="progress-text">{}{}</span>',
            figures.total or 1,
            figures.finished,
            figures.text,
            f" ({figures.percent}%)" if figures.total else "",
        )
    ]
    overdue, unreported = figures.overdue_reported, figures.overdue_unreported
    if overdue:
        parts.append(
            format_html(
                '\n  <span class="badge badge-overdue"><span aria-hidden="true">⚠</span> {}</span>',
                ngettext("%(counter)s overdue", "%(counter)s overdue", overdue)
                % {"counter": overdue},
            )
        )
    if unreported:
        parts.append(
            format_html(
                '\n  <span class="badge badge-unreported"><span aria-hidden="true">?</span> {}'
                "</span>",
                ngettext(
                    "%(counter)s overdue without a report",
                    "%(counter)s overdue without a report",
                    unreported,
                )
                % {"counter": unreported},
            )
        )
    if rule:
        parts.append(format_html('\n  <p class="rule">{}</p>', Progress.RULE))
    parts.append("\n</div>")
    return mark_safe("".join(parts))


@register.simple_tag
def commitment_card(commitment, show_plans: bool = False) -> str:
    """One card of a list of commitments: title, OGP ID, policy area, end, plans, progress.

    Written here rather than by the template language: every list shows 25.
    """
    from plans.templatetags.portal import text

    meta = []
    if commitment.ogp_id:
        meta.append(format_html('<span class="tag">{}</span>', commitment.ogp_id))
    if commitment.primary_policy_area:
        meta.append(format_html("<span>{}</span>", commitment.primary_policy_area.label))
    if commitment.end:
        meta.append(
            format_html("<span>{} {}</span>", gettext("Ends"), date_filter(commitment.end, "M Y"))
        )
    plans = ""
    if show_plans:
        listed = getattr(commitment, "listed_plans", None)
        if listed is None:
            listed = list(commitment.action_plans.all())
        plans = format_html(
            '\n    <p class="card-plans">{}</p>',
            mark_safe(
                "".join(
                    text(plan, "title") + ("" if i == len(listed) - 1 else "; ")
                    for i, plan in enumerate(listed)
                    if plan.is_published
                )
            ),
        )
    return format_html(
        '<h3 class="card-title"><a href="{}">{}</a></h3>\n    <p class="card-meta">\n      {}\n'
        "    </p>{}\n    {}",
        commitment.get_absolute_url(),
        text(commitment, "title"),
        mark_safe("\n      ".join(meta)),
        plans,
        progress(commitment),
    )


STATUS_SYMBOLS = {
    MilestoneStatus.FINISHED: "✓",
    MilestoneStatus.IN_PROGRESS: "◐",
    MilestoneStatus.STUCK: "■",
    MilestoneStatus.INCOMPLETE: "✕",
    MilestoneStatus.NOT_REPORTED: "?",
}


@register.simple_tag
def milestone_status(status: str) -> str:
    """A status as words plus a symbol, never as colour alone."""
    return format_html(
        '<span class="status status-{}"><span class="status-symbol" aria-hidden="true">{}</span>'
        " {}</span>",
        status,
        STATUS_SYMBOLS.get(status, "○"),
        MilestoneStatus(status).label,
    )


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
