"""The reports on the portal's commitment, plan and member pages."""

import pytest
from django.contrib.contenttypes.models import ContentType

from commitments.models import Commitment
from plans.models import ActionPlan
from tests import factories as f

pytestmark = pytest.mark.django_db


def warm_caches():
    # ContentType lookups are cached per process; warm them so counts do not depend on order.
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_model(Commitment)
    ContentType.objects.get_for_model(ActionPlan)


@pytest.fixture
def published_reports():
    """MXMEX0009 in its plan, with a published Inception Report and End of Commitment Report."""
    commitment = f.make_mxmex0009()
    plan = commitment.action_plans.get()
    for number in range(2, 5):
        f.make_commitment(plan, number=number)
    inception = f.make_inception_report(plan)
    f.complete_inception_answers(inception)
    end = f.make_end_of_commitment_report(commitment)
    f.complete_end_of_commitment_answers(end)
    for report in (inception, end):
        type(report).objects.filter(pk=report.pk).update(status="published")
    return commitment, plan, inception, end


def test_commitment_page_shows_the_inception_summary_and_links_the_final_report(
    client, published_reports, django_assert_num_queries
):
    commitment, plan, inception, end = published_reports
    warm_caches()
    # 9 queries (its history has evidence links, no files or corrections) and one per published
    # report it has (see tests/commitments/test_views.py).
    with django_assert_num_queries(11):
        response = client.get("/en/commitments/MXMEX0009/")
    html = response.content.decode()
    assert "Inception Report Summary" in html
    assert "Verifiable:" in html
    assert "The commitment is a continuation of ongoing practice" in html
    assert "To view the detailed final assessment of this commitment read the" in html
    assert end.get_absolute_url() in html
    assert inception.get_absolute_url() in html


def test_commitment_page_hides_unpublished_reports(client, published_reports):
    commitment, plan, inception, end = published_reports
    type(inception).objects.filter(pk=inception.pk).update(status="submitted")
    type(end).objects.filter(pk=end.pk).update(status="draft")
    html = client.get("/en/commitments/MXMEX0009/").content.decode()
    assert "Inception Report Summary" not in html
    assert end.get_absolute_url() not in html


def test_plan_page_links_its_inception_report(client, published_reports):
    commitment, plan, inception, end = published_reports
    html = client.get(plan.get_absolute_url()).content.decode()
    assert inception.get_absolute_url() in html
    assert f"Inception Report – {plan.title}" in html


def test_member_page_lists_the_reports_among_its_resources(client, published_reports):
    commitment, plan, inception, end = published_reports
    html = client.get(plan.member.get_absolute_url()).content.decode()
    resources = html[html.index('id="resources"') :]
    assert inception.get_absolute_url() in resources
    assert end.get_absolute_url() in resources


def test_anonymous_reads_the_report_from_the_commitment_page(client, published_reports):
    commitment, plan, inception, end = published_reports
    html = client.get("/en/commitments/MXMEX0009/").content.decode()
    assert end.get_absolute_url() in html
    page = client.get(end.get_absolute_url())
    assert page.status_code == 200
    assert "End of Commitment Report – Open government culture" in page.content.decode()
