# Existing portals count their plans' progress histories with `manage.py recompute_rollups`: a
# migration runs no writer of today against the schema of its own step.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0014_plan_progress_history"),
    ]

    operations = []
