"""Inputs that once made the API answer a server error or HTML, each pinned as found."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from commitments.models import MilestoneStatus
from tests import factories
from tests.api.test_read_api import assert_error

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = "33251991662367834112"


@pytest.fixture
def milestone():
    commitment = factories.make_commitment(ogp_id="MXMEX0009", number=1, milestones=1)
    return commitment.milestones.get()


@pytest.mark.sqlite
@pytest.mark.parametrize("digit", ["¹", "①", "١"])  # superscript, circled, Arabic-Indic
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/milestones/",
        "/api/v1/milestone-updates/",
        "/api/v1/documents/",
        "/api/v1/end-of-commitment-reports/",
    ],
)
def test_a_unicode_digit_as_commitment_is_a_400(client, milestone, path, digit):
    error = assert_error(client.get(path, {"commitment": digit}), 400, "invalid")
    assert list(error["fields"]) == ["commitment"]


@pytest.mark.sqlite
def test_a_unicode_digit_in_a_commitment_address_is_a_404(client, milestone):
    assert_error(client.get("/api/v1/commitments/%C2%B9/"), 404, "not_found")


def test_the_commitment_filter_still_takes_a_number_or_an_ogp_id(client, milestone):
    by_number = client.get("/api/v1/milestones/", {"commitment": str(milestone.commitment.pk)})
    by_id = client.get("/api/v1/milestones/", {"commitment": "mxmex0009"})
    assert [m["id"] for m in by_number.json()["results"]] == [milestone.pk]
    assert [m["id"] for m in by_id.json()["results"]] == [milestone.pk]


@pytest.mark.sqlite
@pytest.mark.parametrize("value", ["0", BEYOND_64_BITS, "9" * 30])
def test_a_commitment_number_no_row_can_have_finds_nothing(client, milestone, value):
    response = client.get("/api/v1/milestones/", {"commitment": value})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/api/v1/milestone-updates/", "milestone", BEYOND_64_BITS),
        ("/api/v1/milestone-updates/", "milestone", "0"),
        ("/api/v1/milestone-updates/", "milestone", "-1"),
        ("/api/v1/milestone-updates/", "milestone", "1.5"),
        ("/api/v1/milestone-updates/", "milestone", "1e3"),
        ("/api/v1/milestone-updates/", "milestone", "²"),
        ("/api/v1/documents/", "year", BEYOND_64_BITS),
        ("/api/v1/documents/", "year", "1899"),
        ("/api/v1/documents/", "year", "2021.5"),
        ("/api/v1/plans/", "year", BEYOND_64_BITS),
        ("/api/v1/plans/", "year", "2201"),
        ("/api/v1/plans/", "year", "²⁰²¹"),
        ("/api/v1/documents/", "page", "abc"),
        ("/api/v1/documents/", "page", "0"),
        ("/api/v1/documents/", "page", "-5"),
        ("/api/v1/documents/", "page", "¹"),
        ("/api/v1/documents/", "page_size", "abc"),
        ("/api/v1/documents/", "page_size", "0"),
        ("/api/v1/documents/", "page_size", "-5"),
        ("/api/v1/documents/", "page_size", "true"),
        ("/api/v1/documents/", "page_size", "201"),
        ("/api/v1/documents/", "page_size", BEYOND_64_BITS),
        ("/api/v1/commitments/", "page_size", "²"),
    ],
)
def test_an_integer_parameter_out_of_range_or_not_ascii_digits_is_a_400(
    client, milestone, path, name, value
):
    error = assert_error(client.get(path, {name: value}), 400, "invalid")
    assert list(error["fields"]) == [name]


def test_page_size_and_page_are_honoured_within_their_range(client):
    plan = factories.make_plan()
    for _ in range(3):
        factories.make_commitment(plan)
    body = client.get("/api/v1/commitments/", {"page_size": "2", "page": "2"}).json()
    assert (body["count"], len(body["results"])) == (3, 1)
    assert len(client.get("/api/v1/commitments/", {"page_size": "200"}).json()["results"]) == 3


@pytest.mark.sqlite
def test_a_page_past_the_last_is_a_404_even_beyond_64_bits(client, milestone):
    assert_error(client.get("/api/v1/milestones/", {"page": BEYOND_64_BITS}), 404, "not_found")


def test_an_empty_parameter_is_no_filter(client, milestone):
    response = client.get(
        "/api/v1/milestones/", {"commitment": "", "page": "", "page_size": "", "overdue": ""}
    )
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.sqlite
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/milestones/",
        "/api/v1/milestone-updates/",
        "/api/v1/documents/",
        "/api/v1/inception-reports/",
        "/api/v1/end-of-commitment-reports/",
    ],
)
def test_an_id_beyond_64_bits_in_the_address_is_a_404(client, path):
    assert_error(client.get(f"{path}{BEYOND_64_BITS}/"), 404, "not_found")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path", ["/api/v1/nothing/", "/api/v1/milestones/abc/", "/api/v1/milestones/-1/"]
)
def test_a_write_to_an_unknown_address_is_a_json_404_not_a_csrf_page(method, path):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(path, "{}", content_type="application/json")
    assert response["Content-Type"] == "application/json"
    assert_error(response, 404, "not_found")


def test_an_unknown_method_at_an_unknown_address_is_a_json_404():
    response = Client(enforce_csrf_checks=True).generic("PURGE", "/api/v1/nothing/")
    assert_error(response, 404, "not_found")


def test_a_session_write_without_its_csrf_token_is_a_json_403(secretariat, milestone):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    response = client.patch(
        f"/api/v1/milestones/{milestone.pk}/", {"status": "finished"}, "application/json"
    )
    assert_error(response, 403, "permission_denied")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.NOT_REPORTED


@pytest.fixture
def editor(secretariat):
    api = APIClient()
    api.force_authenticate(secretariat)
    return api


def test_a_body_over_the_upload_limit_is_a_json_413(editor, milestone, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"status": "finished", "note": "' + "a" * 2000 + '"}'
    response = editor.generic(
        "PATCH", f"/api/v1/milestones/{milestone.pk}/", body, content_type="application/json"
    )
    assert_error(response, 413, "too_large")


def test_a_six_megabyte_body_is_a_json_413(editor, milestone):
    body = '{"status": "finished", "note": "' + "a" * 6_000_000 + '"}'
    response = editor.generic(
        "PATCH", f"/api/v1/milestones/{milestone.pk}/", body, content_type="application/json"
    )
    assert_error(response, 413, "too_large")


def test_a_deeply_nested_json_body_is_a_400(editor, milestone):
    response = editor.generic(
        "PATCH", f"/api/v1/milestones/{milestone.pk}/", "[" * 100_000, "application/json"
    )
    assert_error(response, 400, "parse_error")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.NOT_REPORTED


def test_a_body_that_is_not_json_is_a_json_415(editor, milestone):
    response = editor.generic(
        "PATCH", f"/api/v1/milestones/{milestone.pk}/", "finished", "text/plain"
    )
    assert_error(response, 415, "unsupported_media_type")


def test_an_unsupported_method_is_a_json_405(editor, milestone):
    assert_error(editor.delete(f"/api/v1/milestones/{milestone.pk}/"), 405, "method_not_allowed")


def test_an_unsatisfiable_accept_header_is_a_json_406(client, milestone):
    response = client.get(f"/api/v1/milestones/{milestone.pk}/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"] == "application/json"
    assert_error(response, 406, "not_acceptable")


def test_a_server_error_is_a_json_500_and_is_reported(client, monkeypatch):
    from plans.api import SectorViewSet

    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(SectorViewSet, "get_queryset", broken)
    with pytest.raises(RuntimeError):  # Django's test client re-raises what it reports
        client.get("/api/v1/sectors/")
    client.raise_request_exception = False
    response = client.get("/api/v1/sectors/")
    assert response["Content-Type"] == "application/json"
    assert_error(response, 500, "server_error")


def test_throttling_answers_a_json_429(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": None},
    }
    assert client.get("/api/v1/sectors/").status_code == 200
    assert_error(client.get("/api/v1/sectors/"), 429, "throttled")


def test_too_many_query_parameters_get_a_json_400(client):
    query = "&".join(f"f{i}=1" for i in range(1100))
    response = client.get(f"/api/v1/commitments/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_too_many_query_parameters_on_a_page_get_the_portals_400(client):
    query = "&".join(f"f{i}=1" for i in range(1100))
    response = client.get(f"/en/commitments/?{query}")
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
