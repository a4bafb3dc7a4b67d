"""Delivery: the sent log, retries with back-off, a real SMTP server, and the database worker."""

import datetime
import email
import socket

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications import services
from notifications.models import Kind, SentEmail

pytestmark = pytest.mark.django_db


def queue(**extra):
    return services.queue_email(
        kind=Kind.FOLLOW_CONFIRMATION,
        to="ana@example.org",
        template="follow_confirmation",
        context={
            "target": "MXMEX0009",
            "target_url": "http://x/",
            "confirm_url": "http://x/c/",
            "manage_url": "http://x/m/",
            "days": 3,
        },
        language="en",
        **extra,
    )


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


def test_every_email_is_logged_with_its_outcome(mailoutbox):
    sent = queue()
    sent.refresh_from_db()
    assert (sent.status, sent.attempts, sent.recipient) == ("sent", 1, "ana@example.org")
    assert sent.sent_at is not None
    assert len(mailoutbox) == 1


def test_a_failed_send_is_retried_with_back_off_then_reported(settings, mailoutbox):
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.test_delivery.FailingBackend"}}
    sent = queue()
    sent.refresh_from_db()
    assert sent.status == "retrying" and sent.attempts == 1
    assert "SMTP server down" in sent.last_error
    first_wait = sent.next_attempt_at - timezone.now()
    assert datetime.timedelta(minutes=4) < first_wait <= datetime.timedelta(minutes=5)
    # Not due yet: a retry now does nothing.
    assert services.deliver(sent.pk) == "skipped"
    waits = []
    for _ in range(services.MAX_ATTEMPTS - 1):
        SentEmail.objects.filter(pk=sent.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        assert services.retry_due_emails() == 1
        sent.refresh_from_db()
        if sent.next_attempt_at:
            waits.append(sent.next_attempt_at - before)
    assert sent.status == "failed" and sent.attempts == services.MAX_ATTEMPTS
    assert waits == sorted(waits) and waits[-1] > 3 * waits[0]  # each wait longer
    assert services.retry_due_emails() == 0
    assert list(SentEmail.objects.failed()) == [sent]


def test_the_secretariat_reads_the_sent_log_but_cannot_change_it(client, secretariat, implementer):
    sent = queue()
    client.force_login(secretariat)
    assert client.get("/admin/notifications/sentemail/").status_code == 200
    page = client.get(f"/admin/notifications/sentemail/{sent.pk}/change/")
    assert page.status_code == 200 and "ana@example.org" in page.content.decode()
    assert client.get("/admin/notifications/sentemail/add/").status_code == 403
    assert client.post(f"/admin/notifications/sentemail/{sent.pk}/delete/").status_code == 403
    assert client.get("/admin/notifications/notificationsettings/").status_code == 200
    client.force_login(implementer)
    assert client.get("/admin/notifications/sentemail/").status_code == 403


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_delivery_through_a_real_smtp_server(settings):
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 Message accepted for delivery"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
            }
        }
        settings.DEFAULT_FROM_EMAIL = "portal@example.org"
        sent = services.queue_email(
            kind=Kind.DIGEST,
            to="lucia@example.org",
            template="digest",
            context={"entries": [], "manage_url": "http://x/m/"},
            language="es",
            unsubscribe_url="http://127.0.0.1:8000/es/follow/unsubscribe/abc/",
        )
    finally:
        controller.stop()
    sent.refresh_from_db()
    assert sent.status == "sent"
    (envelope,) = received
    assert envelope.mail_from == "portal@example.org"
    assert envelope.rcpt_tos == ["lucia@example.org"]
    message = email.message_from_bytes(envelope.original_content)
    assert message["List-Unsubscribe"] == "<http://127.0.0.1:8000/es/follow/unsubscribe/abc/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "text/plain" in parts and "text/html" in parts
    assert '<html lang="es">' in parts["text/html"].get_payload(decode=True).decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_worker_picks_up_a_queued_email(settings, mailoutbox):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sent = queue()
    assert SentEmail.objects.get(pk=sent.pk).status == "queued"
    assert mailoutbox == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "notifications.tasks.deliver_email"
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert SentEmail.objects.get(pk=sent.pk).status == "sent"
    assert len(mailoutbox) == 1
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
