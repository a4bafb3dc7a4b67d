"""The secretariat invites, edits, deactivates and resets people; it never makes superusers."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail

from plans.roles import EVALUATOR, IMPLEMENTER, SECRETARIAT
from portal import services
from portal.models import Person
from tests.factories import make_evaluator, make_implementer, make_institution, make_user

ADD_URL = "/admin/portal/person/add/"


def invite(client, **fields):
    data = {
        "first_name": "Ana",
        "last_name": "López",
        "email": "ana@example.org",
        "role": EVALUATOR,
        "institutions": [],
    }
    data.update(fields)
    return client.post(ADD_URL, data)


def link_in(message) -> str:
    return re.search(r"http://\S+/accounts/welcome/\S+/", message.body).group(0)


def test_secretariat_invites_an_evaluator_who_sets_a_password_once(
    client, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client)
    assert response.status_code == 302
    person = User.objects.get(email="ana@example.org")
    assert not person.has_usable_password()
    assert not person.is_staff and not person.is_superuser
    assert list(person.groups.values_list("name", flat=True)) == [EVALUATOR]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.org"]
    link = link_in(mail.outbox[0])

    client.logout()
    path = link.removeprefix("http://127.0.0.1:8000")
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "a long new passphrase 7", "new_password2": "a long new passphrase 7"},
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a long new passphrase 7")

    # The same link again: refused, and the password stays.
    client.cookies.clear()
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False
    assert "already used" in again.content.decode()


def test_an_invitation_expires(
    client, secretariat, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client)
    path = link_in(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    client.logout()
    assert client.get(path, follow=True).context["validlink"] is True  # within its 7 days
    eight_days_later = datetime.datetime.now() + datetime.timedelta(days=8)
    monkeypatch.setattr(services.invitation_tokens, "_now", lambda: eight_days_later)
    client.cookies.clear()
    response = client.get(path, follow=True)
    assert response.context["validlink"] is False
    assert "expired" in response.content.decode()


def test_an_invitation_link_is_not_a_password_reset_link(
    client, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client)
    path = link_in(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    client.logout()
    reset_path = path.replace("/accounts/welcome/", "/accounts/password-reset/")
    assert client.get(reset_path, follow=True).context["validlink"] is False


def test_an_implementer_needs_an_institution_and_gets_it(
    client, secretariat, django_capture_on_commit_callbacks
):
    institution = make_institution(name="INFOEM")
    client.force_login(secretariat)
    refused = invite(client, email="luis@example.org", role=IMPLEMENTER)
    assert refused.status_code == 200
    assert "Choose at least one institution" in refused.content.decode()
    assert not User.objects.filter(email="luis@example.org").exists()
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, email="luis@example.org", role=IMPLEMENTER, institutions=[institution.pk])
    person = User.objects.get(email="luis@example.org")
    assert person.is_staff and not person.is_superuser
    assert list(person.institutions.all()) == [institution]


def test_an_email_already_in_use_is_refused(client, secretariat):
    make_user("taken", email="ana@example.org")
    client.force_login(secretariat)
    response = invite(client)
    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert User.objects.filter(email__iexact="ana@example.org").count() == 1


@pytest.mark.parametrize("role", [SECRETARIAT, "superuser", ""])
def test_secretariat_cannot_grant_more_than_implementer_or_evaluator(client, secretariat, role):
    client.force_login(secretariat)
    response = invite(client, role=role, is_superuser="on", is_staff="on", groups=[1, 2, 3])
    assert response.status_code == 200  # the form says the role is not a choice
    assert not User.objects.filter(email="ana@example.org").exists()


def test_extra_fields_posted_to_the_people_admin_are_ignored(
    client, secretariat, django_capture_on_commit_callbacks
):
    secretariat_group = Group.objects.get(name=SECRETARIAT)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, is_superuser="on", groups=[secretariat_group.pk], user_permissions=[1])
    person = User.objects.get(email="ana@example.org")
    assert not person.is_superuser
    assert list(person.groups.values_list("name", flat=True)) == [EVALUATOR]
    assert not person.user_permissions.exists()


def test_secretariat_cannot_see_or_edit_superusers_or_itself(client, secretariat):
    boss = User.objects.create_superuser("boss", "boss@example.org", "pw")
    colleague = make_user("colleague", group=SECRETARIAT, staff=True)
    client.force_login(secretariat)
    for user in (boss, colleague, secretariat):
        url = f"/admin/portal/person/{user.pk}/change/"
        response = client.get(url)
        assert response.status_code == 302  # the admin's “does not exist” redirect
        client.post(
            url,
            {
                "first_name": "X",
                "last_name": "Y",
                "email": "x@example.org",
                "role": EVALUATOR,
                "is_active": "on",
            },
        )
    boss.refresh_from_db()
    colleague.refresh_from_db()
    assert boss.is_superuser and boss.first_name == ""
    assert colleague.groups.filter(name=SECRETARIAT).exists()
    listing = client.get("/admin/portal/person/").content.decode()
    assert "boss@example.org" not in listing
    # Django's own user admin stays closed to the secretariat.
    assert client.get("/admin/auth/user/add/").status_code == 403
    assert client.get(f"/admin/auth/user/{secretariat.pk}/change/").status_code == 403


def test_implementers_and_evaluators_cannot_open_the_people_admin(client, implementer):
    client.force_login(implementer)
    assert client.get("/admin/portal/person/").status_code == 403
    assert client.get(ADD_URL).status_code == 403


def test_people_list_shows_last_sign_in_and_role(client, secretariat, django_assert_num_queries):
    institution = make_institution()
    for _ in range(3):
        make_evaluator()
        make_implementer(institution)
    client.force_login(secretariat)
    response = client.get("/admin/portal/person/")
    html = response.content.decode()
    assert "Last login" in html or "last login" in html.lower()
    assert Person.objects.count() == 6
    # 1 session  2 user  3 its groups (role check)  4 filtered count  5 total count
    # 6 user permissions  7 group permissions (the actions)  8 the page of people
    # 9 prefetch their groups
    with django_assert_num_queries(9):
        client.get("/admin/portal/person/")
    for _ in range(3):
        make_evaluator()
    with django_assert_num_queries(9):  # more rows, the same queries
        client.get("/admin/portal/person/")


def test_deactivate_and_reset_access(client, secretariat, django_capture_on_commit_callbacks):
    person = make_evaluator("eva")
    person.email = "eva@example.org"
    person.save()
    client.force_login(secretariat)
    response = client.post(
        "/admin/portal/person/",
        {"action": "deactivate", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/portal/person/",
            {"action": "reset_access", "_selected_action": [person.pk]},
        )
    person.refresh_from_db()
    assert person.is_active
    assert not person.has_usable_password()
    assert mail.outbox[-1].to == ["eva@example.org"]
    assert "/accounts/welcome/" in mail.outbox[-1].body


def test_secretariat_edits_a_person_and_changes_the_role(client, secretariat):
    institution = make_institution()
    person = make_evaluator("eva")
    client.force_login(secretariat)
    response = client.post(
        f"/admin/portal/person/{person.pk}/change/",
        {
            "first_name": "Eva",
            "last_name": "Ruiz",
            "email": "eva@example.org",
            "role": IMPLEMENTER,
            "institutions": [institution.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_staff and not person.is_superuser
    assert list(person.groups.values_list("name", flat=True)) == [IMPLEMENTER]
    assert list(person.institutions.all()) == [institution]


def test_people_admin_pages_show_the_allowed_fields_only(client, secretariat):
    person = make_evaluator("eva")
    client.force_login(secretariat)
    add = client.get(ADD_URL).content.decode()
    change = client.get(f"/admin/portal/person/{person.pk}/change/").content.decode()
    for html in (add, change):
        assert 'name="email"' in html and 'name="role"' in html and 'name="institutions"' in html
        assert 'name="is_superuser"' not in html and 'name="groups"' not in html
        assert 'name="is_staff"' not in html and 'name="user_permissions"' not in html
        assert f'value="{SECRETARIAT}"' not in html
    assert "Not set yet" not in change  # the factory's person has a password
    index = client.get("/admin/").content.decode()
    assert "/admin/portal/person/" in index and "/admin/portal/sitesettings/" in index
