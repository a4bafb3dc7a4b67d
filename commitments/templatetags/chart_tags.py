"""Charts drawn by the server (inline SVG plus the same data as a table), one tag per page.

Each tag reads what its page already loaded and adds at most a fixed number of aggregate
queries, whatever the number of milestones.
"""

from __future__ import annotations

from html import escape

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from commitments import charts
from ogptracker import pagecache

register = template.Library()


@register.inclusion_tag("charts/maybe.html")
def commitment_timeline_chart(commitment, milestones) -> dict:
    """A commitment's milestones on a time axis, from the milestones the page loaded with the
    day each was last finished (``charts.with_finishing_dates``)."""
    return {
        "chart": charts.commitment_timeline(commitment, milestones),
        "template": "charts/timeline.html",
    }


@register.simple_tag
def plan_charts(plan) -> str:
    """A plan's compact Gantt and its progress line, over all its published commitments (the
    page lists them a page at a time; the charts draw the whole plan, bounded)."""
    return charts.cached_plan_charts(plan)


@register.simple_tag
def gantt_bars(group: charts.BarGroup) -> str:
    """A group's bars, each named in its tooltip: up to GANTT_MAX_BARS of them, so written at
    once rather than by a loop of the template language."""
    # Coordinates are digits the chart computed; only the names need escaping.
    return mark_safe(
        "".join(
            f'<rect x="{bar.x}" y="{bar.y}" width="{bar.width}" height="6">'
            f"<title>{escape(bar.name)}</title></rect>"
            for bar in group.bars
        )
    )


@register.inclusion_tag("charts/maybe.html")
def status_chart(statuses, overdue, chart_id: str = "status-chart") -> dict:
    """The home page's status counts (already aggregated by its view) as one bar."""
    counts = {item["status"]: item["count"] for item in statuses}
    return {
        "chart": charts.status_distribution(counts, overdue, chart_id),
        "template": "charts/status.html",
    }


@register.simple_tag
def plan_periods_chart(
    *plan_lists, chart_id: str = "plans-chart", kept_as: str = "", total: int | None = None
) -> str:
    """Plans on one time axis, from the lists the page already loaded. ``kept_as``: lists of
    published plans, the same for every reader: drawn once per version of the public data and
    language under that name. ``total``: how many plans there are, when the lists are a
    selection of them (the chart says how many it leaves out and links to them all)."""

    def context() -> dict:
        plans = [plan for plans in plan_lists for plan in plans]
        return {
            "chart": charts.plan_periods(plans, chart_id, total=total),
            "template": "charts/periods.html",
        }

    if kept_as:
        return pagecache.kept_markup(f"charts:{kept_as}", "charts/maybe.html", context)
    return render_to_string("charts/maybe.html", context())


@register.simple_tag(takes_context=True)
def member_charts(context, member, plans) -> str:
    """A member's milestones by status (its roll-up: no query) and its page of plans on one
    axis; for the public, drawn once per member, page of plans, language and version of the
    public data (the secretariat's page also shows drafts: drawn each time)."""

    def chart_context() -> dict:
        counts = charts.own_counts(member)
        overdue = counts.pop("overdue")
        return {
            "status": charts.status_distribution(counts, overdue, f"status-member-{member.pk}"),
            # A page of the member's plans: the chart says how many others there are and
            # leads to the member's list of them, below it.
            "periods": charts.plan_periods(
                list(plans),
                f"plans-member-{member.pk}",
                total=getattr(getattr(plans, "paginator", None), "count", None),
                more_url="#plans",
            ),
        }

    request = context.get("request")
    if request is None or getattr(request.user, "is_staff", False):
        return render_to_string("charts/member.html", chart_context())
    page = getattr(plans, "number", 1)
    return pagecache.kept_markup(
        f"charts:member:{member.pk}:{page}", "charts/member.html", chart_context
    )


@register.inclusion_tag("charts/maybe.html")
def institution_chart(institution) -> dict:
    """An institution's milestones by status beside the other institutions' median (read from
    the roll-ups, once per version of the data)."""
    return {
        "chart": charts.institution_comparison(institution, f"institution-{institution.pk}"),
        "template": "charts/comparison.html",
    }
