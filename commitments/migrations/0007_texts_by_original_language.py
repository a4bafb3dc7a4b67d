"""Existing texts move into the column of the language they are written in (guessed from
their words), which becomes the record’s original language."""

from django.db import migrations

from ogptracker.migration_helpers import join_languages, split_into_languages

TEXTS = {
    "commitments.Commitment": ("title", "short_title", "problem", "status_quo", "action", "contribution", "long_term_goal", "values_narrative"),
    "commitments.Milestone": ("title", "description"),
}


class Migration(migrations.Migration):
    dependencies = [("commitments", "0006_texts_in_two_languages")]

    operations = [
        migrations.RunPython(split_into_languages(label, fields), join_languages(label, fields))
        for label, fields in TEXTS.items()
    ]
