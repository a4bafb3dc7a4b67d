"""Move uploaded documents from MEDIA_ROOT (served publicly) to the private storage."""

from django.core.files.storage import FileSystemStorage
from django.db import migrations

from ogptracker.storage import private_storage


def _move(apps, source, target) -> None:
    Document = apps.get_model("plans", "Document")
    for name in Document.objects.exclude(file="").values_list("file", flat=True).distinct():
        if target.exists(name) or not source.exists(name):
            continue  # already moved (a re-run), or a file that was lost before this migration
        with source.open(name, "rb") as handle:
            stored = target.save(name, handle)
        if stored != name:  # never expected: target.exists(name) was false
            Document.objects.filter(file=name).update(file=stored)
        source.delete(name)


def to_private(apps, schema_editor) -> None:
    _move(apps, FileSystemStorage(), private_storage())


def to_public(apps, schema_editor) -> None:
    _move(apps, private_storage(), FileSystemStorage())


class Migration(migrations.Migration):
    dependencies = [("plans", "0007_documents_in_private_storage")]

    operations = [migrations.RunPython(to_private, to_public)]
