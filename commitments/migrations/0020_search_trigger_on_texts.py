# A commitment's search vector is rebuilt when its texts change (or a milestone's or an
# institution's change sets it to NULL), not on every update of the row: setting a flag such as
# ``is_public`` on thousands of commitments no longer rebuilds their vectors.

from django.db import migrations

TEXTS = [
    f"{name}{suffix}"
    for name in (
        "title",
        "short_title",
        "problem",
        "status_quo",
        "action",
        "contribution",
        "long_term_goal",
        "values_narrative",
    )
    for suffix in ("", "_es", "_en")
]
COLUMNS = ", ".join(["ogp_id", *TEXTS, "search_vector"])

FORWARD = f"""
DROP TRIGGER IF EXISTS commitment_search_vector ON commitments_commitment;
CREATE TRIGGER commitment_search_vector
    BEFORE INSERT OR UPDATE OF {COLUMNS} ON commitments_commitment
    FOR EACH ROW EXECUTE FUNCTION ogp_commitment_search_trigger();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS commitment_search_vector ON commitments_commitment;
CREATE TRIGGER commitment_search_vector
    BEFORE INSERT OR UPDATE ON commitments_commitment
    FOR EACH ROW EXECUTE FUNCTION ogp_commitment_search_trigger();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0019_public_flag")]

    operations = [migrations.RunPython(forwards, backwards)]
