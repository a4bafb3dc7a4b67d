"""PATCH /api/v1/milestones/<id>/: unknown keys are refused, and a staff session without its
second factor writes nothing while a token still does."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.models import SiteSettings
from portal.services import forget_site_settings
from tests.api.test_write_api import patch, unchanged
from tests.factories import make_commitment

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def ours(institution):
    """A published commitment's milestone, led by the implementer's institution."""
    commitment = make_commitment(ogp_id="MXMEX0009", milestones=1, lead=institution)
    return commitment.milestones.get()


@pytest.fixture
def two_factor_required():
    SiteSettings.objects.filter(pk=1).update(require_staff_two_factor=True)
    forget_site_settings()


# Unknown keys


def test_a_mistyped_key_is_refused_naming_it_and_nothing_changes(api, implementer, ours):
    api.force_authenticate(implementer)
    response = patch(api, ours, {"stauts": "finished", "note": "Se publicó el portal"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert list(error["fields"]) == ["stauts"]
    assert "did you mean “status”?" in error["fields"]["stauts"][0]
    assert "stauts" in error["message"]
    assert unchanged(ours)


def test_unknown_keys_are_named_beside_the_other_problems(api, secretariat, ours):
    api.force_authenticate(secretariat)
    response = patch(api, ours, {"status": "finished", "colour": "red", "nota": "x"})
    assert response.status_code == 400
    assert sorted(response.json()["error"]["fields"]) == ["colour", "nota", "note"]
    assert unchanged(ours)


def test_an_unknown_field_of_a_multipart_body_is_refused(api, implementer, ours):
    api.force_authenticate(implementer)
    response = api.patch(
        f"/api/v1/milestones/{ours.pk}/",
        {"note": "Acta", "stauts": "finished"},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["stauts"]
    assert unchanged(ours)


def test_a_body_of_known_keys_is_still_applied(api, implementer, ours):
    api.force_authenticate(implementer)
    assert patch(api, ours).status_code == 200
    ours.refresh_from_db()
    assert ours.status == "finished"


# Two-factor for staff sessions


def test_a_staff_session_without_its_second_factor_cannot_write_when_required(
    api, implementer, ours, two_factor_required
):
    api.force_login(implementer)
    response = patch(api, ours)
    assert response.status_code == 403
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (403, "permission_denied")
    assert "second factor" in error["message"]
    assert unchanged(ours)
    # Reading stays open to the same session.
    assert api.get(f"/api/v1/milestones/{ours.pk}/").status_code == 200


def test_a_secretariat_session_with_an_unconfirmed_code_app_cannot_write(api, secretariat, ours):
    TOTPDevice.objects.create(user=secretariat, name="phone", confirmed=True)
    api.force_login(secretariat)
    assert patch(api, ours).status_code == 403
    assert unchanged(ours)


def test_a_token_call_of_the_same_staff_member_is_not_asked_for_a_second_factor(
    api, implementer, ours, two_factor_required
):
    token = Token.objects.create(user=implementer)
    api.force_login(implementer)  # a session as well: the token is what signs the call
    response = patch(api, ours, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200, response.content
    ours.refresh_from_db()
    assert ours.status == "finished"


def test_a_staff_session_writes_when_two_factor_is_not_required(api, implementer, ours):
    api.force_login(implementer)
    assert patch(api, ours).status_code == 200


def test_an_evaluator_session_is_not_asked_for_a_second_factor(api, evaluator, two_factor_required):
    api.force_login(evaluator)
    # Not staff: the rule does not apply, and the endpoint answers as before (not theirs).
    milestone = make_commitment(milestones=1).milestones.get()
    response = patch(api, milestone)
    assert response.status_code in (403, 404)
    assert "second factor" not in response.json()["error"]["message"]


def test_anonymous_writes_still_get_401(api, ours, two_factor_required):
    response = patch(api, ours)
    assert response.status_code == 401
    assert unchanged(ours)
