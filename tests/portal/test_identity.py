"""The portal's name, owners, contact and pages come from the site settings, in both languages."""

from __future__ import annotations

import pytest

from plans.models import Member
from portal.models import FooterLink, SiteSettings
from portal.services import forget_site_settings, site_settings
from tests.factories import make_commitment, make_member, make_plan


def configure(**fields) -> SiteSettings:
    record = SiteSettings.objects.get(pk=1)
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()
    return record


def test_a_new_installation_names_no_member(client, db):
    html = client.get("/en/").content.decode()
    assert "State of Mexico" not in html
    assert "<title>" in html and "Open Government Tracker</title>" in html
    assert "What did these governments promise" in html


def test_name_tagline_description_and_links_follow_the_settings_in_both_languages(client, db):
    record = configure(
        name_es="Gobierno Abierto Jalisco",
        name_en="Open Government Jalisco",
        tagline_es="Estado de Jalisco",
        tagline_en="State of Jalisco",
        description_es="Lo que Jalisco prometió.",
        description_en="What Jalisco promised.",
        contact_email="contacto@example.org",
    )
    FooterLink.objects.create(
        settings=record,
        label_es="Sitio del gobierno",
        label_en="Government site",
        url="https://example.org/",
    )
    english = client.get("/en/").content.decode()
    spanish = client.get("/es/").content.decode()
    assert "Open Government Jalisco" in english and "State of Jalisco" in english
    assert "What Jalisco promised." in english
    assert "Gobierno Abierto Jalisco" in spanish and "Estado de Jalisco" in spanish
    assert "Lo que Jalisco prometió." in spanish
    assert '<a href="https://example.org/">Government site</a>' in english
    assert '<a href="https://example.org/">Sitio del gobierno</a>' in spanish
    assert "mailto:contacto@example.org" in english
    assert "Open Government Jalisco</title>" in client.get("/en/commitments/").content.decode()


def test_an_edit_shows_at_once(client, db):
    client.get("/en/")  # fills the cache
    configure(name_en="Renamed portal")
    assert "Renamed portal" in client.get("/en/").content.decode()


def test_an_owner_rename_shows_at_once(client, db):
    member = make_member(name="Old name")
    SiteSettings.objects.get(pk=1).owners.set([member])
    assert "What did Old name promise" in client.get("/en/").content.decode()
    member.name = "New name"
    member.save()
    assert "What did New name promise" in client.get("/en/").content.decode()


def test_site_settings_are_read_once_then_from_the_cache(db, django_assert_num_queries):
    forget_site_settings()
    # 1 the record  2 its owners  3 its footer links
    with django_assert_num_queries(3):
        site_settings()
    with django_assert_num_queries(0):
        site_settings()


@pytest.mark.parametrize(
    ("url", "heading", "text"),
    [
        ("/en/privacy/", "Privacy notice", "Sign-in records"),
        ("/es/privacidad/", "Aviso de privacidad", "Registros de inicio de sesión"),
        ("/en/accessibility/", "Accessibility statement", "WCAG) 2.2 at level AA"),
        ("/es/accesibilidad/", "Declaración de accesibilidad", "WCAG) 2.2 en el nivel AA"),
    ],
)
def test_privacy_and_accessibility_pages_have_their_default_text(client, db, url, heading, text):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert text in html
    if url.startswith("/en/"):
        assert f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/es/privacy/", "/es/privacidad/"),
        ("/en/privacidad/", "/en/privacy/"),
        ("/es/accessibility/", "/es/accesibilidad/"),
        ("/en/accesibilidad/", "/en/accessibility/"),
    ],
)
def test_each_language_has_one_address_per_page(client, db, url, target):
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == target


def test_the_privacy_notice_is_edited_by_the_secretariat(client, db):
    configure(
        privacy_notice_en="We keep names.\n\n## Contact\n\nWrite to us.",
        privacy_notice_es="",
        contact_email="privacidad@example.org",
    )
    html = client.get("/en/privacy/").content.decode()
    assert "<p>We keep names.</p>" in html and "<h2>Contact</h2>" in html
    assert "mailto:privacidad@example.org" in html
    # No Spanish version: the English one is shown, marked as such.
    spanish = client.get("/es/privacidad/").content.decode()
    assert "We keep names." in spanish
    assert 'lang="en"' in spanish


def test_every_page_links_privacy_and_accessibility_in_its_language(client, db):
    english = client.get("/en/").content.decode()
    spanish = client.get("/es/").content.decode()
    assert 'href="/en/privacy/"' in english and 'href="/en/accessibility/"' in english
    assert 'href="/es/privacidad/"' in spanish and 'href="/es/accesibilidad/"' in spanish


def test_site_settings_admin_is_for_the_secretariat(client, secretariat, implementer):
    client.force_login(implementer)
    assert client.get("/admin/portal/sitesettings/1/change/").status_code == 403
    client.force_login(secretariat)
    assert client.get("/admin/portal/sitesettings/").status_code == 302
    page = client.get("/admin/portal/sitesettings/1/change/")
    assert page.status_code == 200
    assert "name_es" in page.content.decode() and "name_en" in page.content.decode()


# Several members ------------------------------------------------------------------------------


def members_with_plans(count: int, country: Member | None = None) -> list[Member]:
    members = []
    for i in range(count):
        member = make_member(name=f"Local {i:02d}", country=country)
        make_commitment(make_plan(member), milestones=1)
        members.append(member)
    return members


def test_one_owner_home_speaks_of_it(client, db):
    (member,) = members_with_plans(1)
    SiteSettings.objects.get(pk=1).owners.set([member])
    html = client.get("/en/").content.decode()
    assert "What did Local 00 promise, and what has it delivered?" in html


def test_two_member_installation_home_and_navigation(client, db):
    members = members_with_plans(2)
    SiteSettings.objects.get(pk=1).owners.set(members)
    response = client.get("/en/")
    html = response.content.decode()
    assert "What did these governments promise" in html
    for member in members:
        assert member.get_absolute_url() in html
    assert 'href="/en/members/"' in html
    assert "All members" not in html  # both fit on the home page


def test_twenty_member_installation_home_is_bounded(client, db, django_assert_num_queries):
    national = make_member(name="Mexico", kind="national")
    members_with_plans(20, country=national)
    with django_assert_num_queries(8):  # as with three members (below)
        response = client.get("/en/")
    html = response.content.decode()
    assert len(response.context["members"]) == 12
    assert "All members" in html
    members_page = client.get("/en/members/").content.decode()
    for i in range(20):
        assert f"Local {i:02d}" in members_page


def test_home_query_count_does_not_grow_with_members(client, db, django_assert_num_queries):
    members_with_plans(3)
    # 1 the version of the public data (the choice of members and plans and the plans' chart
    # are kept under it)  2-3 the largest members' keys, then their rows with roll-ups and
    # countries  4-5 plans in implementation: keys, then rows  6 earlier plans' keys (none
    # here: no rows to read)  7 milestone status counts  8 latest updates
    with django_assert_num_queries(8) as few:
        client.get("/en/")
    members_with_plans(10)
    with django_assert_num_queries(len(few)):
        client.get("/en/")


def test_national_member_page_lists_its_locals_with_plans_and_progress(
    client, db, django_assert_num_queries
):
    national = make_member(name="Mexico", slug="mexico", kind="national")
    own = make_plan(national, title="Action Plan 4", start_year=2019, end_year=2022)
    locals_ = members_with_plans(3, country=national)
    html = client.get("/en/members/mexico/").content.decode()
    assert "Local members" in html
    assert own.title in html
    for member in locals_:
        assert member.get_absolute_url() in html
        for plan in member.action_plans.all():
            assert plan.get_absolute_url() in html
    # The member with its roll-up (its status chart reads it), its plans, its resources with
    # their count, its local members and their plans with roll-ups, contacts, its commitments
    # (none here: the roll-up's count spares the page), the version of the public data (its
    # charts, resource years and the published reports of its plans are kept under it, drawn
    # by the visit above).
    with django_assert_num_queries(7) as few:
        client.get("/en/members/mexico/")
    counted = len(few)
    members_with_plans(4, country=national)
    client.get("/en/members/mexico/")  # what is kept is drawn again after a change, once
    with django_assert_num_queries(counted):
        client.get("/en/members/mexico/")


def test_a_local_member_page_has_no_locals_section(client, db):
    (member,) = members_with_plans(1)
    html = client.get(member.get_absolute_url()).content.decode()
    assert "Local members" not in html


def test_a_national_plan_without_entered_commitments_shows_ogps_figure_and_summary(client, db):
    national = make_member(name="Mexico", slug="mexico", kind="national")
    make_plan(
        national,
        title="Action Plan 4",
        start_year=2019,
        end_year=2022,
        reported_commitments=13,
        introduction="The fourth action plan brings several lessons.",
    )
    html = client.get("/en/members/mexico/").content.decode()
    assert "Latest action plan" in html
    assert "Number of Commitments: 13" in html
    assert "as reported by OGP; not entered here" in html
    assert "The fourth action plan brings several lessons." in html
    assert "1 action plan" in html


def test_an_existing_portal_gets_the_new_privacy_sentences_and_keeps_a_rewritten_notice(db):
    from importlib import import_module

    from django.apps import apps

    from portal import defaults

    step = import_module("portal.migrations.0004_privacy_notice_names_the_email_log")
    old_en, _ = step.FOLLOWS["en"]
    sign_in_en, _ = step.SIGN_IN["en"]
    record = SiteSettings.objects.get_or_create(pk=1)[0]
    record.privacy_notice_en = f"Intro.\n\n{old_en}\n\nSign-in records: kept {sign_in_en}"
    record.privacy_notice_es = "Un aviso que el secretariado escribió de nuevo."
    record.save()
    step.forwards(apps, None)
    record.refresh_from_db()
    assert "Emails sent: every email the portal sends" in record.privacy_notice_en
    assert "These records are deleted after 90 days." in record.privacy_notice_en
    assert "The secretariat can delete them." not in record.privacy_notice_en
    assert record.privacy_notice_es == "Un aviso que el secretariado escribió de nuevo."
    # The earlier default becomes exactly today's.
    assert defaults.PRIVACY["en"].count("Emails sent:") == 1
