"""API representations of published Inception and End-of-Commitment reports."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ogptracker.api import translations_field
from plans.serializers import ActionPlanRefSerializer
from reports.models import CommitmentAssessment, EndOfCommitmentReport, InceptionReport


class AnswerSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The question's number, for example 1.1.")
    text = serializers.CharField(help_text="The question, in the request's language.")
    answer = serializers.CharField(help_text="The answer, in the request's language.")
    explanation = serializers.CharField(allow_null=True)
    evidence = serializers.CharField(allow_null=True)


class SectionSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    questions = AnswerSerializer(many=True)


class AssessmentSerializer(serializers.Serializer):
    commitment = serializers.CharField(help_text="The key of the commitment (OGP ID or number).")
    title = serializers.CharField()
    questions = AnswerSerializer(many=True)
    translations = translations_field(CommitmentAssessment)


_ASSESSMENT_TRANSLATIONS = AssessmentSerializer._declared_fields["translations"]


def _text(rows: list[dict]) -> list[dict]:
    return [
        {
            "code": str(row["code"]),
            "text": str(row["text"]),
            "answer": str(row["answer"] or ""),
            "explanation": None if row["explanation"] is None else str(row["explanation"]),
            "evidence": None if row["evidence"] is None else str(row["evidence"]),
        }
        for row in rows
    ]


class _ReportSerializer(serializers.ModelSerializer):
    evaluators = serializers.SerializerMethodField(help_text="The names of the evaluators.")
    url = serializers.SerializerMethodField(help_text="The report's public page.")
    sections = serializers.SerializerMethodField()

    BASE_FIELDS = [
        "id",
        "evaluators",
        "due_date",
        "published_at",
        "sections",
        "translations",
        "url",
    ]

    def get_evaluators(self, report) -> str:
        return report.evaluator_display()

    def get_url(self, report) -> str:
        return f"{settings.SITE_URL}{report.get_absolute_url()}"

    @extend_schema_field(SectionSerializer(many=True))
    def get_sections(self, report) -> list:
        return [
            {
                "number": str(section["number"]),
                "title": str(section["title"]),
                "questions": _text(section["questions"]),
            }
            for section in report.answer_rows()
        ]


class InceptionReportSerializer(_ReportSerializer):
    action_plan = ActionPlanRefSerializer(read_only=True)
    translations = translations_field(InceptionReport)
    assessments = serializers.SerializerMethodField(
        help_text="Section 3: the initial evaluation of each published commitment of the plan."
    )

    class Meta:
        model = InceptionReport
        fields = ["id", "action_plan", *_ReportSerializer.BASE_FIELDS[1:], "assessments"]

    @extend_schema_field(AssessmentSerializer(many=True))
    def get_assessments(self, report) -> list:
        return [
            {
                "commitment": assessment.commitment.key,
                "title": assessment.commitment.title,
                "questions": _text(assessment.answer_rows()),
                "translations": _ASSESSMENT_TRANSLATIONS.to_representation(assessment),
            }
            for assessment in report.assessments.all()
            if assessment.commitment.is_published
        ]


class EndOfCommitmentReportSerializer(_ReportSerializer):
    commitment = serializers.CharField(source="commitment.key", read_only=True)
    action_plan = ActionPlanRefSerializer(read_only=True)
    translations = translations_field(EndOfCommitmentReport)
    attachments = serializers.SerializerMethodField(help_text="The report's evidence files.")

    class Meta:
        model = EndOfCommitmentReport
        fields = [
            "id",
            "commitment",
            "action_plan",
            *_ReportSerializer.BASE_FIELDS[1:],
            "attachments",
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "size": {"type": "integer"},
                    "url": {"type": "string", "format": "uri"},
                },
                "required": ["name", "size", "url"],
            },
        }
    )
    def get_attachments(self, report) -> list:
        return [
            {
                "name": attachment.original_name,
                "size": attachment.size,
                "url": settings.SITE_URL
                + reverse(
                    "reports:attachment", kwargs={"report_pk": report.pk, "pk": attachment.pk}
                ),
            }
            for attachment in report.attachments.all()
        ]
