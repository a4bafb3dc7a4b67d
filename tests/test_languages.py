"""Texts in two languages: the original, its translation, the fallback and how pages mark them."""

import pytest
from django.template import Context, Template
from django.utils import translation

from commitments.models import Commitment
from ogptracker.languages import guess_language
from tests.factories import make_commitment

pytestmark = pytest.mark.django_db


def render(template: str, **context) -> str:
    return Template("{% load portal %}" + template).render(Context(context))


def test_the_plain_field_reads_the_active_language_and_falls_back_to_the_other():
    commitment = make_commitment(title_en="Open government culture", problem_en="Low trust.")
    commitment.title_es = "Cultura de gobierno abierto"
    commitment.save()
    with translation.override("es"):
        assert commitment.title == "Cultura de gobierno abierto"
        assert commitment.problem == "Low trust."  # no Spanish version: the English one
    with translation.override("en"):
        assert commitment.title == "Open government culture"


def test_the_original_language_is_the_language_first_written_in():
    with translation.override("es"):
        spanish = make_commitment(title="Cultura de gobierno abierto")
    english = make_commitment(title_en="Open government culture")
    assert (spanish.original_language, english.original_language) == ("es", "en")
    # The plain column keeps the original version, whatever language was active on save.
    english.title_es = "Cultura de gobierno abierto"
    with translation.override("es"):
        english.save()
    assert Commitment.objects.rewrite(False).filter(title="Open government culture").exists()


def test_editing_one_language_keeps_the_other():
    commitment = make_commitment(title_en="Open government culture")
    commitment.title_es = "Cultura de gobierno abierto"
    commitment.save()
    with translation.override("es"):
        commitment.title = "Cultura del gobierno abierto"
        commitment.save()
    commitment.refresh_from_db()
    assert (commitment.title_es, commitment.title_en) == (
        "Cultura del gobierno abierto",
        "Open government culture",
    )


def test_a_translation_is_marked_and_a_missing_version_shows_the_other_language():
    commitment = make_commitment(
        title_en="Open government culture",
        title_es="Cultura de gobierno abierto",
        problem_en="Low trust in institutions.",
        original_language="en",
    )
    with translation.override("es"):
        title = render('{% text c "title" %}', c=commitment)
        problem = render('{% text c "problem" block=True %}', c=commitment)
    assert title == 'Cultura de gobierno abierto <span class="lang-note">(Traducción)</span>'
    assert '<div lang="en"><p>Low trust in institutions.</p></div>' in problem
    assert "Texto original en inglés" in problem
    with translation.override("en"):
        # The original, in the page's language: nothing to mark.
        assert render('{% text c "title" %}', c=commitment) == "Open government culture"


def test_a_missing_text_renders_nothing():
    commitment = make_commitment(title_en="Open government culture")
    assert render('{% text c "problem" block=True %}', c=commitment) == ""


def test_missing_languages_lists_the_language_to_translate_into():
    commitment = make_commitment(title_en="Open government culture")
    assert commitment.missing_languages() == ["es"]
    commitment.title_es = "Cultura de gobierno abierto"
    assert commitment.missing_languages() == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Construir un estudio de las condiciones de apertura institucional", "es"),
        ("Build a study of the conditions of institutional openness", "en"),
        ("INFOEM", "es"),
    ],
)
def test_the_language_of_texts_stored_before_languages_were_recorded_is_guessed(text, language):
    assert guess_language(text) == language
