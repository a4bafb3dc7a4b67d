"""Signing in: the rate limit, password reset by email, and two-factor sign-in for staff."""

from __future__ import annotations

import re

from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import SiteSettings
from tests.factories import make_user

LOGIN = "/en/accounts/login/"


def code_for(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def sign_in(client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_sign_in_works_and_returns_to_the_page(client, evaluator):
    response = sign_in(client, "evaluator", "pw", next="/en/evaluations/")
    assert response.status_code == 302
    assert response["Location"] == "/en/evaluations/"
    assert client.session["_auth_user_id"] == str(evaluator.pk)


def test_repeated_failures_lock_the_sign_in(client, evaluator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "evaluator", "wrong")
        assert response.status_code == 200
        assert "didn’t match" in response.content.decode()
    locked = sign_in(client, "evaluator", "wrong")
    assert locked.status_code == 429
    # Even the right password is refused while the lock lasts.
    refused = sign_in(client, "evaluator", "pw")
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_signs_in_through_the_portal_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=%2Fadmin%2F"


def test_password_reset_by_email_in_both_languages(client, evaluator):
    evaluator.email = "eva@example.org"
    evaluator.save()
    page = client.get("/es/accounts/password-reset/")
    assert page.status_code == 200
    assert page.context["form"].fields["email"]
    response = client.post("/es/accounts/password-reset/", {"email": "eva@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/]+(/es/accounts/password-reset/\S+/)", mail.outbox[0].body)[1]
    form = client.get(path, follow=True)
    assert form.context["validlink"] is True
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "otra frase muy larga 9", "new_password2": "otra frase muy larga 9"},
    )
    assert done.status_code == 302
    evaluator.refresh_from_db()
    assert evaluator.check_password("otra frase muy larga 9")


def test_password_reset_says_the_same_for_an_unknown_address(client, db):
    response = client.post("/en/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_staff_with_a_code_app_give_a_code_after_the_password(client, secretariat):
    device = TOTPDevice.objects.create(user=secretariat, name="phone", confirmed=True)
    response = sign_in(client, "secretariat", "pw", next="/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/two-factor/verify/"
    assert "_auth_user_id" not in client.session  # not signed in yet

    wrong = client.post("/en/accounts/two-factor/verify/", {"token": "000000"})
    assert wrong.status_code == 400
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes slow further tries down
    device.throttle_reset()

    right = client.post("/en/accounts/two-factor/verify/", {"token": code_for(device)})
    assert right.status_code == 302
    assert right["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(secretariat.pk)
    assert client.get("/admin/").status_code == 200


def test_the_admin_asks_for_the_code_of_a_session_not_verified(client, secretariat):
    TOTPDevice.objects.create(user=secretariat, name="phone", confirmed=True)
    client.force_login(secretariat)
    response = client.get("/admin/commitments/commitment/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/two-factor/verify/?next=")


def test_the_secretariat_can_require_two_factor_for_staff(client, secretariat, implementer):
    SiteSettings.objects.filter(pk=1).update(require_staff_two_factor=True)
    from portal.services import forget_site_settings

    forget_site_settings()
    client.force_login(implementer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/two-factor/?next=")

    setup = client.get("/en/accounts/two-factor/")
    html = setup.content.decode()
    device = TOTPDevice.objects.get(user=implementer, confirmed=False)
    assert "otpauth://totp/" in html
    assert setup.context["secret"] in html
    assert "requires two-factor sign-in for staff" in html

    bad = client.post("/en/accounts/two-factor/", {"token": "12345x"})
    assert bad.status_code == 400
    done = client.post("/en/accounts/two-factor/?next=/admin/", {"token": code_for(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    # Required: it cannot be turned off.
    client.post("/en/accounts/two-factor/", {"action": "disable", "token": code_for(device)})
    assert TOTPDevice.objects.filter(user=implementer, confirmed=True).exists()


def test_without_the_requirement_staff_work_without_a_code_app(client, secretariat):
    client.force_login(secretariat)
    assert client.get("/admin/").status_code == 200


def test_an_evaluator_may_turn_two_factor_on_and_off(client, evaluator):
    client.force_login(evaluator)
    client.get("/en/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=evaluator)
    client.post("/en/accounts/two-factor/", {"token": code_for(device)})
    device.refresh_from_db()
    assert device.confirmed
    page = client.get("/en/accounts/two-factor/")
    assert "Two-factor sign-in is on" in page.content.decode()
    device.last_t = -1  # let the same 30-second code be used again in this test
    device.save()
    client.post("/en/accounts/two-factor/", {"action": "disable", "token": code_for(device)})
    assert not TOTPDevice.objects.filter(user=evaluator).exists()


def test_two_factor_setup_needs_a_sign_in(client):
    response = client.get("/en/accounts/two-factor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_a_deactivated_person_cannot_sign_in(client, db):
    make_user("gone", is_active=False)
    response = sign_in(client, "gone", "pw")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
