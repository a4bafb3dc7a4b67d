"""Report fragments for the portal's commitment, plan and member pages.

``{% load reports_tags %}`` then ``{% commitment_report_summary commitment %}``,
``{% plan_report_links plan %}`` or ``{% member_reports member %}``: each costs one or two queries.
"""

from __future__ import annotations

from django import template

from ogptracker import pagecache
from reports.models import (
    CommitmentAssessment,
    EndOfCommitmentReport,
    InceptionReport,
    display_value,
    published_reports_for_member,
)

register = template.Library()


def _answers(report, names) -> list[dict]:
    """Each answered question of ``names``: its text and the answer in the reader's language."""
    if report is None:
        return []
    rows = []
    for name in names:
        answer = display_value(report, name)
        if answer:
            rows.append({"question": report._meta.get_field(name).verbose_name, "answer": answer})
    return rows


@register.inclusion_tag("reports/includes/commitment_summary.html")
def commitment_report_summary(commitment) -> dict:
    """The “Inception Report Summary” and what the published End of Commitment Report assessed:
    its completion level and its “Did it open government?” answers, linked (two queries at
    most: none for what the commitment's ``has_assessment`` / ``has_end_report`` say is absent)."""
    assessment = (
        CommitmentAssessment.objects.published()
        .for_commitment(commitment)
        .select_related("nature", "change", "report__action_plan")
        .first()
        if getattr(commitment, "has_assessment", True)
        else None
    )
    end_report = (
        EndOfCommitmentReport.objects.published()
        .filter(commitment=commitment)
        .select_related("as_planned", "problem_addressed")
        .first()
        if getattr(commitment, "has_end_report", True)
        else None
    )
    completion = _answers(end_report, ("progress_level", "as_planned"))
    open_government = _answers(
        end_report,
        (
            "access_to_information",
            "civic_participation",
            "public_accountability",
            "problem_addressed",
        ),
    )
    return {
        "assessment": assessment,
        "end_of_commitment_report": end_report,
        "completion": completion,
        "open_government": open_government,
    }


@register.simple_tag
def plan_report_links(plan) -> str:
    """The link to the plan's published Inception Report (one query, kept per version of the
    public data: published reports only, the same for every reader)."""
    return pagecache.kept_markup(
        f"reports:plan:{plan.pk}",
        "reports/includes/plan_reports.html",
        lambda: {
            "inception_report": InceptionReport.objects.published()
            .filter(action_plan=plan)
            .first(),
            "plan": plan,
        },
    )


@register.simple_tag
def member_reports(member) -> str:
    """The member's newest published reports, as resources (two queries, kept per version of
    the public data)."""

    def context() -> dict:
        reports, more = published_reports_for_member(member)
        return {"reports": reports, "more": more}

    return pagecache.kept_markup(
        f"reports:member:{member.pk}", "reports/includes/member_reports.html", context
    )
