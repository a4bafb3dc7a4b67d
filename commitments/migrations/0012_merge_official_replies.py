# Two lines of migrations meet: official replies and the record of sources.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0009_official_replies_to_comments'),
        ('commitments', '0011_merge_record_and_follows'),
    ]

    operations = [
    ]
