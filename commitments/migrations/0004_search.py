"""Full-text search on PostgreSQL: Spanish and English, accent- and case-insensitive, indexed.

A commitment's ``search_vector`` holds its own texts (weights A and B) and its milestones' texts
(weight C). Triggers keep it current whatever writes the rows (admin, API, import, ``update()``),
and a GIN index keeps ``@@`` fast at hundreds of thousands of rows. On other databases nothing
happens here and search falls back to a plain case-insensitive match.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

FORWARD = r"""
-- unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes it safe
-- to mark the wrapper IMMUTABLE, which the vector functions need.
CREATE OR REPLACE FUNCTION ogp_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

CREATE OR REPLACE FUNCTION ogp_search_document(body text, weight "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT setweight(to_tsvector('pg_catalog.spanish', ogp_unaccent(coalesce(body, ''))), weight)
            || setweight(to_tsvector('pg_catalog.english', ogp_unaccent(coalesce(body, ''))), weight)
    $$;

CREATE OR REPLACE FUNCTION ogp_search_query(words text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT websearch_to_tsquery('pg_catalog.spanish', ogp_unaccent(coalesce(words, '')))
            || websearch_to_tsquery('pg_catalog.english', ogp_unaccent(coalesce(words, '')))
    $$;

CREATE OR REPLACE FUNCTION ogp_commitment_vector(c commitments_commitment) RETURNS tsvector
    LANGUAGE sql STABLE
    AS $$
        SELECT ogp_search_document(concat_ws(' ', c.ogp_id, c.title, c.short_title), 'A')
            || ogp_search_document(
                concat_ws(' ', c.problem, c.status_quo, c.action, c.contribution,
                          c.long_term_goal, c.values_narrative), 'B')
            || ogp_search_document(
                (SELECT string_agg(concat_ws(' ', m.title, m.description), ' ')
                   FROM commitments_milestone m WHERE m.commitment_id = c.id), 'C')
    $$;

CREATE OR REPLACE FUNCTION ogp_commitment_search_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        NEW.search_vector := ogp_commitment_vector(NEW);
        RETURN NEW;
    END
    $$;

CREATE TRIGGER commitment_search_vector
    BEFORE INSERT OR UPDATE ON commitments_commitment
    FOR EACH ROW EXECUTE FUNCTION ogp_commitment_search_trigger();

-- A milestone's texts changing rewrites its commitment's row, whose trigger recomputes the vector.
CREATE OR REPLACE FUNCTION ogp_milestone_search_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE commitments_commitment SET search_vector = NULL WHERE id = OLD.commitment_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE commitments_commitment SET search_vector = NULL WHERE id = NEW.commitment_id;
        END IF;
        RETURN NULL;
    END
    $$;

CREATE TRIGGER milestone_search_vector
    AFTER INSERT OR DELETE OR UPDATE OF title, description, commitment_id
    ON commitments_milestone
    FOR EACH ROW EXECUTE FUNCTION ogp_milestone_search_trigger();

CREATE INDEX commitment_search_vector_gin
    ON commitments_commitment USING gin (search_vector);

UPDATE commitments_commitment SET search_vector = NULL;
"""

BACKWARD = r"""
DROP INDEX IF EXISTS commitment_search_vector_gin;
DROP TRIGGER IF EXISTS milestone_search_vector ON commitments_milestone;
DROP TRIGGER IF EXISTS commitment_search_vector ON commitments_commitment;
DROP FUNCTION IF EXISTS ogp_milestone_search_trigger();
DROP FUNCTION IF EXISTS ogp_commitment_search_trigger();
DROP FUNCTION IF EXISTS ogp_commitment_vector(commitments_commitment);
DROP FUNCTION IF EXISTS ogp_search_query(text);
DROP FUNCTION IF EXISTS ogp_search_document(text, "char");
DROP FUNCTION IF EXISTS ogp_unaccent(text);
"""


class PostgresOnlyUnaccent(UnaccentExtension):
    """CREATE EXTENSION unaccent, on PostgreSQL only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # Other apps may use unaccent too: leave the extension installed.
        pass


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0003_comments_and_search_vector")]

    operations = [
        PostgresOnlyUnaccent(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
