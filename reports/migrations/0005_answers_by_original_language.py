"""Existing written answers move into the column of the language they are written in (guessed
from their words), which becomes the report's original language."""

from django.db import migrations

from ogptracker.migration_helpers import join_languages, split_into_languages


def texts(apps, label):
    from django.db import models

    model = apps.get_model(label)
    return tuple(
        f.name
        for f in model._meta.fields
        if isinstance(f, models.TextField)
        and not f.name.endswith(("_evidence", "_es", "_en"))
    )


def forwards(apps, schema_editor):
    for label in ("reports.InceptionReport", "reports.EndOfCommitmentReport", "reports.CommitmentAssessment"):
        split_into_languages(label, texts(apps, label))(apps, schema_editor)


def backwards(apps, schema_editor):
    for label in ("reports.InceptionReport", "reports.EndOfCommitmentReport", "reports.CommitmentAssessment"):
        join_languages(label, texts(apps, label))(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_answers_in_two_languages")]

    operations = [migrations.RunPython(forwards, backwards)]
