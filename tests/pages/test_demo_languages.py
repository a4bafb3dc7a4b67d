"""The demo in both languages: each page shows its language's version of the seed texts, marks
translations, and marks a text shown in the other language with its ``lang`` and a note."""

import io

import pytest
from django.core.management import call_command

from commitments.models import Commitment, Milestone
from plans.models import ActionPlan, Document, Member

pytestmark = pytest.mark.django_db

ES_TRANSLATION = '<span class="lang-note">(Traducción)</span>'
EN_TRANSLATION = '<span class="lang-note">(Translation)</span>'
STATE_PLAN = "/plans/mexico-state-2021-2022/"
CSO = "/institutions/organizaciones-de-la-sociedad-civil-mexiquense/"
FORUM = "/secretariat/local-technical-secretariat-state-of-mexico/"


@pytest.fixture
def demo():
    call_command("loaddemo", "--no-users", stdout=io.StringIO())


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_each_demo_page_reads_in_its_language_and_marks_translations(client, demo):
    # The commitment: OGP's English title is the original; milestone titles are Spanish.
    spanish = page(client, "/es/commitments/MXMEX0009/")
    assert f"<h1>Cultura de gobierno abierto {ES_TRANSLATION}" in spanish
    assert (
        "> Construir un estudio de las condiciones de apertura institucional a nivel municipal</h3>"
        in spanish
    )
    assert "Open government culture" not in main(spanish)
    english = page(client, "/en/commitments/MXMEX0009/")
    assert '<h1>Open government culture <span class="h1-id">' in english
    assert (
        "Build a study of the conditions of institutional openness at the municipal level "
        f"{EN_TRANSLATION}</h3>" in english
    )
    assert "Cultura de gobierno abierto" not in main(english)

    # The plan.
    spanish = page(client, f"/es{STATE_PLAN}")
    assert f"<h1>Plan de acción – Estado de México, México, 2021 – 2022 {ES_TRANSLATION}</h1>" in (
        spanish
    )
    english = page(client, f"/en{STATE_PLAN}")
    assert "<h1>Action plan – Mexico State, Mexico, 2021 – 2022</h1>" in english
    assert f'<h3 class="meeting-title">Everyday justice {EN_TRANSLATION}</h3>' in english

    # The member, in its list and on its page.
    for path in ("/es/members/", "/es/members/mexico-state/", "/es/"):
        assert f"Estado de México, México {ES_TRANSLATION}" in page(client, path), path
    assert "<h1>Mexico State, Mexico</h1>" in page(client, "/en/members/mexico-state/")
    assert ">Mexico State, Mexico</a>" in page(client, "/en/members/")

    # The institutions: the official Spanish name, and the English name beside it.
    infoem_es = page(client, "/es/institutions/infoem/")
    assert "<h1>Instituto de Transparencia, Acceso a la Información Pública" in infoem_es
    infoem_en = page(client, "/en/institutions/infoem/")
    assert "<h1>Institute for Transparency, Access to Public Information" in infoem_en
    assert '<dd lang="es">Instituto de Transparencia, Acceso a la Información' in infoem_en
    cso = page(client, f"/en{CSO}")
    assert "<h1>Civil Society Organisations of the State of Mexico</h1>" in cso
    assert '<dd lang="es">Organizaciones de la Sociedad Civil Mexiquense</dd>' in cso
    assert "<h1>Organizaciones de la Sociedad Civil Mexiquense</h1>" in page(client, f"/es{CSO}")

    # The documents of Mexico's resources.
    spanish = page(client, "/es/members/mexico/")
    assert f"Informe de fin de compromiso – Cultura de gobierno abierto {ES_TRANSLATION}" in (
        spanish
    )
    english = page(client, "/en/members/mexico/")
    assert "End of Commitment Report – Open government culture</span>" in english

    # The secretariat and the data page.
    assert (
        "<h1>Secretariado Técnico Local de Gobierno Abierto del Estado de México "
        f"{ES_TRANSLATION}" in page(client, f"/es{FORUM}")
    )
    assert f"Plan de acción – Estado de México, México, 2021 – 2022 {ES_TRANSLATION}" in page(
        client, "/es/data/"
    )


def test_a_demo_text_missing_in_one_language_is_shown_in_the_other_marked(client, demo):
    Commitment.objects.filter(ogp_id="MXMEX0009").update(title_es="")
    Milestone.objects.filter(
        title_es="Construir un estudio de las condiciones de apertura institucional a nivel "
        "municipal"
    ).update(title_en="")
    ActionPlan.objects.filter(slug="mexico-state-2021-2022").update(title_es="")
    Member.objects.filter(slug="mexico-state").update(display_name_es="")
    Document.objects.filter(title_en="End of Commitment Report – Open government culture").update(
        title_es=""
    )

    spanish = page(client, "/es/commitments/MXMEX0009/")
    assert (
        '<h1><span lang="en">Open government culture</span> '
        '<span class="lang-note">(Texto original en inglés)</span>' in spanish
    )
    english = page(client, "/en/commitments/MXMEX0009/")
    assert (
        '<span lang="es">Construir un estudio de las condiciones de apertura institucional a '
        'nivel municipal</span> <span class="lang-note">(Original text in Spanish)</span>'
        in english
    )
    plan_note = (
        '<span lang="en">Action plan – Mexico State, Mexico, 2021 – 2022</span> '
        '<span class="lang-note">(Texto original en inglés)</span>'
    )
    assert f"<h1>{plan_note}</h1>" in page(client, f"/es{STATE_PLAN}")
    assert plan_note in page(client, "/es/data/")
    member_note = (
        '<span lang="en">Mexico State, Mexico</span> '
        '<span class="lang-note">(Texto original en inglés)</span>'
    )
    for path in ("/es/members/", "/es/members/mexico-state/", "/es/"):
        assert member_note in page(client, path), path
    assert (
        '<span lang="en">End of Commitment Report – Open government culture</span> '
        '<span class="lang-note">(Texto original en inglés)</span>'
        in page(client, "/es/members/mexico/")
    )
