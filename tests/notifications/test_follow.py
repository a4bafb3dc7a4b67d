"""Follow by email: double opt-in, signed links, unsubscribing, the honeypot and rate limit."""

import datetime

import pytest
from django.core import signing
from django.utils import timezone

from commitments.models import Comment
from notifications import services
from notifications.models import Follower, Kind, SentEmail, Subscription
from tests.factories import (
    make_commitment,
    make_member,
    make_mxmex0009,
    make_plan,
    make_secretariat,
)
from tests.notifications.conftest import link

pytestmark = pytest.mark.django_db

FORM = {"email": "Lucia@Example.org", "language": "es", "website": ""}


def follow(client, url="/en/follow/commitment/MXMEX0009/", **data):
    return client.post(url, {**FORM, **data})


def test_following_sends_only_a_confirmation(client, mailoutbox):
    make_mxmex0009()
    response = follow(client)
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["lucia@example.org"]
    # Spanish, as chosen, whatever the page's language.
    assert "/es/follow/confirm/" in message.body
    assert '<html lang="es">' in message.alternatives[0].content
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    log = SentEmail.objects.get()
    assert (log.kind, log.status, log.recipient) == (
        Kind.FOLLOW_CONFIRMATION,
        "sent",
        "lucia@example.org",
    )
    # Plain text and HTML parts.
    assert message.alternatives[0].mimetype == "text/html"


def test_nothing_is_sent_before_confirmation(client, mailoutbox, secretariat):
    commitment = make_mxmex0009()
    follow(client)
    mailoutbox.clear()
    milestone = commitment.milestones.first()
    services_change(milestone, secretariat)
    assert services.send_digests(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert mailoutbox == []


def services_change(milestone, by, status="in_progress"):
    from commitments.services import change_milestone_status

    change_milestone_status(milestone=milestone, new_status=status, by=by, note="Avance")


def test_confirming_takes_a_click_on_a_button(client, mailoutbox):
    make_mxmex0009()
    follow(client)
    confirm = link(mailoutbox[0], "/follow/confirm/")
    page = client.get(confirm)
    assert page.status_code == 200
    assert Subscription.objects.get().confirmed_at is None  # a link checker's GET confirms nothing
    response = client.post(confirm)
    assert response.status_code == 302
    assert Subscription.objects.get().confirmed_at is not None
    manage = client.get(response["Location"])
    assert "MXMEX0009" in manage.content.decode()


def test_a_forged_confirmation_link_is_refused(client, mailoutbox):
    make_mxmex0009()
    follow(client)
    subscription = Subscription.objects.get()
    forged = signing.dumps({"s": subscription.pk, "k": "guess"}, salt="wrong-salt")
    for token in (forged, confirm_path_token(mailoutbox[0])[:-3] + "abc"):
        response = client.post(f"/en/follow/confirm/{token}/")
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert Subscription.objects.get().confirmed_at is None


def confirm_path_token(message):
    return link(message, "/follow/confirm/").rstrip("/").rsplit("/", 1)[1]


def test_an_expired_confirmation_link_is_refused(client, mailoutbox, settings):
    make_mxmex0009()
    follow(client)
    token = confirm_path_token(mailoutbox[0])
    settings.FOLLOW_CONFIRM_MAX_AGE = -1  # every link is older than that
    assert client.post(f"/en/follow/confirm/{token}/").status_code == 400
    assert Subscription.objects.get().confirmed_at is None


def test_a_confirmed_follow_is_not_asked_again(client, mailoutbox):
    make_mxmex0009()
    follow(client)
    client.post(link(mailoutbox[0], "/follow/confirm/"))
    mailoutbox.clear()
    response = follow(client)
    assert "Check your email" in response.content.decode()  # the same answer: nothing revealed
    assert mailoutbox == []


def test_members_and_plans_can_be_followed(client, mailoutbox):
    member = make_member(slug="mexico-state")
    plan = make_plan(member, slug="plan-2021")
    assert follow(client, "/en/follow/member/mexico-state/").status_code == 200
    assert follow(client, "/en/follow/plan/plan-2021/").status_code == 200
    assert {str(s.target) for s in Subscription.objects.all()} == {str(member), str(plan)}
    assert Follower.objects.count() == 1


def test_drafts_and_unknown_pages_cannot_be_followed(client, mailoutbox):
    draft = make_commitment(published=False)
    make_plan(published=False, slug="draft-plan")
    assert follow(client, f"/en/follow/commitment/{draft.pk}/").status_code == 404
    assert follow(client, "/en/follow/plan/draft-plan/").status_code == 404
    assert follow(client, "/en/follow/member/nobody/").status_code == 404
    assert client.post("/en/follow/institution/x/", FORM).status_code == 404
    assert follow(client, "/en/follow/commitment/99999999999999999999/").status_code == 404
    assert mailoutbox == [] and not Subscription.objects.exists()


def test_a_bad_address_gets_a_clear_error(client, mailoutbox):
    make_mxmex0009()
    response = follow(client, email="not an address")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    response = follow(client, language="fr")
    assert response.status_code == 400
    assert mailoutbox == [] and not Follower.objects.exists()


def test_robots_filling_the_honeypot_get_the_same_answer_and_nothing_is_kept(client, mailoutbox):
    make_mxmex0009()
    response = follow(client, website="http://spam.example")
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert mailoutbox == [] and not Follower.objects.exists()


def test_follow_requests_are_rate_limited(client, mailoutbox, settings):
    settings.FOLLOW_RATE_LIMIT = 2
    make_mxmex0009()
    assert follow(client, email="a@example.org").status_code == 200
    assert follow(client, email="b@example.org").status_code == 200
    response = follow(client, email="c@example.org")
    assert response.status_code == 429
    assert "several requests in a short time" in response.content.decode()
    assert Follower.objects.count() == 2


def test_pages_show_the_follow_form_without_any_address(client):
    commitment = make_mxmex0009()
    follow(client)
    Subscription.objects.update(confirmed_at=timezone.now())
    plan = commitment.action_plans.get()
    for url in (
        "/en/commitments/MXMEX0009/",
        plan.get_absolute_url(),
        plan.member.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        assert "Follow by email" in html
        assert "lucia@example.org" not in html.lower()
    assert (
        'action="/es/follow/commitment/MXMEX0009/"'
        in client.get("/es/commitments/MXMEX0009/").content.decode()
    )


def confirmed_follower(client, mailoutbox):
    make_mxmex0009()
    follow(client)
    client.post(link(mailoutbox[0], "/follow/confirm/"))
    mailoutbox.clear()
    return Follower.objects.get()


def test_the_unsubscribe_link_ends_everything(client, mailoutbox):
    follower = confirmed_follower(client, mailoutbox)
    url = f"/en/follow/unsubscribe/{services.follower_token(follower)}/"
    assert client.get(url).status_code == 200
    assert Follower.objects.exists()  # looking changes nothing
    response = client.post(url)
    assert "You follow nothing now" in response.content.decode()
    assert not Follower.objects.exists() and not Subscription.objects.exists()
    # The link dies with the address.
    assert client.get(url).status_code == 400


def test_one_click_unsubscribe_from_the_mail_program(client, mailoutbox):
    follower = confirmed_follower(client, mailoutbox)
    csrf_client = client.__class__(enforce_csrf_checks=True)
    url = f"/en/follow/unsubscribe/{services.follower_token(follower)}/"
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Follower.objects.exists()
    # Again: still a quiet 200, as RFC 8058 expects.
    assert csrf_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_the_manage_page_ends_one_follow_at_a_time(client, mailoutbox):
    follower = confirmed_follower(client, mailoutbox)
    plan = Subscription.objects.get().commitment.action_plans.get()
    follow(client, plan.get_absolute_url().replace("/plans/", "/follow/plan/"))
    url = f"/en/follow/manage/{services.follower_token(follower)}/"
    html = client.get(url).content.decode()
    assert "MXMEX0009" in html and "not confirmed yet" in html
    first = Subscription.objects.get(commitment__isnull=False)
    assert client.post(url, {"end": "abc"}).status_code == 400
    assert client.post(url, {"end": "999999"}).status_code == 400
    response = client.post(url, {"end": first.pk})
    assert response.status_code == 302
    assert list(Subscription.objects.values_list("action_plan", flat=True)) == [plan.pk]
    other = Follower.objects.create(email="other@example.org")
    other_sub = Subscription.objects.create(follower=other, commitment=first.commitment)
    # One address cannot end another's follows.
    assert client.post(url, {"end": other_sub.pk}).status_code == 400
    assert Subscription.objects.filter(pk=other_sub.pk).exists()
    response = client.post(url, {"end_all": "1"})
    assert "You follow nothing now" in response.content.decode()
    assert list(Follower.objects.all()) == [other]


def test_a_forged_manage_link_is_refused(client):
    assert client.get("/en/follow/manage/" + "x" * 40 + "/").status_code == 400
    assert client.get("/en/follow/unsubscribe/abc:def:ghi12/").status_code == 400


def test_a_commenter_who_ticks_follow_is_asked_to_confirm_once_approved(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    commitment = make_mxmex0009()
    client.post(
        f"/en/comments/commitments.commitment/{commitment.pk}/",
        {"name": "Ana", "email": "ana@example.org", "text": "¿Y el estudio?", "follow": "on"},
    )
    comment = Comment.objects.get()
    assert comment.follow_requested
    assert mailoutbox == [] and not Follower.objects.exists()
    client.force_login(make_secretariat())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/commitments/comment/",
            {"action": "approve", "_selected_action": [comment.pk]},
        )
    assert Comment.objects.get().status == "approved"
    subscription = Subscription.objects.get()
    assert subscription.commitment == commitment and subscription.confirmed_at is None
    assert subscription.follower.email == "ana@example.org"
    assert len(mailoutbox) == 1 and "/en/follow/confirm/" in mailoutbox[0].body


def test_a_commenter_who_does_not_tick_follow_follows_nothing(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    commitment = make_mxmex0009()
    comment = Comment.objects.create(target=commitment, name="Ana", email="a@example.org", text="x")
    client.force_login(make_secretariat())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/commitments/comment/{comment.pk}/change/", {"status": "approved"})
    assert Comment.objects.get().status == "approved"
    assert not Follower.objects.exists() and mailoutbox == []


def test_plans_comment_form_has_no_follow_tick(client):
    plan = make_plan()
    assert 'name="follow"' not in client.get(plan.get_absolute_url()).content.decode()
    assert 'name="follow"' in client.get(make_mxmex0009().get_absolute_url()).content.decode()
