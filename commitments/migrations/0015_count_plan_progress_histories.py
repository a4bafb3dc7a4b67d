from django.db import migrations


def count_histories(apps, schema_editor):
    # Existing plans get their progress history at once.
    from commitments.rollups import recompute_histories

    recompute_histories()


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0014_plan_progress_history"),
    ]

    operations = [
        migrations.RunPython(count_histories, migrations.RunPython.noop),
    ]
