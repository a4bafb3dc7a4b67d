"""The portal search finds institutions, plans, documents and meetings through an index
(PostgreSQL).

The search matches every word anywhere in a row's searchable texts, without case or accents:
``commitments.site_search.Searchable`` joins them into one text, and a trigram index of that
same expression answers ``LIKE '%word%'`` without reading every row. The expressions here and in
``Searchable`` must stay identical, or the planner will not use the indexes.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def _searchable(*names: str) -> str:
    joined = " || ' ' || ".join(f"coalesce({name}, '')" for name in names)
    return f"lower(ogp_unaccent({joined}))"


INDEXES = {
    "plans_institution_site_search": ("plans_institution", ("name", "name_en", "acronym")),
    "plans_actionplan_site_search": (
        "plans_actionplan",
        ("title_es", "title_en", "introduction_es", "introduction_en"),
    ),
    "plans_document_site_search": ("plans_document", ("title_es", "title_en")),
    "plans_meeting_site_search": (
        "plans_meeting",
        ("title_es", "title_en", "summary_es", "summary_en"),
    ),
}


class PostgresOnlyTrigram(TrigramExtension):
    """CREATE EXTENSION pg_trgm, on PostgreSQL only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # Other apps may use pg_trgm too: leave the extension installed.
        pass


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, (table, columns) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} "
            f"USING gin (({_searchable(*columns)}) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0016_merge_search_and_plan_history"),
        ("plans", "0009_merge_documents_and_reported_commitments"),
    ]

    operations = [
        PostgresOnlyTrigram(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
