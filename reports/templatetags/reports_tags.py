"""Report fragments for the portal's commitment, plan and member pages.

``{% load reports_tags %}`` then ``{% commitment_report_summary commitment %}``,
``{% plan_report_links plan %}`` or ``{% member_reports member %}``: each costs one or two queries.
"""

from __future__ import annotations

from django import template

from reports.models import (
    CommitmentAssessment,
    EndOfCommitmentReport,
    InceptionReport,
    published_reports_for_member,
)

register = template.Library()


@register.inclusion_tag("reports/includes/commitment_summary.html")
def commitment_report_summary(commitment) -> dict:
    """The “Inception Report Summary” and the End of Commitment Report link (two queries)."""
    assessment = (
        CommitmentAssessment.objects.published()
        .for_commitment(commitment)
        .select_related("nature", "change", "report__action_plan")
        .first()
    )
    end_report = EndOfCommitmentReport.objects.published().filter(commitment=commitment).first()
    return {"assessment": assessment, "end_of_commitment_report": end_report}


@register.inclusion_tag("reports/includes/plan_reports.html")
def plan_report_links(plan) -> dict:
    """The link to the plan's published Inception Report (one query)."""
    return {
        "inception_report": InceptionReport.objects.published().filter(action_plan=plan).first(),
        "plan": plan,
    }


@register.inclusion_tag("reports/includes/member_reports.html")
def member_reports(member) -> dict:
    """The member's published reports, as resources (two queries)."""
    return {"reports": published_reports_for_member(member)}
