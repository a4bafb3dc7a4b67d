"""Published reports are corrected in the open; evaluators are shown by full name only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.models import Status
from reports.services import publish_report, submit_report, unpublish_report
from tests import factories as f

pytestmark = pytest.mark.django_db

EOC_ADMIN = "/admin/reports/endofcommitmentreport/"


def published_report(secretariat, evaluator):
    commitment = f.make_commitment(ogp_id="MXMEX0009", milestones=2)
    report = f.make_end_of_commitment_report(commitment, evaluators=[evaluator])
    f.complete_end_of_commitment_answers(report)
    submit_report(report=report, by=evaluator)
    publish_report(report=report, by=secretariat)
    return report


def test_the_secretariat_unpublishes_and_publishes_a_corrected_version_with_public_notes(
    client, secretariat, evaluator
):
    report = published_report(secretariat, evaluator)
    url = report.get_absolute_url()
    assert "Corrections" not in client.get(url).content.decode()
    client.force_login(secretariat)
    form = client.get(f"{EOC_ADMIN}{report.pk}/unpublish/")
    assert "Public note" in form.content.decode()
    refused = client.post(f"{EOC_ADMIN}{report.pk}/unpublish/", {"note": "  "})
    assert refused.status_code == 200
    report.refresh_from_db()
    assert report.status == Status.PUBLISHED
    done = client.post(
        f"{EOC_ADMIN}{report.pk}/unpublish/", {"note": "Section 2.1.1 cited the wrong law."}
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    client.logout()
    assert client.get(url).status_code == 404
    # Publishing again is publishing a corrected version: it needs its own note.
    with pytest.raises(ValidationError) as error:
        publish_report(report=report, by=secretariat)
    assert "note" in error.value.message_dict
    client.force_login(secretariat)
    page = client.get(f"{EOC_ADMIN}{report.pk}/publish/").content.decode()
    assert "publishes a corrected version" in page
    response = client.post(
        f"{EOC_ADMIN}{report.pk}/publish/", {"note": "Section 2.1.1 now cites the state law."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.PUBLISHED
    client.logout()
    page = client.get(url).content.decode()
    assert "Corrections" in page
    assert "Unpublished for correction" in page and "Section 2.1.1 cited the wrong law." in page
    assert "Corrected version published" in page
    assert "Section 2.1.1 now cites the state law." in page


def test_only_the_secretariat_unpublishes_and_only_a_published_report(
    client, secretariat, evaluator
):
    report = published_report(secretariat, evaluator)
    with pytest.raises(PermissionDenied):
        unpublish_report(report=report, by=evaluator, note="x")
    implementer = f.make_implementer(f.make_institution())
    client.force_login(implementer)
    assert client.post(f"{EOC_ADMIN}{report.pk}/unpublish/", {"note": "x"}).status_code == 403
    unpublish_report(report=report, by=secretariat, note="Wrong figures")
    with pytest.raises(ValidationError):
        unpublish_report(report=report, by=secretariat, note="Again")


def test_a_report_needs_its_evaluators_full_names_to_be_published_and_never_shows_a_username(
    client, secretariat
):
    nameless = f.make_evaluator("eval_jdoe", first_name="", last_name="")
    commitment = f.make_commitment(ogp_id="MXMEX0009", milestones=1)
    report = f.make_end_of_commitment_report(commitment, evaluators=[nameless])
    f.complete_end_of_commitment_answers(report)
    submit_report(report=report, by=nameless)
    with pytest.raises(ValidationError) as error:
        publish_report(report=report, by=secretariat)
    assert "eval_jdoe" in " ".join(error.value.messages)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert report.evaluator_display() == ""
    nameless.first_name, nameless.last_name = "Juana", "Domínguez"
    nameless.save()
    publish_report(report=report, by=secretariat)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Juana Domínguez" in page
    assert "eval_jdoe" not in page


def test_the_commitment_page_shows_the_end_of_commitment_verdict_beside_the_milestones(
    client, secretariat, evaluator
):
    report = published_report(secretariat, evaluator)
    page = client.get("/en/commitments/MXMEX0009/").content.decode()
    assert "What the End of Commitment Report assessed" in page
    assert "Did it open government?" in page
    assert "Substantial" in page  # completion level
    assert "Major" in page  # civic participation
    assert f'href="{report.get_absolute_url()}"' in page
    # A report taken down for correction no longer speaks for the commitment.
    unpublish_report(report=report, by=secretariat, note="Being corrected")
    page = client.get("/en/commitments/MXMEX0009/").content.decode()
    assert "What the End of Commitment Report assessed" not in page
