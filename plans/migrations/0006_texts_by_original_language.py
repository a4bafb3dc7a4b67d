"""Existing texts move into the column of the language they are written in (guessed from
their words), which becomes the record’s original language."""

from django.db import migrations

from ogptracker.migration_helpers import join_languages, split_into_languages

TEXTS = {
    "plans.Member": ("name", "display_name", "description"),
    "plans.Forum": ("meeting_frequency", "description"),
    "plans.ForumMembership": ("description",),
    "plans.Meeting": ("title", "summary"),
    "plans.ActionPlan": ("title", "introduction", "vision", "achievements", "challenges", "medium_term_goals", "plan_contribution", "policy_goals", "institutional_arrangements", "collaboration_spaces", "diversity_measures", "participants", "continued_collaboration", "monitoring_body", "monitoring_body_contact", "progress_activities", "agency_checkins", "results_sharing"),
    "plans.Document": ("title",),
}


class Migration(migrations.Migration):
    dependencies = [("plans", "0005_texts_in_two_languages")]

    operations = [
        migrations.RunPython(split_into_languages(label, fields), join_languages(label, fields))
        for label, fields in TEXTS.items()
    ]
