"""API endpoints for commitments, milestones (read, and PATCH of the status with evidence),
history, documents."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from commitments.exports import last_update_of
from commitments.filters import CommitmentFilter
from commitments.models import (
    OVERDUE_KIND_Q,
    Commitment,
    CommitmentInstitution,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
    OverdueKind,
    overdue_milestones_q,
)
from commitments.serializers import (
    CommitmentSerializer,
    MilestoneSerializer,
    MilestoneStatusChangeSerializer,
    MilestoneStatusChangeUploadSerializer,
    MilestoneUpdateSerializer,
)
from commitments.services import Evidence, can_update_milestone, record_milestone_update
from ogptracker.api import END, IntegerFilter, JSONParser, check_unmodified, etag_of
from ogptracker.api_policies import CommitmentPagination
from ogptracker.keys import is_ascii_digits, parse_pk
from plans.models import ActionPlan, Document, Institution, Member
from plans.serializers import DocumentSerializer

# What a commitment key may look like: an OGP ID (MXMEX0009) or the portal's number.
COMMITMENT_KEY_PATTERN = r"^[A-Za-z0-9]+" + END


def commitment_lookup(key: str) -> Q:
    """A commitment by its key: digits are the portal's number, anything else an OGP ID."""
    if is_ascii_digits(key):
        pk = parse_pk(key)
        return Q(pk=pk) if pk is not None else Q(pk__in=[])
    return Q(ogp_id=key.upper())


class StrictNullBooleanField(forms.NullBooleanField):
    """true/false (or 1/0, yes/no); anything else is an error rather than “no filter”."""

    widget = forms.TextInput

    def to_python(self, value):
        text = str(value).strip().lower() if value is not None else ""
        if text == "":
            return None
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
        raise forms.ValidationError(_("Use true or false."), code="invalid")

    def validate(self, value):
        pass


class SinceField(IsoDateTimeField):
    """An ISO 8601 date and time with a real time zone offset, turned into UTC."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        offset = value.utcoffset()
        if offset is not None and abs(offset) > datetime.timedelta(hours=14):
            raise forms.ValidationError(
                _("Use a time zone offset between -14:00 and +14:00."), code="invalid"
            )
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(_("Enter a valid date and time."), code="invalid") from None


class SinceFilter(django_filters.IsoDateTimeFilter):
    field_class = SinceField


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField


class ApiCommitmentFilter(CommitmentFilter):
    """The explorer's filters, with a bad ``overdue`` value refused instead of ignored."""

    overdue = StrictBooleanFilter(label=_("Has overdue milestones"), method="filter_overdue")

    @extend_schema_field(OpenApiTypes.STR)  # the member's slug
    def filter_member(self, queryset, name, value):
        return super().filter_member(queryset, name, value)


@extend_schema_field({"type": "string", "pattern": COMMITMENT_KEY_PATTERN, "maxLength": 30})
class CommitmentKeyFilter(django_filters.CharFilter):
    """Filter on a commitment given by its key (OGP ID or number); other text is a 400."""

    def __init__(self, *args, prefix: str = "", **kwargs):
        self.prefix = prefix
        kwargs.setdefault("label", _("Commitment (OGP ID or number)"))
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("strip", False)  # " MXMEX0009" is not a key either
        kwargs.setdefault(
            "validators",
            [
                RegexValidator(
                    COMMITMENT_KEY_PATTERN,
                    _("Enter an OGP ID or a commitment number: letters and digits only."),
                )
            ],
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        lookup = commitment_lookup(value)
        ids = Commitment.objects.filter(lookup).values("pk")
        return qs.filter(**{f"{self.prefix}__in": ids})


# The columns the API's references read: a plan's, an institution's and a milestone's.
PLAN_REF_COLUMNS = (
    "pk",
    "original_language",
    "slug",
    "title",
    "title_es",
    "title_en",
    "start_year",
    "end_year",
    "status",
    "member__slug",
)
INSTITUTION_REF_COLUMNS = ("slug", "name", "name_en", "acronym")
ROLE_COLUMNS = (
    "pk",
    "commitment",
    "role",
    "contact_name",
    "contact_title",
    *(f"institution__{name}" for name in INSTITUTION_REF_COLUMNS),
)
MILESTONE_COLUMNS = (
    "pk",
    "original_language",
    "commitment",
    "number",
    "title",
    "title_es",
    "title_en",
    "description",
    "description_es",
    "description_en",
    "start",
    "end",
    "status",
    *(f"responsible_institution__{name}" for name in INSTITUTION_REF_COLUMNS),
)


@extend_schema_view(
    list=extend_schema(
        summary="List published commitments",
        tags=["commitments"],
        description="Filters take the same parameters as the public explorer "
        "(`member`, `plan`, `policy_area`, `ogp_value`, `institution` take slugs). "
        "Without `ordering`, a search (`q`) lists the best matches first; when more than "
        "1,000 match, the newest 1,000 are ranked and listed first, the others after them "
        "by number.",
    ),
    retrieve=extend_schema(
        summary="One published commitment, by OGP ID (or its number when it has none)",
        tags=["commitments"],
        parameters=[
            OpenApiParameter(
                "key",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The OGP ID (for example MXMEX0009), else the portal's number.",
                pattern=COMMITMENT_KEY_PATTERN,
            )
        ],
    ),
)
class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Published commitments with their milestones and computed progress."""

    serializer_class = CommitmentSerializer
    pagination_class = CommitmentPagination
    lookup_field = "key"
    lookup_value_regex = "[A-Za-z0-9]+"
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ApiCommitmentFilter
    ordering_fields = ["number", "title", "ogp_id", "start", "end", "updated_at"]

    def get_queryset(self):
        return (
            Commitment.objects.published()
            .with_progress()
            .annotate(last_update=last_update_of("milestone__commitment"))
            .select_related("primary_policy_area", "primary_sector")
            .prefetch_related(
                # What the references show, never the plans' questionnaires or the members'
                # and institutions' descriptions.
                Prefetch(
                    "action_plans",
                    queryset=ActionPlan.objects.published()
                    .select_related("member")
                    .only(*PLAN_REF_COLUMNS),
                    to_attr="public_plans",
                ),
                # As lists (``to_attr``): no related manager is built per commitment.
                Prefetch(
                    "institution_roles",
                    queryset=CommitmentInstitution.objects.select_related("institution").only(
                        *ROLE_COLUMNS
                    ),
                    to_attr="listed_roles",
                ),
                Prefetch("ogp_values", to_attr="listed_values"),
                Prefetch(
                    "milestones",
                    queryset=Milestone.objects.select_related("responsible_institution").only(
                        *MILESTONE_COLUMNS
                    ),
                    to_attr="listed_milestones",
                ),
            )
            # Counting milestones groups rows, which drops the model's ordering; a search may
            # still order by relevance after this.
            .order_by("number", "pk")
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A search without an explicit ordering lists the best matches first: among the newest
        # RANKED_MATCHES when more match, as the explorer does.
        if "rank" in queryset.query.annotations and not self.request.query_params.get("ordering"):
            queryset, _ranked = queryset.by_relevance()
            queryset = queryset.order_by("-relevance", "number", "pk")
        return queryset

    def get_object(self):
        commitment = get_object_or_404(self.get_queryset(), commitment_lookup(self.kwargs["key"]))
        self.check_object_permissions(self.request, commitment)
        return commitment


class MilestoneFilter(django_filters.FilterSet):
    commitment = CommitmentKeyFilter(prefix="commitment")
    plan = django_filters.ModelChoiceFilter(
        label=_("Action plan"),
        queryset=ActionPlan.objects.published(),
        to_field_name="slug",
        field_name="commitment__action_plans",
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MilestoneStatus.choices)
    institution = django_filters.ModelChoiceFilter(
        label=_("Responsible institution"),
        queryset=Institution.objects.all(),
        to_field_name="slug",
        field_name="responsible_institution",
    )
    overdue = StrictBooleanFilter(label=_("Overdue"), method="filter_overdue")
    overdue_kind = django_filters.ChoiceFilter(
        label=_("Kind of overdue"), choices=OverdueKind.choices, method="filter_overdue_kind"
    )

    class Meta:
        model = Milestone
        fields = ["commitment", "plan", "status", "institution", "overdue", "overdue_kind"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = overdue_milestones_q()
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_overdue_kind(self, queryset, name, value):
        return queryset.filter(OVERDUE_KIND_Q[value]()) if value else queryset


@extend_schema_view(
    list=extend_schema(summary="List milestones of published commitments", tags=["milestones"]),
    retrieve=extend_schema(summary="One milestone", tags=["milestones"]),
)
class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Milestones; implementers and the secretariat change their status with PATCH."""

    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    search_fields = ["title", "description"]
    ordering_fields = ["number", "start", "end", "status", "updated_at"]
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "patch", "head", "options"]
    # The project's JSON parser (it refuses a body nested too deeply); forms carry files.
    parser_classes = [JSONParser, MultiPartParser]

    def get_queryset(self):
        if self.request.method == "PATCH":
            # The secretariat, and implementers for their own institutions, may change
            # milestones of commitments not yet published.
            user = self.request.user
            milestones = Milestone.objects.filter(
                Q(pk__in=Milestone.objects.visible_to(user).values("pk"))
                | Q(pk__in=Milestone.objects.editable_by(user).values("pk"))
            )
        else:
            milestones = Milestone.objects.filter(commitment__in=Commitment.objects.published())
        return milestones.select_related("commitment", "responsible_institution").annotate(
            last_update=last_update_of("milestone")
        )

    @extend_schema(
        summary="Change a milestone's status, report progress or correct an entry",
        tags=["milestones"],
        request={
            "application/json": MilestoneStatusChangeSerializer,
            "multipart/form-data": MilestoneStatusChangeUploadSerializer,
        },
        responses={200: MilestoneSerializer},
        description="Implementers may update the milestones of the commitments their "
        "institution leads or supports; the secretariat any milestone. Every call files one "
        "entry of the milestone's public history (`/milestone-updates/`) and needs a `note`: "
        "a new `status` records a status change; no status (or the current one) a progress "
        "report; `corrects` a correction of an earlier entry. Entries are never edited or "
        "deleted. A key this endpoint does not know (a mistyped `stauts`) is refused with a 400 "
        "that names it in `fields`, and nothing is written.\n\n"
        "To attach evidence files, send the same fields as `multipart/form-data` with one "
        "`files` field per file (and one `evidence` field per link, `Title | https://…`). "
        "The files are checked as in the admin: if any is refused (too large, too many, a type "
        "not accepted, a renamed program, an SVG or other markup) the answer is a 400 whose "
        "`fields.files` names each file and why, and nothing is written or stored. A request "
        "larger than the portal accepts is refused with a 413 before it is read. The entry "
        "lists its files, with their download addresses, in `/milestone-updates/`.",
    )
    def partial_update(self, request, *args, **kwargs):
        milestone = self.get_object()
        if not can_update_milestone(request.user, milestone):
            raise PermissionDenied(_("You may not update this milestone."))
        if isinstance(request.data, QueryDict):  # multipart/form-data
            change = MilestoneStatusChangeUploadSerializer(data=request.data)
        else:
            change = MilestoneStatusChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        with transaction.atomic():
            # Locked until the change is written: the version checked is the one changed.
            current = Milestone.objects.select_for_update().only("updated_at").get(pk=milestone.pk)
            check_unmodified(request, current.updated_at, change.validated_data.get("updated_at"))
            record_milestone_update(
                milestone=milestone,
                new_status=change.validated_data.get("status"),
                by=request.user,
                note=change.validated_data["note"],
                evidence=[Evidence(**link) for link in change.validated_data["evidence"]],
                files=change.validated_data.get("files", ()),
                happened_on=change.validated_data["happened_on"],
                corrects=change.validated_data["corrects"],
            )
        fresh = self.get_queryset().get(pk=milestone.pk)
        return Response(
            self.get_serializer(fresh).data, headers={"ETag": etag_of(fresh.updated_at)}
        )

    def retrieve(self, request, *args, **kwargs):
        milestone = self.get_object()
        response = Response(self.get_serializer(milestone).data)
        response["ETag"] = etag_of(milestone.updated_at)
        return response


class MilestoneUpdateFilter(django_filters.FilterSet):
    milestone = IntegerFilter(label=_("Milestone"), field_name="milestone")
    commitment = CommitmentKeyFilter(prefix="milestone__commitment")
    status = django_filters.ChoiceFilter(
        label=_("New status"), choices=MilestoneStatus.choices, field_name="new_status"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of entry"), choices=MilestoneUpdate.Kind.choices
    )
    since = SinceFilter(
        label=_("Since (ISO 8601 date and time)"), field_name="created_at", lookup_expr="gte"
    )

    class Meta:
        model = MilestoneUpdate
        fields = ["milestone", "commitment", "status", "kind", "since"]


@extend_schema_view(
    list=extend_schema(
        summary="The public history of milestones: status changes, progress reports and "
        "corrections",
        tags=["milestones"],
    ),
    retrieve=extend_schema(summary="One entry of a milestone's history", tags=["milestones"]),
)
class MilestoneUpdateViewSet(viewsets.ReadOnlyModelViewSet):
    """Every status change of a published milestone, newest first, with its note and evidence."""

    serializer_class = MilestoneUpdateSerializer
    filterset_class = MilestoneUpdateFilter
    search_fields = ["note"]
    ordering_fields = ["created_at"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return (
            MilestoneUpdate.objects.filter(milestone__commitment__in=Commitment.objects.published())
            .select_related("milestone__commitment", "author_institution")
            .prefetch_related("evidence", "files", "corrections")
        )


class DocumentFilter(django_filters.FilterSet):
    doc_type = django_filters.ChoiceFilter(label=_("Type"), choices=Document.Type.choices)
    year = IntegerFilter(label=_("Year"), min_value=1900, max_value=2200)
    language = django_filters.ChoiceFilter(label=_("Language"), choices=Document.Language.choices)
    member = django_filters.ModelChoiceFilter(
        label=_("Member"), queryset=Member.objects.all(), to_field_name="slug"
    )
    plan = django_filters.ModelChoiceFilter(
        label=_("Action plan"),
        queryset=ActionPlan.objects.published(),
        to_field_name="slug",
        field_name="action_plan",
    )
    commitment = CommitmentKeyFilter(prefix="commitment")
    milestone = IntegerFilter(label=_("Milestone"), field_name="milestone")

    class Meta:
        model = Document
        fields = ["doc_type", "year", "language", "member", "plan", "commitment", "milestone"]


@extend_schema_view(
    list=extend_schema(summary="List documents of the evidence repository", tags=["documents"]),
    retrieve=extend_schema(summary="One document", tags=["documents"]),
)
class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """The public evidence repository: plans, reports, minutes, letters, videos…"""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    search_fields = ["title"]
    ordering_fields = ["year", "date", "title"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        # What a document's row shows of its member, plan and commitment: their keys, not
        # their texts (thousands of documents are sorted before a page is kept).
        own = [field.name for field in Document._meta.concrete_fields]
        return (
            Document.objects.published()
            .select_related("member", "action_plan", "commitment")
            .only(*own, "member__slug", "action_plan__slug", "commitment__ogp_id")
        )
