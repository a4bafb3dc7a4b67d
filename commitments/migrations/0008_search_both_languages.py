"""Search both language versions of a commitment, each with its own stemming, and the names and
acronyms of its institutions (PostgreSQL); on other databases, a normalised text column."""

from django.db import migrations, models

FORWARD = r"""
CREATE OR REPLACE FUNCTION ogp_language_document(body_es text, body_en text, weight "char")
    RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT setweight(to_tsvector('pg_catalog.spanish', ogp_unaccent(coalesce(body_es, ''))), weight)
            || setweight(to_tsvector('pg_catalog.english', ogp_unaccent(coalesce(body_en, ''))), weight)
            -- Names and words that are the same in both languages (INFOEM, OGP IDs) match as typed.
            || setweight(to_tsvector('pg_catalog.simple', ogp_unaccent(
                   coalesce(body_es, '') || ' ' || coalesce(body_en, ''))), weight)
    $$;

CREATE OR REPLACE FUNCTION ogp_search_query(words text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT websearch_to_tsquery('pg_catalog.spanish', ogp_unaccent(coalesce(words, '')))
            || websearch_to_tsquery('pg_catalog.english', ogp_unaccent(coalesce(words, '')))
            || websearch_to_tsquery('pg_catalog.simple', ogp_unaccent(coalesce(words, '')))
    $$;

CREATE OR REPLACE FUNCTION ogp_commitment_vector(c commitments_commitment) RETURNS tsvector
    LANGUAGE sql STABLE
    AS $$
        SELECT ogp_language_document(
                concat_ws(' ', c.ogp_id, c.title_es, c.short_title_es),
                concat_ws(' ', c.ogp_id, c.title_en, c.short_title_en), 'A')
            || ogp_language_document(
                (SELECT string_agg(concat_ws(' ', i.name, i.acronym), ' ')
                   FROM commitments_commitmentinstitution ci
                   JOIN plans_institution i ON i.id = ci.institution_id
                  WHERE ci.commitment_id = c.id),
                (SELECT string_agg(concat_ws(' ', i.name_en, i.acronym), ' ')
                   FROM commitments_commitmentinstitution ci
                   JOIN plans_institution i ON i.id = ci.institution_id
                  WHERE ci.commitment_id = c.id), 'A')
            || ogp_language_document(
                concat_ws(' ', c.problem_es, c.status_quo_es, c.action_es, c.contribution_es,
                          c.long_term_goal_es, c.values_narrative_es),
                concat_ws(' ', c.problem_en, c.status_quo_en, c.action_en, c.contribution_en,
                          c.long_term_goal_en, c.values_narrative_en), 'B')
            || ogp_language_document(
                (SELECT string_agg(concat_ws(' ', m.title_es, m.description_es), ' ')
                   FROM commitments_milestone m WHERE m.commitment_id = c.id),
                (SELECT string_agg(concat_ws(' ', m.title_en, m.description_en), ' ')
                   FROM commitments_milestone m WHERE m.commitment_id = c.id), 'C')
    $$;

DROP TRIGGER IF EXISTS milestone_search_vector ON commitments_milestone;
CREATE TRIGGER milestone_search_vector
    AFTER INSERT OR DELETE OR UPDATE OF title_es, title_en, description_es, description_en,
        commitment_id
    ON commitments_milestone
    FOR EACH ROW EXECUTE FUNCTION ogp_milestone_search_trigger();

-- An institution joining or leaving a commitment, or renamed, rewrites the commitments' rows.
CREATE TRIGGER commitment_institution_search_vector
    AFTER INSERT OR DELETE OR UPDATE ON commitments_commitmentinstitution
    FOR EACH ROW EXECUTE FUNCTION ogp_milestone_search_trigger();

CREATE OR REPLACE FUNCTION ogp_institution_search_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        UPDATE commitments_commitment SET search_vector = NULL
         WHERE id IN (SELECT commitment_id FROM commitments_commitmentinstitution
                       WHERE institution_id = NEW.id);
        RETURN NULL;
    END
    $$;

CREATE TRIGGER institution_search_vector
    AFTER UPDATE OF name, name_en, acronym ON plans_institution
    FOR EACH ROW EXECUTE FUNCTION ogp_institution_search_trigger();

UPDATE commitments_commitment SET search_vector = NULL;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS institution_search_vector ON plans_institution;
DROP FUNCTION IF EXISTS ogp_institution_search_trigger();
DROP TRIGGER IF EXISTS commitment_institution_search_vector ON commitments_commitmentinstitution;
DROP TRIGGER IF EXISTS milestone_search_vector ON commitments_milestone;
CREATE TRIGGER milestone_search_vector
    AFTER INSERT OR DELETE OR UPDATE OF title, description, commitment_id
    ON commitments_milestone
    FOR EACH ROW EXECUTE FUNCTION ogp_milestone_search_trigger();
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
CREATE OR REPLACE FUNCTION ogp_search_query(words text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        SELECT websearch_to_tsquery('pg_catalog.spanish', ogp_unaccent(coalesce(words, '')))
            || websearch_to_tsquery('pg_catalog.english', ogp_unaccent(coalesce(words, '')))
    $$;
DROP FUNCTION IF EXISTS ogp_language_document(text, text, "char");
UPDATE commitments_commitment SET search_vector = NULL;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


def fill_search_text(apps, schema_editor):
    from commitments.search import commitment_search_text

    Commitment = apps.get_model("commitments", "Commitment")
    for commitment in Commitment.objects.all().iterator():
        Commitment.objects.filter(pk=commitment.pk).update(
            search_text=commitment_search_text(commitment, apps=apps)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0007_texts_by_original_language"),
        ("plans", "0006_texts_by_original_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="commitment",
            name="search_text",
            field=models.TextField(blank=True, editable=False, default=""),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
