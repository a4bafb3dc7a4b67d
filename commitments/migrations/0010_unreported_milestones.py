"""Milestones nobody has reported on were stored as “not started”, the old default: they become
“not reported”, so no page states a status that no recorded entry supports."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def mark_unreported(apps, schema_editor):
    Milestone = apps.get_model("commitments", "Milestone")
    MilestoneUpdate = apps.get_model("commitments", "MilestoneUpdate")
    recorded = MilestoneUpdate.objects.filter(milestone=OuterRef("pk"))
    Milestone.objects.filter(status="not_started").exclude(Exists(recorded)).update(
        status="not_reported"
    )


def unmark_unreported(apps, schema_editor):
    Milestone = apps.get_model("commitments", "Milestone")
    Milestone.objects.filter(status="not_reported").update(status="not_started")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0009_record_sources")]

    operations = [migrations.RunPython(mark_unreported, unmark_unreported)]
