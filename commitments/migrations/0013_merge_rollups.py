# Two lines of migrations meet: the precomputed roll-ups and the record of sources.

from django.db import migrations


def count_again(apps, schema_editor):
    # Milestones that nobody reported on became "not reported" on the other line: count again.
    from commitments.rollups import recompute_all

    recompute_all()


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0010_commitment_order_index'),
        ('commitments', '0012_merge_official_replies'),
    ]

    operations = [migrations.RunPython(count_again, migrations.RunPython.noop)]
