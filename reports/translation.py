"""Evaluators' written answers, in the language they wrote them and a translation."""

from modeltranslation.translator import TranslationOptions, register

from reports.models import CommitmentAssessment, EndOfCommitmentReport, InceptionReport


def written_answers(model) -> tuple[str, ...]:
    """The free-text answers of a report: texts, explanations and evidence."""
    from django.db import models

    return tuple(field.name for field in model._meta.fields if isinstance(field, models.TextField))


@register(InceptionReport)
class InceptionReportTranslation(TranslationOptions):
    fields = written_answers(InceptionReport)


@register(EndOfCommitmentReport)
class EndOfCommitmentReportTranslation(TranslationOptions):
    fields = written_answers(EndOfCommitmentReport)


@register(CommitmentAssessment)
class CommitmentAssessmentTranslation(TranslationOptions):
    fields = written_answers(CommitmentAssessment)
