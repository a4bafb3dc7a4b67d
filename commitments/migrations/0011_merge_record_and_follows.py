# Two lines of migrations meet: the recorded sources of the history and comment follows.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0009_comment_follow_requested'),
        ('commitments', '0010_unreported_milestones'),
    ]

    operations = [
    ]
