# Two lines of migrations meet: private document files and the reported commitment count.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0007_actionplan_reported_commitments'),
        ('plans', '0008_move_document_files_to_private_storage'),
    ]

    operations = [
    ]
