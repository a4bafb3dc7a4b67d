"""Invitations and password resets go through the sent log like every email; the portal's name
replaces any fixed one in the admin and error pages; the privacy notice says what the log keeps."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from notifications import services as notifications
from notifications.models import Kind, SentEmail
from plans.roles import EVALUATOR
from portal.models import SiteSettings
from tests.factories import make_user

pytestmark = pytest.mark.django_db


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


def name_the_portal() -> None:
    record = SiteSettings.objects.get(pk=1)
    record.name_en, record.name_es = "Springfield Watch", "Vigilancia Springfield"
    record.save()


def reset_path(message) -> str:
    return re.search(r"https?://[^/]+(/\w\w/accounts/password-reset/\S+/)", message.body)[1]


def test_an_invitation_is_logged_sent_in_text_and_html_and_keeps_no_token(
    client, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/portal/person/add/",
            {
                "first_name": "Ana",
                "last_name": "López",
                "email": "ana@example.org",
                "role": EVALUATOR,
                "institutions": [],
            },
        )
    logged = SentEmail.objects.get(kind=Kind.INVITATION)
    assert (logged.recipient, logged.status, logged.user.email) == (
        "ana@example.org",
        "sent",
        "ana@example.org",
    )
    (message,) = mail.outbox
    link = re.search(r"http://\S+/accounts/welcome/\S+/", message.body)[0]
    assert link in message.alternatives[0].content
    token = link.rstrip("/").rsplit("/", 1)[1]
    # The log shows where the link goes, never a link that works.
    assert notifications.TOKEN_PLACEHOLDER in logged.body_text
    assert token not in logged.body_text and token not in logged.body_html


def test_a_password_reset_is_logged_and_its_link_works_after_a_retry(client, evaluator, settings):
    evaluator.email = "eva@example.org"
    evaluator.save()
    settings.MAILERS = {"default": {"BACKEND": "tests.portal.test_account_emails.FailingBackend"}}
    response = client.post("/en/accounts/password-reset/", {"email": "eva@example.org"})
    assert response.status_code == 302
    logged = SentEmail.objects.get(kind=Kind.PASSWORD_RESET)
    assert (logged.status, logged.recipient, logged.user) == (
        "retrying",
        "eva@example.org",
        evaluator,
    )
    assert notifications.TOKEN_PLACEHOLDER in logged.body_text
    assert mail.outbox == []

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    SentEmail.objects.filter(pk=logged.pk).update(next_attempt_at=logged.created_at)
    assert notifications.deliver(logged.pk) == "sent"
    (message,) = mail.outbox
    assert message.alternatives[0].mimetype == "text/html"
    form = client.get(reset_path(message), follow=True)
    assert form.context["validlink"] is True
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long new passphrase 7", "new_password2": "a long new passphrase 7"},
    )
    assert done.status_code == 302
    evaluator.refresh_from_db()
    assert evaluator.check_password("a long new passphrase 7")


def test_a_password_reset_reveals_nothing_about_unknown_addresses(client, db):
    make_user("eva", email="eva@example.org")
    known = client.post("/en/accounts/password-reset/", {"email": "eva@example.org"})
    unknown = client.post("/en/accounts/password-reset/", {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert list(SentEmail.objects.values_list("recipient", flat=True)) == ["eva@example.org"]


def test_a_password_reset_is_in_the_pages_language_with_the_portals_name(client, db):
    name_the_portal()
    make_user("eva", email="eva@example.org")
    client.post("/es/accounts/password-reset/", {"email": "eva@example.org"})
    (message,) = mail.outbox
    assert "Vigilancia Springfield" in message.subject
    assert "/es/accounts/password-reset/" in message.body
    assert '<html lang="es">' in message.alternatives[0].content


def test_the_admin_and_error_pages_use_the_portals_name(client, secretariat):
    name_the_portal()
    client.force_login(secretariat)
    admin = client.get("/admin/").content.decode()
    assert "Springfield Watch" in admin and "ogptracker" not in admin
    missing = client.get("/en/no-such-page/")
    assert missing.status_code == 404
    assert "<title>Page not found · Springfield Watch</title>" in missing.content.decode()
    page = client.get("/es/no-such-page/").content.decode()
    assert "· Vigilancia Springfield</title>" in page


def test_the_privacy_notice_says_what_the_email_log_keeps_and_who_deletes_sign_ins(
    client, secretariat
):
    english = client.get("/en/privacy/").content.decode()
    assert "These records are deleted after 90 days" in english
    assert "your address and the text of the emails sent to you are removed" in english
    assert "can see or delete them; the secretariat cannot" in english
    spanish = client.get("/es/privacidad/").content.decode()
    assert "Estos registros se borran a los 90 días" in spanish
    assert "pueden verlos o borrarlos; el secretariado no" in spanish
    # What the notice says of sign-in records holds.
    client.force_login(secretariat)
    assert client.get("/admin/axes/accessattempt/").status_code == 403
