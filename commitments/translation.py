"""Texts of commitments and milestones, in Spanish and English."""

from modeltranslation.translator import TranslationOptions, register

from commitments.models import Commitment, Milestone


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = (
        "title",
        "short_title",
        "problem",
        "status_quo",
        "action",
        "contribution",
        "long_term_goal",
        "values_narrative",
    )


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("title", "description")
