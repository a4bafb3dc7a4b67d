import pytest

from tests import factories
from tests.data.helpers import content, read_csv

pytestmark = pytest.mark.django_db


def export_row(client, ogp_id):
    rows = read_csv(content(client.get("/data/commitments.csv")))
    return next(row for row in rows if row["Commitment Unique Identifier"] == ogp_id)


def test_a_published_end_of_commitment_report_fills_ogps_completion_and_opened_government(client):
    commitment = factories.make_commitment(ogp_id="MXMEX0009")
    factories.make_end_of_commitment_report(
        commitment,
        status="published",
        progress_level="substantial",
        access_to_information="marginal",
        civic_participation="major",
        public_accountability="",
    )
    row = export_row(client, "MXMEX0009")
    assert row["Completion (Progress Report)"] == "Substantial"
    # the strongest degree of result among 2.1.1–2.1.3
    assert row["Did It Open Government (Overall)"] == "Major"


def test_the_columns_stay_in_english_on_a_spanish_request(client):
    commitment = factories.make_commitment(ogp_id="MXMEX0009")
    factories.make_end_of_commitment_report(
        commitment,
        status="published",
        progress_level="complete",
        public_accountability="outstanding",
    )
    rows = read_csv(content(client.get("/data/commitments.csv", HTTP_ACCEPT_LANGUAGE="es")))
    assert rows[0]["Completion (Progress Report)"] == "Complete"
    assert rows[0]["Did It Open Government (Overall)"] == "Outstanding"


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_an_unpublished_report_leaves_the_columns_empty(client, status):
    commitment = factories.make_commitment(ogp_id="MXMEX0009")
    factories.make_end_of_commitment_report(
        commitment, status=status, progress_level="complete", civic_participation="major"
    )
    row = export_row(client, "MXMEX0009")
    assert row["Completion (Progress Report)"] == ""
    assert row["Did It Open Government (Overall)"] == ""


def test_unanswered_questions_leave_the_columns_empty(client):
    commitment = factories.make_commitment(ogp_id="MXMEX0009")
    factories.make_end_of_commitment_report(commitment, status="published")
    row = export_row(client, "MXMEX0009")
    assert (row["Completion (Progress Report)"], row["Did It Open Government (Overall)"]) == (
        "",
        "",
    )


def test_the_json_export_carries_them_too(client):
    import json

    commitment = factories.make_commitment(ogp_id="MXMEX0009")
    factories.make_end_of_commitment_report(
        commitment, status="published", progress_level="limited"
    )
    records = json.loads(content(client.get("/data/commitments.json")))
    assert records[0]["Completion (Progress Report)"] == "Limited"
    assert records[0]["Did It Open Government (Overall)"] is None
