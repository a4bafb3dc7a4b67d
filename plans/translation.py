"""Texts of plans, members, the forum, meetings and documents, in Spanish and English."""

from modeltranslation.translator import TranslationOptions, register

from plans.models import ActionPlan, Document, Forum, ForumMembership, Meeting, Member


@register(Member)
class MemberTranslation(TranslationOptions):
    fields = ("name", "display_name", "description")


@register(Forum)
class ForumTranslation(TranslationOptions):
    # The forum's name already has its two columns (name, name_es).
    fields = ("meeting_frequency", "description")


@register(ForumMembership)
class ForumMembershipTranslation(TranslationOptions):
    fields = ("description",)


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(ActionPlan)
class ActionPlanTranslation(TranslationOptions):
    fields = (
        "title",
        "introduction",
        "vision",
        "achievements",
        "challenges",
        "medium_term_goals",
        "plan_contribution",
        "policy_goals",
        "institutional_arrangements",
        "collaboration_spaces",
        "diversity_measures",
        "participants",
        "continued_collaboration",
        "monitoring_body",
        "monitoring_body_contact",
        "progress_activities",
        "agency_checkins",
        "results_sharing",
    )


@register(Document)
class DocumentTranslation(TranslationOptions):
    fields = ("title",)
