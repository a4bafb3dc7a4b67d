"""Comments: validation, honeypot, rate limit, moderation in the admin, escaping."""

import pytest
from django.core.cache import cache

from commitments.models import Comment
from tests.factories import (
    make_commitment,
    make_implementer,
    make_institution,
    make_mxmex0009,
    make_plan,
    make_secretariat,
)

pytestmark = pytest.mark.django_db

GOOD = {"name": "Ana López", "email": "ana@example.org", "text": "¿Cuándo se publica el estudio?"}


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def post_url(obj):
    return f"/en/comments/{obj._meta.label_lower}/{obj.pk}/"


def test_a_comment_waits_for_approval(client):
    commitment = make_mxmex0009()
    response = client.post(post_url(commitment), GOOD, follow=True)
    assert response.redirect_chain[-1][0] == "/en/commitments/MXMEX0009/#comments"
    html = response.content.decode()
    assert "Your comment will appear once it is approved." in html
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.target == commitment
    assert comment.name == "Ana López" and comment.email == "ana@example.org"
    assert "¿Cuándo se publica el estudio?" not in html  # pending: not shown
    assert "No comments yet" in html


def test_approved_comments_show_without_their_email(client):
    plan = make_plan()
    client.post(post_url(plan), GOOD)
    Comment.objects.update(status=Comment.Status.APPROVED)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "¿Cuándo se publica el estudio?" in html
    assert "Ana López" in html
    assert "ana@example.org" not in html
    assert "No comments yet" not in html


@pytest.mark.parametrize("status", [Comment.Status.REJECTED, Comment.Status.SPAM])
def test_rejected_and_spam_comments_stay_hidden(client, status):
    commitment = make_commitment(title="C")
    Comment.objects.create(target=commitment, status=status, **GOOD)
    assert "¿Cuándo" not in client.get(commitment.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("email", "", "This field is required."),
        ("email", "not-an-address", "Enter a valid email address."),
        ("text", "   ", "This field is required."),
        ("text", "x" * 5001, "Ensure this value has at most 5000 characters"),
    ],
)
def test_bad_comments_get_a_clear_error_and_change_nothing(client, field, value, message):
    commitment = make_commitment(title="C")
    response = client.post(post_url(commitment), {**GOOD, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Your comment was not sent." in html
    assert 'value="ana@example.org"' in html or field == "email"  # what was typed is kept
    assert Comment.objects.count() == 0


def test_the_honeypot_drops_robots_silently(client):
    commitment = make_commitment(title="C")
    response = client.post(post_url(commitment), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302  # the same answer people get…
    assert Comment.objects.count() == 0  # …but nothing is kept


def test_the_honeypot_is_hidden_from_people_but_labelled(client):
    html = client.get(make_commitment(title="C").get_absolute_url()).content.decode()
    assert '<div class="hp">' in html
    assert "Leave this field empty" in html
    assert 'name="website"' in html and 'tabindex="-1"' in html


def test_one_address_may_not_flood_comments(client, settings):
    settings.COMMENT_RATE_LIMIT = 2
    commitment = make_commitment(title="C")
    for _ in range(2):
        assert client.post(post_url(commitment), GOOD, REMOTE_ADDR="10.0.0.1").status_code == 302
    response = client.post(post_url(commitment), GOOD, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.content.decode()
    assert Comment.objects.count() == 2
    # Another address is not affected.
    assert client.post(post_url(commitment), GOOD, REMOTE_ADDR="10.0.0.2").status_code == 302
    assert Comment.objects.count() == 3


def test_behind_a_trusted_proxy_the_limit_counts_the_forwarded_address(client, settings):
    settings.COMMENT_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_HOPS = 1
    commitment = make_commitment(title="C")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    first = {"HTTP_X_FORWARDED_FOR": "10.0.0.1", **proxy}
    second = {"HTTP_X_FORWARDED_FOR": "10.0.0.2", **proxy}
    assert client.post(post_url(commitment), GOOD, **first).status_code == 302
    # one visitor reaching the limit does not stop another behind the same proxy
    assert client.post(post_url(commitment), GOOD, **second).status_code == 302
    assert client.post(post_url(commitment), GOOD, **first).status_code == 429
    # a forged leftmost entry does not escape the limit: the proxy appends the real address
    spoofed = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 10.0.0.1", **proxy}
    assert client.post(post_url(commitment), GOOD, **spoofed).status_code == 429
    assert Comment.objects.count() == 2


def test_comment_text_is_escaped_and_links_are_not_followed(client):
    commitment = make_commitment(title="C")
    Comment.objects.create(
        target=commitment,
        status=Comment.Status.APPROVED,
        name="<b>Bot</b>",
        email="x@example.org",
        text='<script>alert(1)</script> see https://spam.example and <a href="https://x.example">x</a>',
    )
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bot&lt;/b&gt;" in html
    assert 'href="https://spam.example' not in html
    assert 'href="https://x.example' not in html
    assert "<script>" not in html


@pytest.mark.parametrize("how", ["unpublished", "draft_plan"])
def test_no_comments_on_what_the_public_cannot_see(client, how):
    if how == "unpublished":
        target = make_commitment(published=False)
    else:
        target = make_plan(published=False)
    assert client.post(post_url(target), GOOD).status_code == 404
    assert Comment.objects.count() == 0


def test_only_commentable_models_take_comments(client):
    institution = make_institution()
    response = client.post(f"/en/comments/plans.institution/{institution.pk}/", GOOD)
    assert response.status_code == 404
    assert client.post("/en/comments/nonsense/1/", GOOD).status_code == 404


def test_comments_are_posted_not_fetched(client):
    commitment = make_commitment(title="C")
    assert client.get(post_url(commitment)).status_code == 405


def test_the_form_uses_the_seed_wording_and_labels_every_field(client):
    html = client.get(make_commitment(title="C").get_absolute_url()).content.decode()
    assert "Leave a Reply" in html
    assert "Your email address will not be published. Required fields are marked *" in html
    for field in ("name", "email", "text", "website"):
        assert f'for="id_{field}"' in html


# Moderation in the admin --------------------------------------------------------------------


@pytest.fixture
def pending():
    import commitments.admin  # noqa: F401  (registers the comment admin)

    commitment = make_commitment(title="C")
    return [Comment.objects.create(target=commitment, **GOOD) for _ in range(3)]


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", "approved"), ("reject", "rejected"), ("mark_spam", "spam")],
)
def test_the_secretariat_moderates_comments_in_bulk(client, pending, action, status):
    moderator = make_secretariat()
    client.force_login(moderator)
    response = client.post(
        "/admin/commitments/comment/",
        {"action": action, "_selected_action": [c.pk for c in pending[:2]]},
        follow=True,
    )
    assert response.status_code == 200
    assert list(Comment.objects.order_by("pk").values_list("status", flat=True)) == [
        status,
        status,
        "pending",
    ]
    moderated = Comment.objects.filter(status=status)
    assert {c.moderated_by for c in moderated} == {moderator}


def test_the_secretariat_sees_the_queue_with_emails(client, pending):
    client.force_login(make_secretariat())
    html = client.get("/admin/commitments/comment/?status__exact=pending").content.decode()
    assert html.count("Ana López") >= 3
    detail = client.get(f"/admin/commitments/comment/{pending[0].pk}/change/").content.decode()
    assert "ana@example.org" in detail


def test_implementers_cannot_moderate(client, pending):
    client.force_login(make_implementer(make_institution()))
    assert client.get("/admin/commitments/comment/").status_code == 403
    client.post(
        "/admin/commitments/comment/",
        {"action": "approve", "_selected_action": [c.pk for c in pending]},
    )
    assert not Comment.objects.filter(status="approved").exists()


def test_nobody_adds_comments_in_the_admin(client, pending):
    client.force_login(make_secretariat())
    assert client.get("/admin/commitments/comment/add/").status_code == 403


def test_an_unbound_forms_fields_are_rendered_once_per_language_and_a_bound_ones_each_time():
    from django.template.loader import render_to_string
    from django.utils import translation

    from commitments.forms import CommentForm
    from notifications.forms import FollowForm
    from plans.templatetags.portal import form_fields

    def full(form):
        return render_to_string("includes/form_fields.html", {"form": form})

    for language in ("en", "es"):
        with translation.override(language):
            for form in (CommentForm(), CommentForm(can_follow=True), FollowForm()):
                first = form_fields(form)
                assert first == full(form) and form_fields(form) is first
    with translation.override("es"):
        spanish = form_fields(FollowForm())
        assert 'value="es" selected' in spanish and "Your email" not in spanish
    with translation.override("en"):
        english = form_fields(FollowForm())
        assert 'value="en" selected' in english and "Your email" in english
        # The comment form with the follow box has one field more than without it.
        assert "id_follow" in form_fields(CommentForm(can_follow=True))
        assert "id_follow" not in form_fields(CommentForm())
        # A field whose initial value is a list is rendered like the others.
        from django import forms

        class Several(forms.Form):
            choices = forms.MultipleChoiceField(choices=[(1, "one"), (2, "two")], initial=[2])

        assert form_fields(Several()) == full(Several()) and "selected" in full(Several())
        bound = CommentForm(data={"name": "", "email": "bad", "text": ""})
        assert not bound.is_valid()
        shown = form_fields(bound)
        assert shown == full(bound) and "Enter a valid email address." in shown
