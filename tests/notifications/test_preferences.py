"""The notifications page of signed-in users, and the switch-off link in their emails."""

import pytest

from notifications import services
from notifications.models import EmailPreference, Kind, NotificationProfile
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/en/notifications/"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=/en/notifications/")
    assert client.post(URL, {"language": "es"}).status_code == 302
    assert not NotificationProfile.objects.exists()


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("implementer", ["A milestone of my institution ends soon"], ["A report was assigned"]),
        ("evaluator", ["A report was assigned to me"], ["A milestone of my institution"]),
        ("secretariat", ["Daily summary for the secretariat"], ["A report was assigned"]),
    ],
)
def test_each_role_sees_its_own_email_types(client, request, persona, shown, hidden):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(URL).content.decode()
    for label in shown:
        assert label in html
    for label in hidden:
        assert label not in html


def test_a_user_without_a_role_sees_an_empty_state(client):
    client.force_login(make_user())
    html = client.get(URL).content.decode()
    assert "Your account receives no emails of its own" in html


def test_switching_types_off_and_on(client, implementer):
    client.force_login(implementer)
    response = client.post(URL, {"language": "en", Kind.MILESTONE_DUE_SOON: "on"})
    assert response.status_code == 302
    assert services.switched_off([implementer]) == {(implementer.pk, Kind.MILESTONE_OVERDUE)}
    assert NotificationProfile.objects.get(user=implementer).language == "en"
    html = client.get(URL).content.decode()
    assert 'name="milestone_overdue" id="id_milestone_overdue"' in html  # unticked now
    assert 'name="milestone_due_soon" id="id_milestone_due_soon" checked' in html
    client.post(URL, {"language": "en", "milestone_due_soon": "on", "milestone_overdue": "on"})
    assert services.switched_off([implementer]) == set()


def test_a_user_cannot_switch_types_of_another_role(client, implementer):
    client.force_login(implementer)
    client.post(URL, {"language": "es", Kind.SECRETARIAT_SUMMARY: ""})
    assert not EmailPreference.objects.filter(kind=Kind.SECRETARIAT_SUMMARY).exists()


def test_a_bad_language_is_refused_and_changes_nothing(client, implementer):
    client.force_login(implementer)
    response = client.post(URL, {"language": "fr"})
    assert response.status_code == 400
    assert not NotificationProfile.objects.exists() and not EmailPreference.objects.exists()


def test_the_link_in_an_email_switches_one_type_off_without_signing_in(client, implementer):
    token = services.user_kind_token(implementer, Kind.MILESTONE_OVERDUE)
    url = f"/en/notifications/off/{token}/"
    assert client.get(url).status_code == 200
    assert not EmailPreference.objects.exists()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert services.switched_off([implementer]) == {(implementer.pk, Kind.MILESTONE_OVERDUE)}


def test_a_forged_switch_off_link_is_refused(client, implementer):
    from django.core import signing

    forged = signing.dumps({"u": implementer.pk, "k": Kind.MILESTONE_OVERDUE}, salt="other")
    assert client.post(f"/en/notifications/off/{forged}/").status_code == 400
    assert not EmailPreference.objects.exists()


def test_signed_in_users_find_the_page_from_the_admin_and_the_workspace(
    client, implementer, evaluator
):
    client.force_login(implementer)
    assert (
        'href="/en/notifications/"'
        in client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    client.force_login(evaluator)
    assert 'href="/en/notifications/"' in client.get("/en/evaluations/").content.decode()
