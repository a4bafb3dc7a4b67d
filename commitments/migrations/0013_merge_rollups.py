# Two lines of migrations meet: the precomputed roll-ups and the record of sources.
# Milestones nobody reported on became "not reported" on the other line: existing portals count
# their roll-ups again with `manage.py recompute_rollups` (a migration runs no writer of today).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0010_commitment_order_index'),
        ('commitments', '0012_merge_official_replies'),
    ]

    operations = []
