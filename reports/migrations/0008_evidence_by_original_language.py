"""Existing evidence answers move into the column of their report's original language."""

from django.db import migrations

from ogptracker.migration_helpers import join_languages, split_into_languages

LABELS = (
    "reports.InceptionReport",
    "reports.EndOfCommitmentReport",
    "reports.CommitmentAssessment",
)


def evidence_fields(apps, label):
    model = apps.get_model(label)
    return tuple(f.name for f in model._meta.fields if f.name.endswith("_evidence"))


def forwards(apps, schema_editor):
    for label in LABELS:
        split_into_languages(label, evidence_fields(apps, label))(apps, schema_editor)


def backwards(apps, schema_editor):
    for label in LABELS:
        join_languages(label, evidence_fields(apps, label))(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_evidence_in_two_languages")]

    operations = [migrations.RunPython(forwards, backwards)]
