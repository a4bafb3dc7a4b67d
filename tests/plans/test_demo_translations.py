"""`fixtures/translations.py`: the demo's seed texts translated into the other language."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

TRANSLATIONS_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "translations.py"


@pytest.fixture(scope="module")
def translations() -> ModuleType:
    # ``fixtures/`` is data, not a package: the file is imported from its path, as loaddemo does.
    spec = importlib.util.spec_from_file_location("demo_translations", TRANSLATIONS_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_file_imports_with_both_dictionaries(translations):
    assert isinstance(translations.TO_SPANISH, dict)
    assert isinstance(translations.TO_ENGLISH, dict)
    assert len(translations.TO_SPANISH) > 100
    assert len(translations.TO_ENGLISH) > 10


@pytest.mark.parametrize("name", ["TO_SPANISH", "TO_ENGLISH"])
def test_every_translation_is_a_non_empty_text_different_from_its_original(translations, name):
    for original, translation in getattr(translations, name).items():
        assert isinstance(original, str) and original.strip(), original
        assert isinstance(translation, str) and translation.strip(), original
        assert translation != original, original
        assert translation == translation.strip(), original


@pytest.mark.parametrize("name", ["TO_SPANISH", "TO_ENGLISH"])
def test_translations_keep_the_line_structure_and_addresses(translations, name):
    for original, translation in getattr(translations, name).items():
        assert translation.count("\n") == original.count("\n"), original
        for word in original.split():
            if word.startswith("https://"):
                assert word.rstrip(";.,") in translation, original


def test_no_text_is_both_an_english_and_a_spanish_original(translations):
    assert not set(translations.TO_SPANISH) & set(translations.TO_ENGLISH)


def test_member_names(translations):
    assert translations.TO_SPANISH["Mexico State"] == "Estado de México"
    assert translations.TO_SPANISH["Mexico State, Mexico"] == "Estado de México, México"
    # The same in both languages: no entry.
    assert "Tlalnepantla de Baz" not in translations.TO_SPANISH
    assert "Tlalnepantla de Baz" not in translations.TO_ENGLISH


def test_plan_and_commitment_titles(translations):
    to_spanish = translations.TO_SPANISH
    assert (
        to_spanish["Action plan – Mexico State, Mexico, 2021 – 2022"]
        == "Plan de acción – Estado de México, México, 2021 – 2022"
    )
    assert to_spanish["Open government culture"] == "Cultura de gobierno abierto"
    assert to_spanish["Strengthening democracy"] == "Fortalecimiento de la democracia"


def test_milestone_title(translations):
    assert (
        translations.TO_ENGLISH[
            "Construir un estudio de las condiciones de apertura institucional a nivel municipal"
        ]
        == "Build a study of the conditions of institutional openness at the municipal level"
    )


def test_institution_names_agree_with_their_english_names(translations):
    to_english = translations.TO_ENGLISH
    assert (
        to_english["Instituto Electoral del Estado de México"]
        == "Electoral Institute of the State of Mexico"
    )
    assert to_english["Secretaría de la Contraloría"] == "Secretariat of the Comptroller’s Office"
    assert "México Evalúa" not in to_english
    assert "Borde Político" not in to_english


def test_forum_and_meetings(translations):
    to_spanish = translations.TO_SPANISH
    assert to_spanish["Bimonthly"] == "Bimestral"
    assert (
        to_spanish["Local Technical Secretariat for Open Government of the State of Mexico"]
        == "Secretariado Técnico Local de Gobierno Abierto del Estado de México"
    )
    assert translations.TO_ENGLISH["Justicia cotidiana"] == "Everyday justice"


def test_document_titles(translations):
    to_spanish = translations.TO_SPANISH
    assert (
        to_spanish["End of Commitment Report – Open government culture"]
        == "Informe de fin de compromiso – Cultura de gobierno abierto"
    )
    assert (
        to_spanish["Inception Report – Action plan – Mexico State, Mexico, 2021 – 2022"]
        == "Informe Inicial – Plan de acción – Estado de México, México, 2021 – 2022"
    )
    assert (
        translations.TO_ENGLISH["Primer Plan de Accion Local de Gobierno Abierto EDOMEX"]
        == "First Local Open Government Action Plan EDOMEX"
    )


def test_questionnaire_and_report_answers(translations):
    to_spanish = translations.TO_SPANISH
    assert (
        to_spanish["Coordination and cooperation agreements."]
        == "Convenios de coordinación y colaboración."
    )
    assert (
        to_spanish[
            "• Online citizen consultation\n• Virtual thematic round-tables\n• Open dialogues"
        ]
        == "• Consulta ciudadana en línea\n• Mesas temáticas virtuales\n• Diálogos abiertos"
    )
    assert (
        to_spanish["Not yet, the commitment is under implementation"]
        == "Aún no, el compromiso está en implementación"
    )
    # Figures and names stay as the original gives them.
    consultation = next(text for text in to_spanish if text.startswith("An online citizen"))
    for kept in ("2,790", "1,873", "899", "18 personas"):
        assert kept in to_spanish[consultation]
