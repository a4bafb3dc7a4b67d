# Two lines of migrations meet: public corrections and answers in two languages.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_public_corrections'),
        ('reports', '0005_answers_by_original_language'),
    ]

    operations = [
    ]
