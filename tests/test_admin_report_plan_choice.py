"""The End of Commitment Report's add page offers only the plans of the commitment."""

import pytest

from reports.models import EndOfCommitmentReport
from tests import factories as f
from tests.reports.test_admin import admin_form_data

pytestmark = pytest.mark.django_db

ADD = "/admin/reports/endofcommitmentreport/add/"


@pytest.fixture
def commitment():
    ours = f.make_plan(title="Action plan 2021 – 2023")
    commitment = f.make_commitment(ours, ogp_id="MXMEX0009")
    commitment.action_plans.add(f.make_plan(title="Action plan 2021 – 2022"))
    return commitment


@pytest.fixture
def other_plan():
    return f.make_plan(title="Another member's plan")


def plan_choices(page) -> set[int]:
    return set(
        page.context["adminform"].form.fields["action_plan"].queryset.values_list("pk", flat=True)
    )


def test_the_add_page_offers_the_plans_of_the_commitment_it_names(
    client, secretariat, commitment, other_plan
):
    client.force_login(secretariat)
    page = client.get(f"{ADD}?commitment={commitment.pk}")
    assert page.status_code == 200
    assert plan_choices(page) == set(commitment.action_plans.values_list("pk", flat=True))
    assert other_plan.pk not in plan_choices(page)


def test_without_a_commitment_no_plan_is_offered(client, secretariat, commitment, other_plan):
    client.force_login(secretariat)
    page = client.get(ADD)
    assert page.status_code == 200
    assert plan_choices(page) == set()
    assert "Choose the commitment first" in page.content.decode()


def test_a_single_plan_is_chosen_for_the_commitment(client, secretariat):
    commitment = f.make_commitment(f.make_plan(), ogp_id="MXMEX0010")
    client.force_login(secretariat)
    page = client.get(f"{ADD}?commitment={commitment.pk}")
    assert page.context["adminform"].form["action_plan"].value() == (
        commitment.action_plans.get().pk
    )


def test_a_plan_not_of_the_commitment_is_refused_with_a_form_error(
    client, secretariat, commitment, other_plan
):
    client.force_login(secretariat)
    response = client.post(
        ADD, {"commitment": commitment.pk, "action_plan": other_plan.pk, "original_language": "es"}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["action_plan"] == ["Choose one of the plans this commitment belongs to."]
    assert not EndOfCommitmentReport.objects.exists()
    # The page comes back offering the commitment's plans only.
    assert other_plan.pk not in plan_choices(response)


def test_a_plan_of_the_commitment_is_accepted(client, secretariat, commitment):
    plan = commitment.action_plans.order_by("pk").last()
    client.force_login(secretariat)
    page = client.get(f"{ADD}?commitment={commitment.pk}")
    response = client.post(
        ADD, admin_form_data(page, commitment=commitment.pk, action_plan=plan.pk)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert EndOfCommitmentReport.objects.get().action_plan == plan
