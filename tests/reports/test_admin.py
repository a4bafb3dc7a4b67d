import datetime

import pytest
from django.contrib.auth.models import Group

from reports.models import EndOfCommitmentReport, InceptionReport, Status, Transition
from reports.services import submit_report
from tests import factories as f

pytestmark = pytest.mark.django_db

EOC_ADMIN = "/admin/reports/endofcommitmentreport/"
INCEPTION_ADMIN = "/admin/reports/inceptionreport/"


def submitted_report(evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    f.complete_end_of_commitment_answers(report)
    submit_report(report=report, by=evaluator)
    return report


def admin_form_data(page, **changes) -> dict:
    """What the admin's change form posts back, with ``changes`` applied."""
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    data.update(changes)
    return data


def test_secretariat_group_has_the_reports_permissions():
    codenames = set(
        Group.objects.get(name="Secretariat")
        .permissions.filter(content_type__app_label="reports")
        .values_list("codename", flat=True)
    )
    assert {
        "add_inceptionreport",
        "change_inceptionreport",
        "change_endofcommitmentreport",
        "add_practiceanswer",
        "change_commitmentnature",
        "view_transition",
    } <= codenames
    # The history of status changes is written by the services only.
    assert not {"add_transition", "change_transition", "delete_transition"} & codenames
    assert not Group.objects.get(name="Evaluator").permissions.exists()


def test_evaluators_have_no_admin(client, evaluator):
    client.force_login(evaluator)
    response = client.get(EOC_ADMIN)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_secretariat_creates_an_inception_report_and_assigns_evaluators(
    client, secretariat, evaluator
):
    plan = f.make_plan(date_submitted=datetime.date(2021, 12, 10))
    for number in range(1, 4):
        f.make_commitment(plan, number=number)
    not_an_evaluator = f.make_user()
    client.force_login(secretariat)
    page = client.get(f"{INCEPTION_ADMIN}add/")
    choices = page.context["adminform"].form.fields["evaluators"].queryset
    assert evaluator in choices
    assert not_an_evaluator not in choices  # only users of the Evaluator group
    assert secretariat not in choices
    response = client.post(
        f"{INCEPTION_ADMIN}add/",
        admin_form_data(page, action_plan=plan.pk, evaluators=[evaluator.pk]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    report = InceptionReport.objects.get(action_plan=plan)
    assert list(report.evaluators.all()) == [evaluator]
    assert report.due_date == datetime.date(2022, 2, 10)
    assert report.assessments.count() == 3
    assert report.status == Status.DRAFT


def test_overdue_reports_are_flagged_and_filtered(client, secretariat):
    late = f.make_end_of_commitment_report(
        f.make_commitment(start=datetime.date(2019, 1, 1), end=datetime.date(2020, 1, 1))
    )
    soon = f.make_end_of_commitment_report(f.make_commitment(end=datetime.date(2099, 1, 1)))
    client.force_login(secretariat)
    html = client.get(f"{EOC_ADMIN}?overdue=yes").content.decode()
    assert f"/{late.pk}/change/" in html
    assert f"/{soon.pk}/change/" not in html
    html = client.get(f"{EOC_ADMIN}?overdue=no").content.decode()
    assert f"/{soon.pk}/change/" in html and f"/{late.pk}/change/" not in html
    html = client.get(EOC_ADMIN).content.decode()
    assert "column-overdue" in html
    assert 'alt="True"' in html and 'alt="False"' in html


def test_secretariat_publishes_a_submitted_report(client, secretariat, evaluator):
    report = submitted_report(evaluator)
    client.force_login(secretariat)
    change = client.get(f"{EOC_ADMIN}{report.pk}/change/").content.decode()
    assert f"{EOC_ADMIN}{report.pk}/publish/" in change
    assert client.get(f"{EOC_ADMIN}{report.pk}/publish/").status_code == 200
    response = client.post(f"{EOC_ADMIN}{report.pk}/publish/")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.PUBLISHED
    last = Transition.objects.filter(end_of_commitment_report=report).last()
    assert (last.by, last.from_status, last.to_status) == (secretariat, "submitted", "published")
    # Published means read-only for everyone, in the admin too.
    page = client.get(f"{EOC_ADMIN}{report.pk}/change/").content.decode()
    assert 'name="lessons"' not in page
    assert client.post(f"{EOC_ADMIN}{report.pk}/delete/", {"post": "yes"}).status_code == 403
    assert EndOfCommitmentReport.objects.filter(pk=report.pk).exists()


def test_secretariat_returns_a_report_with_a_comment(client, secretariat, evaluator):
    report = submitted_report(evaluator)
    client.force_login(secretariat)
    response = client.post(f"{EOC_ADMIN}{report.pk}/return/", {"comment": ""})
    assert response.status_code == 200
    assert b"This field is required." in response.content
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    response = client.post(f"{EOC_ADMIN}{report.pk}/return/", {"comment": "Add the study."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.DRAFT
    assert report.last_return().comment == "Add the study."


def test_publishing_a_draft_in_the_admin_is_refused(client, secretariat):
    report = f.make_end_of_commitment_report()
    client.force_login(secretariat)
    client.post(f"{EOC_ADMIN}{report.pk}/publish/", follow=True)
    report.refresh_from_db()
    assert report.status == Status.DRAFT


def test_bulk_publish_skips_reports_not_submitted(client, secretariat, evaluator):
    ready = submitted_report(evaluator)
    draft = f.make_end_of_commitment_report()
    client.force_login(secretariat)
    response = client.post(
        EOC_ADMIN,
        {"action": "publish_selected", "_selected_action": [ready.pk, draft.pk]},
        follow=True,
    )
    assert b"1 report published." in response.content
    assert b"1 report was skipped" in response.content
    assert EndOfCommitmentReport.objects.get(pk=ready.pk).status == Status.PUBLISHED
    assert EndOfCommitmentReport.objects.get(pk=draft.pk).status == Status.DRAFT


def test_admin_edit_bumps_the_version(client, secretariat):
    report = f.make_end_of_commitment_report()
    client.force_login(secretariat)
    page = client.get(f"{EOC_ADMIN}{report.pk}/change/")
    data = admin_form_data(page, lessons_en="Edited by the secretariat")
    response = client.post(f"{EOC_ADMIN}{report.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.lessons == "Edited by the secretariat"
    assert report.version == 2


def test_inception_change_page_lists_every_commitment_block(client, secretariat):
    plan = f.make_plan()
    for number in range(1, 4):
        f.make_commitment(plan, number=number, title=f"Block {number}")
    report = f.make_inception_report(plan)
    client.force_login(secretariat)
    html = client.get(f"{INCEPTION_ADMIN}{report.pk}/change/").content.decode()
    for number in range(1, 4):
        assert f"Block {number}" in html


@pytest.mark.parametrize("url", [EOC_ADMIN, INCEPTION_ADMIN])
def test_changelist_query_count_is_flat(client, secretariat, django_assert_num_queries, url):
    for _ in range(3):
        evaluators = [f.make_evaluator(), f.make_evaluator()]
        f.make_end_of_commitment_report(evaluators=evaluators)
        f.make_inception_report(evaluators=evaluators)
    client.force_login(secretariat)
    # 1. session  2. user  3. user permissions  4. group permissions
    # 5. filtered count  6. total count  7. the user's groups (is_secretariat, for the actions)
    # 8. the page of reports with plan (and commitment)  9. prefetch evaluators
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
