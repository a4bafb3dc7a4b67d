"""The search query names each word once when the languages stem it alike (PostgreSQL).

“participacion” stems to the same lexeme in Spanish, English and as typed; repeating it three
times in an OR made the planner expect far more matches than there are and read every row
instead of the GIN index. The query means the same, once.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION ogp_search_query(words text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT CASE
                   WHEN es = en AND en = typed THEN es
                   WHEN es = en OR en = typed THEN es || typed
                   WHEN es = typed THEN es || en
                   ELSE es || en || typed
               END
          FROM (SELECT websearch_to_tsquery('pg_catalog.spanish', plain) AS es,
                       websearch_to_tsquery('pg_catalog.english', plain) AS en,
                       websearch_to_tsquery('pg_catalog.simple', plain) AS typed
                  FROM (SELECT ogp_unaccent(coalesce(words, '')) AS plain) AS input) AS queries
    $$;
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION ogp_search_query(words text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT websearch_to_tsquery('pg_catalog.spanish', ogp_unaccent(coalesce(words, '')))
            || websearch_to_tsquery('pg_catalog.english', ogp_unaccent(coalesce(words, '')))
            || websearch_to_tsquery('pg_catalog.simple', ogp_unaccent(coalesce(words, '')))
    $$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0013_merge_rollups")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
