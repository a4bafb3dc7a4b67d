"""An End of Commitment Report from the evaluator's form to the public, in Chromium."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from plans.roles import EVALUATOR, IMPLEMENTER, SECRETARIAT
from reports.models import EndOfCommitmentReport, Status
from tests import factories as f
from tests.reports.files import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _seeded(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    # Transactional tests start from an empty database: restore the seeded rows they rely on.
    for name in (SECRETARIAT, IMPLEMENTER, EVALUATOR):
        Group.objects.get_or_create(name=name)
    import_module("reports.migrations.0002_answer_scales").seed(apps, None)
    import_module("reports.migrations.0003_secretariat_permissions").grant(apps, None)


def sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.locator("form [type=submit]").first.click()


def test_evaluator_files_report_secretariat_publishes_public_reads_it(page, browser, live_server):
    commitment = f.make_commitment(
        title="Open government culture",
        ogp_id="MXMEX0009",
        problem="Lack of interest and knowledge of transparency.",
    )
    evaluator = f.make_evaluator("lmb-evaluator")
    f.make_secretariat("stl")
    report = f.make_end_of_commitment_report(commitment, evaluators=[evaluator])

    # The evaluator signs in, finds the report in the workspace and fills it in.
    sign_in(page, "/en/accounts/login/?next=/en/evaluations/", "lmb-evaluator")
    page.wait_for_url(re.compile(r"/en/evaluations/$"))
    page.get_by_role("link", name="Open government culture").click()
    page.check("input[name=progress_level][value=substantial]")
    page.fill("#id_progress_level_explanation", "Two of the three lines of action are finished.")
    page.fill("#id_impact_factors", "It depends on the political will of the municipalities.")
    page.locator("input[name=as_planned]").first.check()
    page.fill("#id_as_planned_explanation", "Every stage was completed, later than planned.")
    page.check("input[name=access_to_information][value=marginal]")
    page.check("input[name=civic_participation][value=major]")
    page.check("input[name=public_accountability][value=not_applicable]")
    page.locator("input[name=problem_addressed]").first.check()
    page.fill("#id_problem_addressed_explanation", "The agendas are being articulated.")
    page.fill("#id_lessons", "Involve civil society in monitoring the municipal secretariats.")
    page.set_input_files(
        "#id_new_attachments",
        {"name": "estudio-apertura.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    page.get_by_role("button", name="Submit to the secretariat").click()
    page.get_by_text("Report submitted.").wait_for()
    assert page.get_by_text("read-only while the secretariat reviews it").is_visible()
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert report.attachments.count() == 1

    # The secretariat publishes it in the admin.
    admin = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    sign_in(admin, f"/admin/reports/endofcommitmentreport/{report.pk}/change/", "stl")
    admin.get_by_role("link", name="Publish", exact=True).click()
    admin.get_by_role("button", name="Yes, publish it").click()
    admin.get_by_text("is published.").wait_for()
    assert EndOfCommitmentReport.objects.get(pk=report.pk).status == Status.PUBLISHED

    # An anonymous visitor finds it from the commitment page and reads it and its evidence file.
    visitor = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    visitor.goto("/en/commitments/MXMEX0009/")
    visitor.get_by_role("link", name="End of Commitment Report", exact=True).click()
    visitor.wait_for_url(re.compile(rf"/en/reports/end-of-commitment/{report.pk}/$"))
    visitor.get_by_role(
        "heading", name="End of Commitment Report – Open government culture"
    ).wait_for()
    assert visitor.get_by_text("Two of the three lines of action are finished.").is_visible()
    assert visitor.get_by_text("Substantial").is_visible()
    link = visitor.get_by_role("link", name="estudio-apertura.pdf")
    response = visitor.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.body() == PDF
