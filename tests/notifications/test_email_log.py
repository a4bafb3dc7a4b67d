"""Every email wears the portal's own name; the sent log forgets addresses and old emails; a
half-sent email is sent again; follow confirmations can be refused; the digest names corrections."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from commitments.services import record_milestone_update
from notifications import services
from notifications.models import Follower, Kind, NotificationProfile, SentEmail, Subscription
from portal.models import SiteSettings
from tests.factories import make_commitment, make_mxmex0009, make_secretariat

pytestmark = pytest.mark.django_db


def name_the_portal() -> None:
    record = SiteSettings.objects.get(pk=1)
    record.name_en, record.name_es = "Springfield Watch", "Vigilancia Springfield"
    record.tagline_en, record.tagline_es = "City of Springfield", "Ciudad de Springfield"
    record.save()


def log_row(**fields) -> SentEmail:
    values = {
        "kind": Kind.DIGEST,
        "recipient": "ana@example.org",
        "subject": "News",
        "body_text": "Hello",
    }
    return SentEmail.objects.create(**{**values, **fields})


def confirmed(email, target, language="en"):
    follower, _ = Follower.objects.get_or_create(email=email, defaults={"language": language})
    Subscription.objects.create(
        follower=follower,
        confirmed_at=timezone.now() - datetime.timedelta(minutes=1),
        **services.subscription_target_fields(target),
    )
    return follower


# The portal's name ---------------------------------------------------------------------------


def test_emails_carry_the_portals_name_in_the_readers_language(secretariat, mailoutbox):
    name_the_portal()
    services.request_follow(email="lucia@example.org", language="es", target=make_mxmex0009())
    spanish = mailoutbox[0]
    assert "Vigilancia Springfield" in spanish.body
    assert "Vigilancia Springfield · Ciudad de Springfield" in spanish.alternatives[0].content

    commitment = make_commitment(ogp_id="MXMEX0010", milestones=1)
    confirmed("ana@example.org", commitment)
    record_milestone_update(
        milestone=commitment.milestones.get(),
        by=secretariat,
        note="Begun",
        new_status="in_progress",
    )
    services.send_digests()
    english = mailoutbox[-1]
    assert "News of what you follow on Springfield Watch:" in english.body
    assert "Springfield Watch · City of Springfield" in english.alternatives[0].content
    for message in mailoutbox:
        text = message.body + message.alternatives[0].content
        assert "Open Government Tracker" not in text and "State of Mexico" not in text


# Follow confirmations ------------------------------------------------------------------------


def test_a_follow_confirmation_has_an_unsubscribe_link_and_header(client, mailoutbox):
    services.request_follow(email="ana@example.org", language="en", target=make_mxmex0009())
    message = mailoutbox[0]
    header = message.extra_headers["List-Unsubscribe"]
    assert "/en/follow/unsubscribe/" in header
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    assert url in message.body and url in message.alternatives[0].content
    # One click from the mail program: the address is forgotten, confirmed or not.
    response = client.post(
        url.removeprefix("http://127.0.0.1:8000"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not Follower.objects.exists()


# Corrections in the digest -------------------------------------------------------------------


def test_the_digest_says_which_entries_are_corrections(secretariat, mailoutbox):
    commitment = make_commitment(ogp_id="MXMEX0009", milestones=1)
    confirmed("ana@example.org", commitment)
    milestone = commitment.milestones.get()
    finished = record_milestone_update(
        milestone=milestone, by=secretariat, note="Done", new_status="finished"
    )
    record_milestone_update(
        milestone=milestone,
        by=secretariat,
        note="Not done yet: the report was a draft",
        new_status="in_progress",
        corrects=finished,
    )
    record_milestone_update(
        milestone=milestone, by=secretariat, note="The date was wrong", corrects=finished
    )
    services.send_digests()
    body = mailoutbox[0].body
    assert "Status: Not reported → Finished" in body
    assert "Correction of an earlier entry: status Finished → In progress" in body
    assert "Correction of an earlier entry (status: In progress)" in body
    assert "Correction of an earlier entry" in mailoutbox[0].alternatives[0].content


# Emails a worker left half-sent --------------------------------------------------------------


def test_an_email_left_sending_is_sent_again_and_counted_in_the_summary(mailoutbox):
    boss = make_secretariat()
    boss.email = "stl@example.org"
    boss.save()
    NotificationProfile.objects.create(user=boss, language="en")
    now = timezone.now()
    # Claimed 31 minutes ago by a worker that died; another claimed a minute ago is left alone.
    stuck = log_row(
        status="sending", attempts=1, next_attempt_at=now - datetime.timedelta(minutes=1)
    )
    busy = log_row(status="sending", next_attempt_at=now + datetime.timedelta(minutes=29))
    call_command("notify")
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.status, stuck.attempts) == ("sent", 3)  # the lost attempt counts
    assert stuck.last_error == services.STUCK_ERROR
    assert busy.status == "sending"
    assert [m.to for m in mailoutbox].count(["ana@example.org"]) == 1
    (summary,) = [m for m in mailoutbox if m.to == ["stl@example.org"]]
    assert "1 email was interrupted while being sent this week and was queued again" in summary.body


def test_an_email_stuck_at_its_last_attempt_is_marked_failed(mailoutbox):
    past = timezone.now() - datetime.timedelta(minutes=1)
    last = log_row(status="sending", attempts=services.MAX_ATTEMPTS - 1, next_attempt_at=past)
    assert services.release_stuck_emails() == 1
    last.refresh_from_db()
    assert (last.status, last.attempts, last.next_attempt_at) == ("failed", 5, None)
    assert mailoutbox == []


def test_a_claimed_email_says_when_it_counts_as_stuck(monkeypatch):
    # A worker that dies mid-send leaves the row as it was when claimed.
    def die(message):
        raise KeyboardInterrupt

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", die)
    row = log_row()
    with pytest.raises(KeyboardInterrupt):
        services.deliver(row.pk)
    row.refresh_from_db()
    assert row.status == "sending"
    limit = row.next_attempt_at - timezone.now()
    assert datetime.timedelta(minutes=29) < limit <= services.SENDING_LIMIT
    assert not SentEmail.objects.stuck().exists()
    later = timezone.now() + services.SENDING_LIMIT + datetime.timedelta(seconds=1)
    assert list(SentEmail.objects.stuck(later)) == [row]


# Retention -----------------------------------------------------------------------------------


def test_notify_deletes_sent_and_failed_emails_older_than_the_setting(settings):
    settings.EMAIL_LOG_DAYS = 90
    now = timezone.now()
    old_sent = log_row(status="sent", created_at=now - datetime.timedelta(days=91))
    old_failed = log_row(status="failed", created_at=now - datetime.timedelta(days=91))
    old_queued = log_row(status="queued", created_at=now - datetime.timedelta(days=91))
    recent = log_row(status="sent", created_at=now - datetime.timedelta(days=89))
    call_command("notify", "--dry-run")
    assert SentEmail.objects.count() == 4
    call_command("notify")
    left = set(SentEmail.objects.values_list("pk", flat=True))
    assert left == {old_queued.pk, recent.pk}
    assert old_sent.pk not in left and old_failed.pk not in left
    settings.EMAIL_LOG_DAYS = 30
    assert services.purge_email_log() == 1


def test_unsubscribing_removes_the_address_from_the_log(client, mailoutbox):
    commitment = make_mxmex0009()
    services.request_follow(email="Ana@Example.org", language="en", target=commitment)
    follower = Follower.objects.get()
    waiting = log_row(kind=Kind.DIGEST, status="retrying", recipient="ana@example.org")
    staff_email = log_row(kind=Kind.MILESTONE_OVERDUE, status="sent", recipient="ana@example.org")
    other = log_row(kind=Kind.DIGEST, status="sent", recipient="bea@example.org")
    token = services.follower_token(follower)
    client.post(f"/en/follow/unsubscribe/{token}/")
    assert not Follower.objects.exists()
    confirmation = SentEmail.objects.get(kind=Kind.FOLLOW_CONFIRMATION)
    assert (confirmation.recipient, confirmation.body_text, confirmation.body_html) == ("", "", "")
    assert confirmation.headers == {} and confirmation.status == "sent"
    assert not SentEmail.objects.filter(pk=waiting.pk).exists()  # never sent now
    # An account's own emails and other followers' stay as they were.
    assert SentEmail.objects.get(pk=staff_email.pk).recipient == "ana@example.org"
    assert SentEmail.objects.get(pk=other.pk).recipient == "bea@example.org"


def test_a_follower_deleted_in_the_admin_leaves_the_log_too(db):
    follower = confirmed("ana@example.org", make_mxmex0009())
    digest = log_row(
        status="sent",
        content_type=ContentType.objects.get_for_model(Follower),
        object_id=follower.pk,
    )
    follower.delete()
    digest.refresh_from_db()
    assert (digest.recipient, digest.body_text, digest.object_id) == ("", "", None)
