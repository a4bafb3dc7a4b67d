"""One request cannot take the site down: formsets, bodies, query strings, pages, bulk actions."""

import time

import pytest

from commitments.models import Milestone, MilestoneUpdate
from reports.models import InceptionReport
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(evaluator):
    plan = f.make_plan()
    for _ in range(2):
        f.make_commitment(plan)
    report = f.make_inception_report(plan, evaluators=[evaluator])
    assert report.assessments.count() == 2
    return report


def inception_post(report, total: int, **extra) -> dict:
    data = {
        "version": report.version,
        "action": "save",
        "vision_explanation": "Changed",
        "assessment-TOTAL_FORMS": total,
        "assessment-INITIAL_FORMS": total,
        "assessment-MIN_NUM_FORMS": 0,
        "assessment-MAX_NUM_FORMS": 1000,
    }
    for index, assessment in enumerate(report.assessments.order_by("position")):
        data[f"assessment-{index}-id"] = assessment.pk
    data.update(extra)
    return data


@pytest.mark.parametrize("total", [2001, 300, 3, 1, 0])
def test_a_report_formset_with_another_number_of_forms_is_refused_at_once(
    client, evaluator, report, total
):
    client.force_login(evaluator)
    started = time.monotonic()
    response = client.post(f"/en/evaluations/inception/{report.pk}/", inception_post(report, total))
    assert response.status_code == 400
    assert time.monotonic() - started < 2
    assert len(response.content) < 20_000
    assert InceptionReport.objects.get(pk=report.pk).version == report.version


def test_the_report_formset_with_its_own_forms_is_saved(client, evaluator, report):
    client.force_login(evaluator)
    response = client.post(f"/en/evaluations/inception/{report.pk}/", inception_post(report, 2))
    assert response.status_code == 302
    assert InceptionReport.objects.get(pk=report.pk).version == report.version + 1


def test_an_admin_formset_declaring_thousands_of_rows_is_a_400(client, secretariat):
    commitment = f.make_commitment(milestones=1)
    client.force_login(secretariat)
    response = client.post(
        f"/admin/commitments/commitment/{commitment.pk}/change/",
        {"milestones-TOTAL_FORMS": "100000", "milestones-INITIAL_FORMS": "1"},
    )
    assert response.status_code == 400
    response = client.post(
        f"/admin/commitments/commitment/{commitment.pk}/change/",
        {"milestones-TOTAL_FORMS": "1e9", "milestones-INITIAL_FORMS": "1"},
    )
    assert response.status_code == 400


def test_a_body_over_the_limit_is_a_413_before_it_is_read(client, settings, secretariat):
    settings.MAX_REQUEST_BYTES = 1024
    client.force_login(secretariat)
    response = client.post("/admin/plans/member/add/", {"name": "x" * 2000})
    assert response.status_code == 413
    response = client.patch(
        "/api/v1/milestones/1/", "{" + " " * 2000 + "}", content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_form_body_over_django_s_limit_is_a_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/en/accounts/login/", {"username": "x" * 4000, "password": "y"})
    assert response.status_code == 413


def test_a_long_query_string_is_a_400(client):
    assert client.get("/en/commitments/?q=" + "a" * 5000).status_code == 400
    response = client.get("/api/v1/commitments/?q=" + "a" * 5000)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert client.get("/en/commitments/?q=" + "a" * 200).status_code == 200


@pytest.mark.parametrize("url", ["/en/commitments/", "/en/members/x/"])
def test_a_page_number_of_more_than_nine_digits_is_a_400(client, url):
    assert client.get(f"{url}?page={'9' * 4000}").status_code == 400
    assert client.get(f"{url}?page=1234567890").status_code == 400


def test_the_api_answers_any_page_number_at_once(client):
    assert client.get(f"/api/v1/commitments/?page={'9' * 4000}").status_code == 404
    assert client.get("/api/v1/commitments/?page=x").status_code == 400


def test_an_ordinary_page_number_is_served(client):
    f.make_commitment()
    assert client.get("/en/commitments/?page=2").status_code == 200
    assert client.get("/en/commitments/?page=999999999").status_code == 200


def test_a_bulk_action_over_the_limit_changes_nothing_and_says_why(client, settings, secretariat):
    settings.MAX_ADMIN_ACTION_ROWS = 2
    commitment = f.make_commitment(milestones=3)
    ids = [str(pk) for pk in commitment.milestones.values_list("pk", flat=True)]
    client.force_login(secretariat)
    data = {
        "action": "change_status",
        "_selected_action": ids,
        "apply": "1",
        "status": "finished",
        "note": "Closed",
    }
    response = client.post("/admin/commitments/milestone/", data, follow=True)
    assert "An action applies to at most 2 rows at a time; 3 were selected" in (
        response.content.decode()
    )
    assert not MilestoneUpdate.objects.exists()
    across = client.post(
        "/admin/commitments/milestone/", {**data, "_selected_action": ids[:1], "select_across": "1"}
    )
    assert across.status_code == 302
    assert not MilestoneUpdate.objects.exists()
    settings.MAX_ADMIN_ACTION_ROWS = 3
    assert client.post("/admin/commitments/milestone/", data).status_code == 302
    assert set(Milestone.objects.values_list("status", flat=True)) == {"finished"}


def test_the_request_limit_admits_a_history_entry_with_its_five_largest_files():
    from django.conf import settings

    from ogptracker.uploads import MAX_EVIDENCE_FILE_SIZE, MAX_EVIDENCE_FILES

    # What the admin, the API and the README allow one entry must fit in one request, with its
    # form fields and multipart boundaries besides.
    files = MAX_EVIDENCE_FILES * MAX_EVIDENCE_FILE_SIZE
    assert files + 1024 * 1024 <= settings.MAX_REQUEST_BYTES
