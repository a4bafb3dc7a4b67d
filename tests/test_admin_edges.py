"""The admin's rough edges: Spanish strings, month fields, the comment filter, the milestone
list's columns and the report's plan choice."""

from __future__ import annotations

import datetime
import re

import pytest

from commitments.models import Comment
from plans.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db


def spanish(client, url: str) -> str:
    client.cookies["django_language"] = "es"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    return response.content.decode()


def test_the_spanish_admin_has_no_english_left_from_django(client, secretariat):
    # Django 6.1's own Spanish catalogue lacks these; the portal's catalogue provides them.
    factories.make_commitment(milestones=1)
    client.force_login(secretariat)
    changelist = spanish(client, "/admin/commitments/milestone/")
    assert 'lang="es"' in changelist
    assert "Search hitos" not in changelist
    assert ">Run<" not in changelist
    change_form = spanish(client, "/admin/commitments/milestone/add/")
    assert "- Select an option -" not in change_form


def test_month_fields_are_month_pickers_without_a_calendar(client, secretariat):
    milestone = factories.make_commitment(milestones=1).milestones.get()
    client.force_login(secretariat)
    for url in [
        f"/admin/commitments/milestone/{milestone.pk}/change/",
        f"/admin/commitments/commitment/{milestone.commitment_id}/change/",
        "/admin/plans/actionplan/add/",
    ]:
        page = client.get(url).content.decode()
        month_inputs = re.findall(r'<input type="month"[^>]*>', page)
        assert month_inputs, url
        assert not any("vDateField" in tag for tag in month_inputs)
    page = client.get(f"/admin/commitments/milestone/{milestone.pk}/change/").content.decode()
    assert re.search(r'<input type="month" name="start" value="2022-02"', page)


def test_a_month_is_saved_as_its_first_day(client, secretariat):
    milestone = factories.make_commitment(milestones=1).milestones.get()
    client.force_login(secretariat)
    response = client.post(
        f"/admin/commitments/milestone/{milestone.pk}/change/",
        {
            "commitment": milestone.commitment_id,
            "number": milestone.number,
            "title_es": milestone.title_es or "",
            "title_en": milestone.title_en or "",
            "original_language": milestone.original_language,
            "start": "2022-03",
            "end": "2022-06",
            "responsible_institution": "",
            "status": milestone.status,
            "note": "",
            "evidence": "",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
            "updates-MIN_NUM_FORMS": "0",
            "updates-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.start, milestone.end) == (
        datetime.date(2022, 3, 1),
        datetime.date(2022, 6, 1),
    )


def test_the_admin_loads_the_portals_admin_styles(client, secretariat):
    client.force_login(secretariat)
    page = client.get("/admin/").content.decode()
    assert 'href="/static/css/admin.css"' in page


def test_the_comment_filter_lists_only_what_takes_comments(client, secretariat):
    commitment = factories.make_commitment()
    Comment.objects.create(target=commitment, name="Ana", email="a@example.org", text="Hola")
    client.force_login(secretariat)
    page = client.get("/admin/commitments/comment/").content.decode()
    filter_html = page.split('id="changelist-filter"', 1)[1]
    links = re.findall(r'href="\?content_type__id__exact=\d+"[^>]*>([^<]+)<', filter_html)
    assert links == [
        "Action plans",
        "Commitments",
        "Inception Reports",
        "End of Commitment Reports",
    ]
    assert "permission" not in filter_html.lower()
    assert "session" not in filter_html.lower()


def test_the_comment_filter_still_filters(client, secretariat):
    from django.contrib.contenttypes.models import ContentType

    commitment = factories.make_commitment()
    plan = commitment.action_plans.get()
    Comment.objects.create(target=commitment, name="Ana", email="a@example.org", text="On C")
    Comment.objects.create(target=plan, name="Luis", email="l@example.org", text="On P")
    client.force_login(secretariat)
    plan_type = ContentType.objects.get_for_model(ActionPlan)
    page = client.get(
        f"/admin/commitments/comment/?content_type__id__exact={plan_type.pk}"
    ).content.decode()
    assert "On P" in page and "On C" not in page


def test_the_milestone_list_has_short_columns(client, secretariat):
    commitment = factories.make_commitment(ogp_id="MXMEX0009", milestones=3)
    client.force_login(secretariat)
    page = client.get("/admin/commitments/milestone/").content.decode()
    headers = re.findall(r'<th scope="col" class="(?:sortable )?column-([\w]+)', page)
    assert headers == ["__str__", "commitment_key", "months", "status", "is_overdue"]
    assert ">MXMEX0009</span>" in page
    assert "2022-02 – 2022-04" in page
    assert f'<span title="{commitment.title}">MXMEX0009</span>' in page


def test_the_report_plan_choice_offers_only_the_commitments_plans(client, secretariat):
    commitment = factories.make_commitment()
    own = commitment.action_plans.get()
    second = factories.make_plan(title="Second plan of the commitment")
    commitment.action_plans.add(second)
    other = factories.make_plan(title="A plan the commitment is not in")
    report = factories.make_end_of_commitment_report(commitment)
    client.force_login(secretariat)

    page = client.get(f"/admin/reports/endofcommitmentreport/{report.pk}/change/")

    choices = page.context["adminform"].form.fields["action_plan"].queryset
    assert set(choices) == {own, second}
    html = page.content.decode()
    assert "Second plan of the commitment" in html
    assert other.title not in html
