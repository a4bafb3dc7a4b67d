"""API tokens in the admin: the secretariat issues them to itself and to implementers and
evaluators, never to a superuser or a colleague; superusers choose anyone."""

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from tests.factories import make_evaluator, make_implementer, make_institution, make_secretariat

pytestmark = pytest.mark.django_db

TOKENS = "/admin/authtoken/tokenproxy/"
ADD = f"{TOKENS}add/"


@pytest.fixture
def people(secretariat):
    return {
        "me": secretariat,
        "implementer": make_implementer(make_institution()),
        "evaluator": make_evaluator(),
        "colleague": make_secretariat(),
        "superuser": User.objects.create_superuser("root", "root@example.org", "pw"),
    }


def user_choices(page) -> set[int]:
    return set(page.context["adminform"].form.fields["user"].queryset.values_list("pk", flat=True))


def test_the_secretariat_is_offered_itself_implementers_and_evaluators_only(client, people):
    client.force_login(people["me"])
    page = client.get(ADD)
    assert page.status_code == 200
    allowed = {people[name].pk for name in ("me", "implementer", "evaluator")}
    assert user_choices(page) == allowed


@pytest.mark.parametrize("whom", ["superuser", "colleague"])
def test_the_secretariat_cannot_issue_a_token_to_a_superuser_or_a_colleague(client, people, whom):
    client.force_login(people["me"])
    response = client.post(ADD, {"user": people[whom].pk})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["user"]
    assert errors == [
        "Choose yourself, an implementer or an evaluator: a token for anyone else is issued by "
        "an administrator."
    ]
    assert not Token.objects.exists()


@pytest.mark.parametrize("whom", ["me", "implementer", "evaluator"])
def test_the_secretariat_issues_tokens_to_itself_and_the_people_it_manages(client, people, whom):
    client.force_login(people["me"])
    response = client.post(ADD, {"user": people[whom].pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Token.objects.get().user == people[whom]


def test_the_secretariat_neither_sees_nor_deletes_the_tokens_of_others(client, people):
    theirs = Token.objects.create(user=people["superuser"])
    colleagues = Token.objects.create(user=people["colleague"])
    implementers = Token.objects.create(user=people["implementer"])
    client.force_login(people["me"])
    listing = client.get(TOKENS).content.decode()
    assert theirs.key not in listing and colleagues.key not in listing
    assert implementers.key in listing
    for token in (theirs, colleagues):
        assert client.get(f"{TOKENS}{token.user_id}/change/").status_code == 404
        assert client.post(f"{TOKENS}{token.user_id}/delete/", {"post": "yes"}).status_code == 404
    assert Token.objects.count() == 3


def test_a_token_is_never_handed_to_someone_else(client, people):
    token = Token.objects.create(user=people["implementer"])
    client.force_login(people["me"])
    client.post(f"{TOKENS}{token.user_id}/change/", {"user": people["evaluator"].pk})
    token.refresh_from_db()
    assert token.user == people["implementer"]


def test_a_superuser_may_issue_a_token_to_anyone(client, people):
    client.force_login(people["superuser"])
    assert user_choices(client.get(ADD)) == {person.pk for person in people.values()}
    response = client.post(ADD, {"user": people["colleague"].pk})
    assert response.status_code == 302
    assert Token.objects.get().user == people["colleague"]


def test_implementers_and_evaluators_have_no_token_admin(client, people):
    client.force_login(people["implementer"])
    assert client.get(ADD).status_code == 403
    client.force_login(people["evaluator"])
    assert client.get(ADD).status_code == 302  # not staff: sent to sign in
