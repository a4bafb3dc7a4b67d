"""Read-only API endpoints for published reports."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from commitments.api import CommitmentKeyFilter
from plans.models import ActionPlan
from reports.models import EndOfCommitmentReport, InceptionReport
from reports.serializers import EndOfCommitmentReportSerializer, InceptionReportSerializer


class InceptionReportFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        label=_("Action plan"),
        queryset=ActionPlan.objects.published(),
        to_field_name="slug",
        field_name="action_plan",
    )

    class Meta:
        model = InceptionReport
        fields = ["plan"]


@extend_schema_view(
    list=extend_schema(summary="List published Inception Reports", tags=["reports"]),
    retrieve=extend_schema(summary="One published Inception Report", tags=["reports"]),
)
class InceptionReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Published Inception Reports, one per action plan, with every answer."""

    serializer_class = InceptionReportSerializer
    filterset_class = InceptionReportFilter
    ordering_fields = ["published_at", "due_date"]
    ordering = ["-published_at", "pk"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return InceptionReport.objects.published().for_detail()


class EndOfCommitmentReportFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        label=_("Action plan"),
        queryset=ActionPlan.objects.published(),
        to_field_name="slug",
        field_name="action_plan",
    )
    commitment = CommitmentKeyFilter(prefix="commitment")

    class Meta:
        model = EndOfCommitmentReport
        fields = ["plan", "commitment"]


@extend_schema_view(
    list=extend_schema(summary="List published End of Commitment Reports", tags=["reports"]),
    retrieve=extend_schema(summary="One published End of Commitment Report", tags=["reports"]),
)
class EndOfCommitmentReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Published End of Commitment Reports, one per commitment, with every answer."""

    serializer_class = EndOfCommitmentReportSerializer
    filterset_class = EndOfCommitmentReportFilter
    ordering_fields = ["published_at", "due_date"]
    ordering = ["-published_at", "pk"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return EndOfCommitmentReport.objects.published().for_detail()
