# Which commitments the public sees, stored: published and in at least one published plan.
# The roll-ups' writer keeps it from here on (commitments.rollups.refresh_public).

from django.db import migrations, models
from django.db.models import Exists, OuterRef

SEARCH_TRIGGER = "commitment_search_vector"


def fill(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    ActionPlan = apps.get_model("plans", "ActionPlan")
    postgres = schema_editor.connection.vendor == "postgresql"
    table = Commitment._meta.db_table
    if postgres:
        # The flag is not searched: no reason to rebuild every search vector with it.
        schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {SEARCH_TRIGGER}")
    in_published_plan = ActionPlan.objects.filter(status="published", commitments=OuterRef("pk"))
    Commitment.objects.filter(Exists(in_published_plan), is_published=True).update(is_public=True)
    if postgres:
        schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {SEARCH_TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0018_newest_first_indexes"),
        ("plans", "0010_newest_first_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="commitment",
            name="is_public",
            field=models.BooleanField(default=False, editable=False, verbose_name="public"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("is_public", True)),
                fields=["number", "id"],
                name="commitment_public_number",
            ),
        ),
    ]
