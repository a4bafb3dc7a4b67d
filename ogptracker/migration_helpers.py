"""Data-migration helpers shared by the apps' migrations."""

from __future__ import annotations

from ogptracker.languages import guess_language


def split_into_languages(label: str, fields: tuple[str, ...]):
    """A RunPython step: copy each row's texts into the column of the language they are in."""

    def forwards(apps, schema_editor):
        model = apps.get_model(label)
        rows = []
        for row in model.objects.all().iterator():
            texts = " ".join(getattr(row, field) or "" for field in fields)
            language = row.original_language or guess_language(texts)
            row.original_language = language
            for field in fields:
                setattr(row, f"{field}_{language}", getattr(row, field))
            rows.append(row)
        names = [
            "original_language",
            *(f"{field}_{code}" for field in fields for code in ["es", "en"]),
        ]
        model.objects.bulk_update(rows, names, batch_size=500)

    return forwards


def join_languages(label: str, fields: tuple[str, ...]):
    """The reverse: each plain column takes the original version back."""

    def backwards(apps, schema_editor):
        model = apps.get_model(label)
        rows = []
        for row in model.objects.all().iterator():
            language = row.original_language or "es"
            other = "en" if language == "es" else "es"
            for field in fields:
                value = getattr(row, f"{field}_{language}") or getattr(row, f"{field}_{other}")
                setattr(row, field, value or "")
            rows.append(row)
        model.objects.bulk_update(rows, list(fields), batch_size=500)

    return backwards
