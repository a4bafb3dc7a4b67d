"""The followers' daily digest: content, batching, languages, and running twice."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from commitments.models import MilestoneUpdate
from commitments.services import change_milestone_status
from notifications import services
from notifications.models import Follower, Kind, SentEmail, Subscription
from tests.factories import make_commitment, make_milestone, make_mxmex0009, make_plan

pytestmark = pytest.mark.django_db


def confirmed(email, target, language="en", since=None):
    follower, _ = Follower.objects.get_or_create(email=email, defaults={"language": language})
    Subscription.objects.create(
        follower=follower,
        confirmed_at=since or timezone.now(),
        **services.subscription_target_fields(target),
    )
    return follower


def change(milestone, by, status, note="Avance del estudio"):
    change_milestone_status(milestone=milestone, new_status=status, by=by, note=note)


def test_three_changes_make_one_email_with_every_entry(secretariat, mailoutbox):
    commitment = make_commitment(ogp_id="MXMEX0009", milestones=2)
    confirmed("ana@example.org", commitment)
    first, second = commitment.milestones.all()[:2]
    change(first, secretariat, "in_progress")
    change(first, secretariat, "finished", note="Publicado en el portal")
    change(second, secretariat, "stuck")
    assert services.send_digests() == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "3 new entries in what you follow"
    body = message.body
    assert body.count("MXMEX0009 · Milestone") == 3
    assert "Not reported → In progress" in body and "In progress → Finished" in body
    assert "Not reported → Stuck" in body
    assert "Publicado en el portal" in body
    assert "http://127.0.0.1:8000/en/commitments/MXMEX0009/#history-title" in body
    html = message.alternatives[0].content
    note_language = MilestoneUpdate.objects.get(note="Publicado en el portal").language
    assert f'<p lang="{note_language}">Publicado en el portal</p>' in html  # the note's own
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/en/follow/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert SentEmail.objects.get(kind=Kind.DIGEST).status == "sent"


def test_running_twice_sends_nothing_twice(secretariat, mailoutbox):
    commitment = make_mxmex0009()
    confirmed("ana@example.org", commitment)
    change(commitment.milestones.first(), secretariat, "in_progress")
    call_command("send_digests")
    call_command("send_digests")
    assert len(mailoutbox) == 1
    # A change later the same day waits for tomorrow's digest, and is not lost.
    change(commitment.milestones.first(), secretariat, "finished")
    assert services.send_digests() == 0
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert services.send_digests(now=tomorrow) == 1
    assert "In progress → Finished" in mailoutbox[1].body
    assert "Not reported → In progress" not in mailoutbox[1].body


def test_nothing_new_sends_nothing(mailoutbox):
    confirmed("ana@example.org", make_mxmex0009())
    assert services.send_digests() == 0
    assert mailoutbox == []


def test_the_digest_is_in_the_followers_language(secretariat, mailoutbox):
    commitment = make_commitment(ogp_id="MXMEX0009", milestones=1)
    confirmed("lucia@example.org", commitment, language="es")
    change(commitment.milestones.first(), secretariat, "in_progress")
    services.send_digests()
    message = mailoutbox[0]
    # Status names come from the portal's Spanish catalogue.
    assert "Sin reporte → En progreso" in message.body
    assert "/es/commitments/MXMEX0009/" in message.body
    assert '<html lang="es">' in message.alternatives[0].content


def test_following_a_plan_or_a_member_covers_their_commitments(secretariat, mailoutbox):
    plan = make_plan()
    commitment = make_commitment(plan, milestones=1)
    other = make_commitment(milestones=1)  # another member's plan
    confirmed("plan@example.org", plan)
    confirmed("member@example.org", plan.member)
    change(commitment.milestones.get(), secretariat, "in_progress")
    change(other.milestones.get(), secretariat, "in_progress")
    assert services.send_digests() == 2
    for message in mailoutbox:
        assert commitment.title in message.body or f"/commitments/{commitment.key}/" in message.body
        assert f"/commitments/{other.key}/" not in message.body


def test_unpublished_commitments_and_older_entries_stay_out(secretariat, mailoutbox):
    draft = make_commitment(published=False, milestones=1)
    plan = draft.action_plans.get()
    published = make_commitment(plan, milestones=1)
    change(published.milestones.get(), secretariat, "in_progress")  # before following
    confirmed("ana@example.org", plan, since=timezone.now())
    change(draft.milestones.get(), secretariat, "in_progress")
    assert services.send_digests() == 0
    change(published.milestones.get(), secretariat, "finished")
    assert services.send_digests() == 1
    assert "In progress → Finished" in mailoutbox[0].body
    assert "Not reported → In progress" not in mailoutbox[0].body


def test_unconfirmed_followers_get_no_digest(secretariat, mailoutbox):
    commitment = make_mxmex0009()
    follower = Follower.objects.create(email="ana@example.org")
    Subscription.objects.create(follower=follower, commitment=commitment)
    change(commitment.milestones.first(), secretariat, "in_progress")
    assert services.send_digests() == 0 and mailoutbox == []


def test_newly_published_reports_are_in_the_digest(mailoutbox):
    from reports.models import EndOfCommitmentReport, InceptionReport
    from tests.factories import make_end_of_commitment_report, make_inception_report

    commitment = make_mxmex0009()
    plan = commitment.action_plans.get()
    confirmed("ana@example.org", plan)
    inception = make_inception_report(plan, status="published")
    end = make_end_of_commitment_report(commitment, status="published")
    now = timezone.now()
    InceptionReport.objects.filter(pk=inception.pk).update(published_at=now)
    EndOfCommitmentReport.objects.filter(pk=end.pk).update(published_at=now)
    assert services.send_digests() == 1
    body = mailoutbox[0].body
    assert "Inception Report published" in body and inception.get_absolute_url() in body
    assert "End-of-Commitment Report published" in body and end.get_absolute_url() in body


def test_dry_run_sends_nothing(secretariat, mailoutbox):
    commitment = make_mxmex0009()
    confirmed("ana@example.org", commitment)
    change(commitment.milestones.first(), secretariat, "in_progress")
    call_command("send_digests", "--dry-run")
    assert mailoutbox == []
    assert services.send_digests() == 1


def test_two_followers_two_emails_one_each(secretariat, mailoutbox):
    commitment = make_mxmex0009()
    make_milestone(commitment, number=9)
    confirmed("a@example.org", commitment)
    confirmed("b@example.org", commitment)
    change(commitment.milestones.first(), secretariat, "in_progress")
    assert services.send_digests() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]


def test_a_new_follow_starts_at_its_own_confirmation(secretariat, mailoutbox):
    first = make_commitment(milestones=1)
    second = make_commitment(milestones=1)
    follower = confirmed("ana@example.org", first)
    Follower.objects.filter(pk=follower.pk).update(
        last_digest_at=timezone.now() - datetime.timedelta(days=2)
    )
    change(second.milestones.get(), secretariat, "stuck")  # before following it
    confirmed("ana@example.org", second)
    change(first.milestones.get(), secretariat, "in_progress")
    assert services.send_digests() == 1
    body = mailoutbox[0].body
    assert "Not reported → In progress" in body and "Stuck" not in body
