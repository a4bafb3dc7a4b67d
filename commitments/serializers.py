"""API representations of commitments, milestones, their history and documents."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.reverse import reverse

from commitments.models import (
    Commitment,
    CommitmentInstitution,
    EvidenceLink,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
    Progress,
)
from ogptracker.api import translations_field
from ogptracker.uploads import MAX_EVIDENCE_FILE_SIZE, MAX_EVIDENCE_FILES
from plans.serializers import (
    ActionPlanRefSerializer,
    InstitutionRefSerializer,
    MonthField,
    OGPValueSerializer,
    PolicyAreaSerializer,
    SectorSerializer,
    public_url,
)


class ProgressSerializer(serializers.Serializer):
    finished = serializers.IntegerField(help_text="Finished milestones.")
    total = serializers.IntegerField(help_text="All milestones.")
    not_reported = serializers.IntegerField(help_text="Milestones nobody has reported on.")
    overdue = serializers.IntegerField(help_text="Milestones past their end month, not finished.")
    overdue_without_report = serializers.IntegerField(
        help_text="Overdue milestones nobody has reported on (a subset of overdue)."
    )
    percent = serializers.IntegerField(help_text="finished / total, rounded; 0 without milestones.")
    rule = serializers.CharField(help_text="The rule behind the figure, in words.")

    def to_representation(self, progress: Progress):
        return {
            "finished": progress.finished,
            "total": progress.total,
            "not_reported": progress.not_reported,
            "overdue": progress.overdue,
            "overdue_without_report": progress.overdue_unreported,
            "percent": progress.percent,
            "rule": str(Progress.RULE),
        }


class CommitmentInstitutionSerializer(serializers.ModelSerializer):
    institution = InstitutionRefSerializer(read_only=True)

    class Meta:
        model = CommitmentInstitution
        fields = ["institution", "role", "contact_name", "contact_title"]


class MilestoneSummarySerializer(serializers.ModelSerializer):
    """A milestone as it appears inside its commitment."""

    start = MonthField()
    end = MonthField()
    overdue = serializers.BooleanField(
        source="is_overdue", help_text="End month passed, not finished."
    )
    overdue_without_report = serializers.BooleanField(
        source="is_overdue_unreported",
        help_text="Overdue and nobody has reported on it (status not_reported).",
    )
    responsible_institution = InstitutionRefSerializer(read_only=True, allow_null=True)
    translations = translations_field(Milestone)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "number",
            "title",
            "description",
            "translations",
            "start",
            "end",
            "status",
            "overdue",
            "overdue_without_report",
            "responsible_institution",
        ]


class CommitmentSerializer(serializers.ModelSerializer):
    key = serializers.CharField(
        read_only=True,
        help_text="The stable identifier used in addresses: the OGP ID, else the portal's number.",
    )
    url = serializers.SerializerMethodField(help_text="The commitment's public page.")
    api_url = serializers.SerializerMethodField()
    action_plans = ActionPlanRefSerializer(source="public_plans", many=True, read_only=True)
    institutions = CommitmentInstitutionSerializer(
        source="institution_roles", many=True, read_only=True
    )
    policy_area = PolicyAreaSerializer(
        source="primary_policy_area", read_only=True, allow_null=True
    )
    sector = SectorSerializer(source="primary_sector", read_only=True, allow_null=True)
    ogp_values = OGPValueSerializer(many=True, read_only=True)
    start = MonthField()
    end = MonthField()
    progress = ProgressSerializer(read_only=True)
    overdue = serializers.SerializerMethodField(help_text="At least one milestone is overdue.")
    last_update = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="The latest status change of a milestone."
    )
    milestones = MilestoneSummarySerializer(many=True, read_only=True)
    translations = translations_field(Commitment)

    class Meta:
        model = Commitment
        fields = [
            "key",
            "ogp_id",
            "number",
            "title",
            "short_title",
            "translations",
            "action_plans",
            "institutions",
            "problem",
            "status_quo",
            "action",
            "contribution",
            "long_term_goal",
            "policy_area",
            "sector",
            "ogp_values",
            "values_narrative",
            "start",
            "end",
            "progress",
            "overdue",
            "last_update",
            "milestones",
            "updated_at",
            "url",
            "api_url",
        ]

    def get_url(self, commitment) -> str:
        return public_url(commitment, f"/en/commitments/{commitment.key}/")

    def get_api_url(self, commitment) -> str:
        return reverse(
            "api:commitment-detail",
            kwargs={"key": commitment.key},
            request=self.context.get("request"),
        )

    def get_overdue(self, commitment) -> bool:
        return bool(getattr(commitment, "n_overdue", 0))

    def to_representation(self, commitment):
        """The declared fields' output, written out: the generic walk over every field of a
        commitment and of its plans, institutions and milestones took most of a list's time.
        A test compares the two on every commitment of the demo."""
        # The declared fields themselves: ``self.fields`` would build every field of the
        # model serializer (and its nested ones) first.
        fields = self._declared_fields
        moment = _MOMENT.to_representation
        return {
            "key": commitment.key,
            "ogp_id": commitment.ogp_id,
            "number": commitment.number,
            "title": commitment.title,
            "short_title": commitment.short_title,
            "translations": fields["translations"].to_representation(commitment),
            "action_plans": [_plan_ref(plan) for plan in commitment.public_plans],
            "institutions": [
                {
                    "institution": _institution_ref(role.institution),
                    "role": role.role,
                    "contact_name": role.contact_name,
                    "contact_title": role.contact_title,
                }
                for role in commitment.listed_roles
            ],
            "problem": commitment.problem,
            "status_quo": commitment.status_quo,
            "action": commitment.action,
            "contribution": commitment.contribution,
            "long_term_goal": commitment.long_term_goal,
            "policy_area": _term(commitment.primary_policy_area),
            "sector": _term(commitment.primary_sector),
            "ogp_values": [_term(value) for value in commitment.listed_values],
            "values_narrative": commitment.values_narrative,
            "start": _month(commitment.start),
            "end": _month(commitment.end),
            "progress": fields["progress"].to_representation(commitment.progress),
            "overdue": self.get_overdue(commitment),
            "last_update": None
            if commitment.last_update is None
            else moment(commitment.last_update),
            "milestones": [
                {
                    "id": milestone.pk,
                    "number": milestone.number,
                    "title": milestone.title,
                    "description": milestone.description,
                    "translations": _MILESTONE_TRANSLATIONS.to_representation(milestone),
                    "start": _month(milestone.start),
                    "end": _month(milestone.end),
                    "status": milestone.status,
                    "overdue": milestone.is_overdue,
                    "overdue_without_report": milestone.is_overdue_unreported,
                    "responsible_institution": _institution_ref(milestone.responsible_institution),
                }
                for milestone in commitment.listed_milestones
            ],
            "updated_at": moment(commitment.updated_at),
            "url": self.get_url(commitment),
            "api_url": self.get_api_url(commitment),
        }


_MILESTONE_TRANSLATIONS = MilestoneSummarySerializer._declared_fields["translations"]
_MOMENT = serializers.DateTimeField(read_only=True)


def _month(value) -> str | None:
    return value.strftime("%Y-%m") if value else None


def _term(term) -> dict | None:
    """A policy area, sector or OGP value as its serializer shows it."""
    return None if term is None else {"slug": term.slug, "name": term.name, "name_es": term.name_es}


def _institution_ref(institution) -> dict | None:
    if institution is None:
        return None
    return {
        "slug": institution.slug,
        "name": institution.name,
        "name_en": institution.name_en,
        "acronym": institution.acronym,
    }


def _plan_ref(plan) -> dict:
    return {
        "slug": plan.slug,
        "title": plan.title,
        "member": plan.member.slug if plan.member_id else None,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
    }


class MilestoneSerializer(MilestoneSummarySerializer):
    commitment = serializers.CharField(
        source="commitment.key", read_only=True, help_text="The key of its commitment."
    )
    api_url = serializers.HyperlinkedIdentityField(view_name="api:milestone-detail")
    last_update = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta(MilestoneSummarySerializer.Meta):
        fields = [
            "id",
            "commitment",
            *MilestoneSummarySerializer.Meta.fields[1:],
            "last_update",
            "updated_at",
            "api_url",
        ]


class EvidenceSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    url = serializers.URLField(max_length=1000)

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError(
                "Use a web address starting with http:// or https://."
            )
        return value


class EvidenceLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceLink
        fields = ["title", "url"]


# Sent by an HTML form with its CSRF token; not part of the change.
IGNORED_BODY_KEYS = {"csrfmiddlewaretoken"}


class MilestoneStatusChangeSerializer(serializers.Serializer):
    """The body of ``PATCH /milestones/{id}/``: one entry of the public history.

    With a new ``status``, a status change; without one (or with the current one), a progress
    report; with ``corrects``, a correction of that earlier entry. ``note`` is always required.
    """

    status = serializers.ChoiceField(
        choices=MilestoneStatus.choices,
        required=False,
        help_text="The new status; leave out to report progress without a change.",
    )
    note = serializers.CharField(
        max_length=5000,
        help_text="Why the status changes, what progress is reported or what is corrected. "
        "Required; shown publicly.",
    )
    happened_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the reported fact happened (YYYY-MM-DD), if not today.",
    )
    corrects = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of an earlier entry of this milestone's history that this corrects.",
    )
    evidence = EvidenceSerializer(many=True, required=False, default=list, max_length=20)
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The milestone's `updated_at` as you read it: if someone changed the "
        "milestone since, nothing changes and the answer is 409 (`If-Match` with the ETag, or "
        "`If-Unmodified-Since`, do the same).",
    )

    def validate_note(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Say why: every entry needs a note.")
        return value

    def to_internal_value(self, data):
        # A key the API does not know (a mistyped "stauts") is refused rather than ignored, so
        # that no client believes it changed something; nothing is written.
        unknown = self.unknown_keys(data)
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError({**unknown, **error.detail}) from error
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return values

    def unknown_keys(self, data) -> dict:
        """The body's keys that name no field, each with what is wrong with it."""
        if not isinstance(data, Mapping):
            return {}
        known = set(self.fields) | IGNORED_BODY_KEYS
        names = sorted(str(key) for key in data if key not in known)
        problems = {}
        for name in names:
            if name == "files":
                # Rather than ignored, so that no client believes its files were attached.
                problems[name] = [
                    _(
                        "Evidence files are sent as multipart/form-data, one “files” field per "
                        "file, not in a JSON body."
                    )
                ]
                continue
            close = difflib.get_close_matches(name, sorted(self.fields), n=1)
            if close:
                message = _("Unknown field; did you mean “%(field)s”?") % {"field": close[0]}
            else:
                message = _("Unknown field. Known fields: %(fields)s.") % {
                    "fields": ", ".join(sorted(self.fields))
                }
            problems[name] = [message]
        unknown = [name for name in names if name != "files"]
        if unknown:
            problems["non_field_errors"] = [
                _("Unknown fields, so nothing was changed: %(fields)s.")
                % {"fields": ", ".join(unknown)}
            ]
        return problems


class EvidenceLineField(serializers.CharField):
    """One evidence link as a form field: “web address” or “Title | web address”, checked by
    the same rules as the JSON body's ``evidence`` items."""

    def to_internal_value(self, data) -> dict:
        text = super().to_internal_value(data)
        title, _separator, url = text.rpartition("|")
        link = EvidenceSerializer(data={"title": title.strip(), "url": url.strip()})
        if not link.is_valid():
            raise serializers.ValidationError(
                [message for messages in link.errors.values() for message in messages]
            )
        return dict(link.validated_data)


class MilestoneStatusChangeUploadSerializer(MilestoneStatusChangeSerializer):
    """The ``multipart/form-data`` body of ``PATCH /milestones/{id}/``: the fields of the JSON
    body, with one ``evidence`` field per link and one ``files`` field per evidence file.
    """

    # The files' size, count and content are checked by record_milestone_update, the one
    # place every path (admin, API) goes through.

    evidence = serializers.ListField(
        child=EvidenceLineField(max_length=1400),
        required=False,
        default=list,
        max_length=20,
        help_text="Evidence links, one per field (repeat the field): a web address "
        "(http:// or https://), or “Title | web address”.",
    )
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        default=list,
        help_text="Evidence files, one per field (repeat the field): PDF, images (PNG, JPEG, "
        "GIF, WebP), office documents (Word, Excel, PowerPoint, OpenDocument) or plain text "
        f"(TXT, CSV); at most {MAX_EVIDENCE_FILES} files of "
        f"{MAX_EVIDENCE_FILE_SIZE // (1024 * 1024)} MB each. Each is checked by its content: a "
        "renamed program or an SVG is refused, and then nothing is written.",
    )


class EvidenceFileSerializer(serializers.Serializer):
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="Download address (served as attachment).")

    def get_url(self, item) -> str:
        request = self.context.get("request")
        path = item.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class MilestoneUpdateSerializer(serializers.ModelSerializer):
    milestone = serializers.PrimaryKeyRelatedField(read_only=True)
    milestone_number = serializers.IntegerField(source="milestone.number", read_only=True)
    commitment = serializers.CharField(source="milestone.commitment.key", read_only=True)
    author_institution = InstitutionRefSerializer(read_only=True, allow_null=True)
    evidence = EvidenceLinkSerializer(many=True, read_only=True)
    files = EvidenceFileSerializer(many=True, read_only=True)
    corrects = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    corrected_by = serializers.SerializerMethodField(
        help_text="Ids of the later entries that correct this one."
    )

    class Meta:
        model = MilestoneUpdate
        fields = [
            "id",
            "kind",
            "milestone",
            "milestone_number",
            "commitment",
            "created_at",
            "happened_on",
            "old_status",
            "new_status",
            "note",
            "language",
            "author_institution",
            "corrects",
            "corrected_by",
            "evidence",
            "files",
        ]

    def get_corrected_by(self, update) -> list[int]:
        return [correction.pk for correction in update.corrections.all()]
