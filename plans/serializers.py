"""API representations of members, institutions, vocabularies, action plans and documents."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ogptracker.api import translations_field
from plans.models import ActionPlan, Document, Institution, Member, OGPValue, PolicyArea, Sector


def public_url(obj, fallback_path: str) -> str:
    """The absolute address of an object's public page (the documented stable path)."""
    try:
        path = obj.get_absolute_url()
    except NoReverseMatch:
        path = fallback_path
    return f"{settings.SITE_URL}{path}"


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2022-02", "nullable": True}
)
class MonthField(serializers.Field):
    """A month as ``YYYY-MM``: the portal stores months as their first day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.strftime("%Y-%m") if value else None


class OGPValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = OGPValue
        fields = ["slug", "name", "name_es"]


class PolicyAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyArea
        fields = ["slug", "name", "name_es"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["slug", "name", "name_es"]


class MemberRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["slug", "name", "display_name"]


class MemberSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:member-detail", lookup_field="slug"
    )
    url = serializers.SerializerMethodField(help_text="The member's public page.")
    country = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The national member a local member belongs to.",
    )
    translations = translations_field(Member)

    class Meta:
        model = Member
        fields = [
            "slug",
            "name",
            "display_name",
            "kind",
            "country",
            "ogp_code",
            "member_since",
            "description",
            "translations",
            "url",
            "api_url",
        ]

    def get_url(self, member) -> str:
        return public_url(member, f"/en/members/{member.slug}/")


class InstitutionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["slug", "name", "name_en", "acronym"]


class InstitutionSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:institution-detail", lookup_field="slug"
    )
    url = serializers.SerializerMethodField(help_text="The institution's public page.")

    class Meta:
        model = Institution
        fields = [
            "slug",
            "name",
            "name_en",
            "acronym",
            "kind",
            "sector",
            "website",
            "url",
            "api_url",
        ]

    def get_url(self, institution) -> str:
        return public_url(institution, f"/en/institutions/{institution.slug}/")


class ActionPlanRefSerializer(serializers.ModelSerializer):
    member = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ActionPlan
        fields = ["slug", "title", "member", "start_year", "end_year"]


class ActionPlanSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:actionplan-detail", lookup_field="slug"
    )
    url = serializers.SerializerMethodField(help_text="The plan's public page.")
    member = MemberRefSerializer(read_only=True)
    consortium_members = MemberRefSerializer(many=True, read_only=True)
    lead_institutions = InstitutionRefSerializer(many=True, read_only=True)
    endorsements = InstitutionRefSerializer(many=True, read_only=True)
    end_month = MonthField(help_text="The month the plan ends (YYYY-MM).")
    commitments_count = serializers.IntegerField(
        read_only=True, help_text="How many published commitments the plan has."
    )
    downloads = serializers.SerializerMethodField(
        help_text="The plan's commitments and milestones as bulk files."
    )
    translations = translations_field(ActionPlan)

    class Meta:
        model = ActionPlan
        fields = [
            "slug",
            "title",
            "member",
            "consortium_members",
            "start_year",
            "end_year",
            "submission_year",
            "end_month",
            "date_submitted",
            "lead_institutions",
            "introduction",
            *ActionPlan.VISION_FIELDS,
            *[f for f in ActionPlan.ENGAGEMENT_FIELDS if f != "lead_institutions"],
            "endorsements",
            "commitments_count",
            "translations",
            "url",
            "api_url",
            "downloads",
        ]

    def get_url(self, plan) -> str:
        return public_url(plan, f"/en/plans/{plan.slug}/")

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                name: {"type": "string", "format": "uri"}
                for name in ("commitments_csv", "milestones_csv", "commitments_json")
            },
            "required": ["commitments_csv", "milestones_csv", "commitments_json"],
        }
    )
    def get_downloads(self, plan) -> dict:
        base = f"{settings.SITE_URL}/data"
        return {
            "commitments_csv": f"{base}/commitments.csv?plan={plan.slug}",
            "milestones_csv": f"{base}/milestones.csv?plan={plan.slug}",
            "commitments_json": f"{base}/commitments.json?plan={plan.slug}",
        }


class DocumentSerializer(serializers.ModelSerializer):
    link = serializers.SerializerMethodField(help_text="The uploaded file, else the web link.")
    member = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    action_plan = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    commitment = serializers.SerializerMethodField(
        help_text="The key of the commitment (OGP ID, else its number in the portal)."
    )
    translations = translations_field(Document)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "doc_type",
            "date",
            "year",
            "language",
            "link",
            "member",
            "action_plan",
            "commitment",
            "milestone",
            "meeting",
            "translations",
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_link(self, document) -> str | None:
        return f"{settings.SITE_URL}{document.link}" if document.file else (document.url or None)

    def get_commitment(self, document) -> str | None:
        return document.commitment.key if document.commitment_id else None
