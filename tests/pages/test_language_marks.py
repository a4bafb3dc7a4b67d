"""Names and titles in the page's language: a translation is marked, a text shown in the other
language carries its ``lang`` and a note."""

import xml.etree.ElementTree as ET

import pytest

from commitments.models import MilestoneStatus, MilestoneUpdate
from commitments.services import change_milestone_status
from plans.models import Forum, Member
from tests import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SPANISH_ONLY = '<span lang="es">Estado de Hidalgo</span> <span class="lang-note">(Original text in Spanish)</span>'


def member_with_commitment(**names) -> Member:
    member = Member.objects.create(slug="hidalgo", original_language="es", **names)
    plan = f.make_plan(member)
    f.make_commitment(plan, milestones=2)
    return member


def test_a_member_name_without_english_is_shown_in_spanish_with_its_lang(client):
    member_with_commitment(name_es="Estado de Hidalgo")
    for path in ("/en/members/", "/en/members/hidalgo/", "/en/"):
        body = client.get(path).content.decode()
        assert SPANISH_ONLY in body, path
    spanish = client.get("/es/members/hidalgo/").content.decode()
    assert "<h1>Estado de Hidalgo</h1>" in spanish


def test_a_translated_member_name_is_marked(client):
    member_with_commitment(name_es="Estado de Hidalgo", name_en="Hidalgo State")
    english = client.get("/en/members/").content.decode()
    assert 'Hidalgo State <span class="lang-note">(Translation)</span>' in english
    spanish = client.get("/es/members/").content.decode()
    assert ">Estado de Hidalgo</a>" in spanish


def test_a_member_display_name_comes_first(client):
    member_with_commitment(
        name_es="Hidalgo", display_name_es="Hidalgo, México", display_name_en="Hidalgo, Mexico"
    )
    english = client.get("/en/members/hidalgo/").content.decode()
    assert '<h1>Hidalgo, Mexico <span class="lang-note">(Translation)</span></h1>' in english


def make_forum(**fields) -> Forum:
    member = f.make_member()
    return Forum.objects.create(member=member, slug="stl", original_language="en", **fields)


def test_a_forum_name_without_spanish_is_shown_in_english_with_its_lang(client):
    make_forum(name="Local Technical Secretariat")
    spanish = client.get("/es/secretariat/stl/").content.decode()
    assert (
        '<h1><span lang="en">Local Technical Secretariat</span> '
        '<span class="lang-note">(Texto original en inglés)</span>'
    ) in spanish
    english = client.get("/en/secretariat/stl/").content.decode()
    assert "<h1>Local Technical Secretariat" in english
    assert "(Translation)" not in english.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_a_translated_forum_name_is_marked(client):
    make_forum(name="Local Technical Secretariat", name_es="Secretariado Técnico Local")
    spanish = client.get("/es/secretariat/stl/").content.decode()
    assert '<h1>Secretariado Técnico Local <span class="lang-note">(Traducción)</span>' in spanish


def test_the_data_page_marks_plan_titles_shown_in_the_other_language(client):
    member = Member.objects.create(
        slug="hidalgo", original_language="es", name_es="Hidalgo", name_en="Hidalgo"
    )
    f.make_plan(member, title_es="Plan de acción de Hidalgo", title_en="", original_language="es")
    f.make_plan(
        member,
        title_es="Segundo plan de Hidalgo",
        title_en="Second Hidalgo plan",
        original_language="es",
    )
    english = client.get("/en/data/").content.decode()
    assert (
        '<span lang="es">Plan de acción de Hidalgo</span> '
        '<span class="lang-note">(Original text in Spanish)</span>' in english
    )
    assert 'Second Hidalgo plan <span class="lang-note">(Translation)</span>' in english
    spanish = client.get("/es/data/").content.decode()
    assert '<th scope="row">Segundo plan de Hidalgo <span class="doc-meta">' in spanish


@pytest.mark.sqlite
def test_search_names_a_matching_institution_in_the_pages_language(client):
    infoem = f.make_institution(
        name="Instituto de Transparencia del Estado de México",
        name_en="Transparency Institute of the State of Mexico",
        acronym="INFOEM",
    )
    f.make_commitment(f.make_plan(), title_en="Open government culture", lead=infoem)
    english = client.get("/en/search/?q=INFOEM").content.decode()
    assert "Institution: Transparency Institute of the State of Mexico" in english
    spanish = client.get("/es/buscar/?q=INFOEM").content.decode()
    assert "Instituto de Transparencia del Estado de México" in spanish


def test_the_feed_marks_the_language_of_a_note_and_of_a_fallback_title(client):
    commitment = f.make_commitment(f.make_plan(), title_en="Open government culture")
    milestone = f.make_milestone(
        commitment, title_es="Elaborar una agenda local", title_en="", original_language="es"
    )
    change_milestone_status(
        milestone=milestone,
        new_status=MilestoneStatus.IN_PROGRESS,
        by=f.make_secretariat(),
        note="Cuatro sesiones celebradas.",
    )
    MilestoneUpdate.objects.filter(milestone=milestone).update(language="es")
    response = client.get("/en/feeds/updates/")
    feed = ET.fromstring(response.content)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    html = feed.find(f"{ATOM}entry/{ATOM}summary").text
    assert '<div lang="es"><p>Cuatro sesiones celebradas.</p></div>' in html
    assert (
        '<span lang="es">Elaborar una agenda local</span> '
        '<span class="lang-note">(Original text in Spanish)</span>' in html
    )
