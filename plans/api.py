"""Read-only API endpoints for members, institutions, action plans and the vocabularies."""

from __future__ import annotations

import django_filters
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from ogptracker.api import IntegerFilter
from plans.models import (
    ActionPlan,
    Institution,
    Member,
    OGPValue,
    PolicyArea,
    Sector,
    SubqueryCount,
)
from plans.serializers import (
    ActionPlanSerializer,
    InstitutionSerializer,
    MemberSerializer,
    OGPValueSerializer,
    PolicyAreaSerializer,
    SectorSerializer,
)


class MemberFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Member.Kind.choices)
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=Member.objects.filter(kind=Member.Kind.NATIONAL),
        to_field_name="slug",
    )

    class Meta:
        model = Member
        fields = ["kind", "country"]


@extend_schema_view(
    list=extend_schema(summary="List members", tags=["members"]),
    retrieve=extend_schema(summary="One member, by slug", tags=["members"]),
)
class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """OGP members: national governments and local jurisdictions."""

    queryset = Member.objects.select_related("country")
    serializer_class = MemberSerializer
    lookup_field = "slug"
    filterset_class = MemberFilter
    search_fields = ["name", "display_name", "ogp_code"]
    ordering_fields = ["name", "member_since"]
    ordering = ["name", "pk"]


class InstitutionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Institution.Kind.choices)
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Institution.SectorKind.choices)

    class Meta:
        model = Institution
        fields = ["kind", "sector"]


@extend_schema_view(
    list=extend_schema(summary="List institutions", tags=["institutions"]),
    retrieve=extend_schema(summary="One institution, by slug", tags=["institutions"]),
)
class InstitutionViewSet(viewsets.ReadOnlyModelViewSet):
    """Stakeholders: government agencies, autonomous bodies, civil society organisations…"""

    queryset = Institution.objects.all()
    serializer_class = InstitutionSerializer
    lookup_field = "slug"
    filterset_class = InstitutionFilter
    search_fields = ["name", "name_en", "acronym"]
    ordering_fields = ["name", "acronym"]
    ordering = ["name", "pk"]


class ActionPlanFilter(django_filters.FilterSet):
    member = django_filters.ModelChoiceFilter(
        label=_("Member"),
        queryset=Member.objects.all(),
        to_field_name="slug",
        method="filter_member",
    )
    year = IntegerFilter(
        label=_("Year in the plan's period"), method="filter_year", min_value=1900, max_value=2200
    )

    class Meta:
        model = ActionPlan
        fields = ["member", "year"]

    def filter_member(self, queryset, name, value):
        return queryset.of_member(value)

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)


@extend_schema_view(
    list=extend_schema(summary="List published action plans", tags=["action plans"]),
    retrieve=extend_schema(summary="One published action plan, by slug", tags=["action plans"]),
)
class ActionPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Published action plans with the answers of OGP Local's template."""

    serializer_class = ActionPlanSerializer
    lookup_field = "slug"
    filterset_class = ActionPlanFilter
    search_fields = ["title", "introduction"]
    ordering_fields = ["start_year", "end_year", "title"]
    ordering = ["-start_year", "title", "pk"]

    def get_queryset(self):
        return (
            ActionPlan.objects.published()
            .select_related("member")
            .prefetch_related("consortium_members", "lead_institutions", "endorsements")
            .annotate(
                # Counted for the rows of the page only, not by grouping every plan.
                commitments_count=SubqueryCount(
                    ActionPlan.commitments.through.objects.filter(
                        actionplan=OuterRef("pk"), commitment__is_published=True
                    ).values("pk")
                )
            )
        )


class _VocabularyViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    pagination_class = None
    filter_backends: list = []


@extend_schema_view(
    list=extend_schema(summary="List OGP values", tags=["vocabularies"]),
    retrieve=extend_schema(summary="One OGP value", tags=["vocabularies"]),
)
class OGPValueViewSet(_VocabularyViewSet):
    """OGP values: the ``ogp_value`` filter of commitments takes their slugs."""

    queryset = OGPValue.objects.all()
    serializer_class = OGPValueSerializer


@extend_schema_view(
    list=extend_schema(summary="List policy areas", tags=["vocabularies"]),
    retrieve=extend_schema(summary="One policy area", tags=["vocabularies"]),
)
class PolicyAreaViewSet(_VocabularyViewSet):
    """Policy areas: the ``policy_area`` filter of commitments takes their slugs."""

    queryset = PolicyArea.objects.all()
    serializer_class = PolicyAreaSerializer


@extend_schema_view(
    list=extend_schema(summary="List sectors", tags=["vocabularies"]),
    retrieve=extend_schema(summary="One sector", tags=["vocabularies"]),
)
class SectorViewSet(_VocabularyViewSet):
    """Sectors of commitments."""

    queryset = Sector.objects.all()
    serializer_class = SectorSerializer
