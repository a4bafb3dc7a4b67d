"""The commitments explorer's filters, shared by the public pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, Milestone, MilestoneStatus, OverdueKind
from plans.models import ActionPlan, Institution, Member, OGPValue, PolicyArea


class CommitmentFilter(django_filters.FilterSet):
    member = django_filters.ModelChoiceFilter(
        label=_("Member"),
        queryset=Member.objects.all(),
        to_field_name="slug",
        method="filter_member",
    )
    plan = django_filters.ModelChoiceFilter(
        label=_("Action plan"),
        queryset=ActionPlan.objects.published(),
        to_field_name="slug",
        field_name="action_plans",
    )
    policy_area = django_filters.ModelChoiceFilter(
        label=_("Policy area"),
        queryset=PolicyArea.objects.all(),
        to_field_name="slug",
        field_name="primary_policy_area",
    )
    ogp_value = django_filters.ModelChoiceFilter(
        label=_("OGP value"),
        queryset=OGPValue.objects.all(),
        to_field_name="slug",
        field_name="ogp_values",
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        queryset=Institution.objects.all(),
        to_field_name="slug",
        field_name="institutions",
    )
    status = django_filters.ChoiceFilter(
        label=_("Milestone status"),
        choices=MilestoneStatus.choices,
        method="filter_status",
    )
    overdue = django_filters.BooleanFilter(
        label=_("Has overdue milestones"), method="filter_overdue"
    )
    overdue_kind = django_filters.ChoiceFilter(
        label=_("Kind of overdue milestones"),
        choices=OverdueKind.choices,
        method="filter_overdue_kind",
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")

    class Meta:
        model = Commitment
        fields = [
            "member",
            "plan",
            "policy_area",
            "ogp_value",
            "institution",
            "status",
            "overdue",
            "overdue_kind",
            "q",
        ]

    def filter_member(self, queryset, name, value):
        plans = ActionPlan.objects.filter(commitments=OuterRef("pk"), member=value)
        consortium = ActionPlan.objects.filter(commitments=OuterRef("pk"), consortium_members=value)
        return queryset.filter(Exists(plans) | Exists(consortium))

    def filter_status(self, queryset, name, value):
        return queryset.filter(
            Exists(Milestone.objects.filter(commitment=OuterRef("pk"), status=value))
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = queryset.overdue()
        return late if value else queryset.exclude(pk__in=late.values("pk"))

    def filter_overdue_kind(self, queryset, name, value):
        return queryset.overdue(value) if value else queryset

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
