import io

import pytest
from django.core.management import call_command

from ogptracker.languages import translatable_fields
from plans.management.commands.loaddemo import TRANSLATIONS_FILE, load_data
from reports.demo import (
    END_OF_COMMITMENT_ANSWERS,
    INCEPTION_ANSWERS,
    INCEPTION_ASSESSMENTS,
    PLAN_TITLE,
    load_demo_reports,
)
from reports.models import (
    CommitmentAssessment,
    EndOfCommitmentReport,
    InceptionReport,
    Status,
    Transition,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_plan():
    """The Mexico State plan with its 8 commitments, as the plans demo loads them."""
    plan = f.make_plan(title=PLAN_TITLE, slug="mexico-state-2021-2022")
    commitments = {}
    for position, title, _answers in INCEPTION_ASSESSMENTS:
        fields = {"ogp_id": "MXMEX0009"} if title == "Open government culture" else {}
        commitments[position] = f.make_commitment(plan, number=position, title=title, **fields)
    return plan, commitments


def test_demo_reports_load_complete_and_published(demo_plan):
    plan, commitments = demo_plan
    out = io.StringIO()
    load_demo_reports(out)

    report = InceptionReport.objects.get(action_plan=plan)
    assert report.status == Status.PUBLISHED
    assert report.evaluator_display() == "Oscar Javier Islas Jiménez"
    assert report.forum_exists == "yes"
    assert report.practice_inclusive_forum.slug == "moderately"
    assert report.forum_exists_explanation.startswith(
        "The local government, with the support of non-governmental actors (Ministry of Justice "
        "and Human Rights in coordination with the Municipality of Tlalnepantla de Baz"
    )
    assert "https://ogplocaledomex.com.mx/" in report.forum_exists_evidence
    assert "Mesa: Justicia cotidiana" in report.forum_multistakeholder_evidence
    assert "..." not in report.forum_exists_explanation  # glossary pop-ups left out
    assert not report.missing_answers()

    assessments = list(report.assessments.select_related("commitment", "nature", "change"))
    assert [(a.position, a.commitment) for a in assessments] == sorted(commitments.items())
    second = assessments[1]
    assert second.nature.slug == "new"
    assert second.relevant == "yes" and second.relevant_explanation == ""
    assert all(
        a.recommended_changes == "Not yet, the commitment is under implementation"
        for a in assessments
    )
    assert all(a.change.slug == "binding-change" for a in assessments)

    end = EndOfCommitmentReport.objects.get(commitment=commitments[7])
    assert end.status == Status.PUBLISHED
    assert end.action_plan == plan
    assert end.evaluator_names == (
        "Carlos de la Peña Jimenez O’Farril, Daniel Rosemberg Cervantes Perez, Jesus Ponce Rubio"
    )
    assert end.as_planned.slug == "as-planned"
    assert end.lessons.startswith("INFOEM has carried out important work")
    assert end.impact_factors.startswith("Given that this is an agenda")
    # Left blank in the published report, so left empty here: never invented.
    assert end.progress_level == ""
    assert end.access_to_information == end.civic_participation == end.public_accountability == ""
    assert end.problem_addressed is None
    assert end.problem_addressed_explanation.startswith("The objective of bringing the concepts")
    assert "8 of 8 commitment assessments" in out.getvalue()


def test_loading_the_demo_twice_changes_nothing(demo_plan):
    load_demo_reports(io.StringIO())
    load_demo_reports(io.StringIO())
    assert InceptionReport.objects.count() == 1
    assert EndOfCommitmentReport.objects.count() == 1
    assert InceptionReport.objects.get().assessments.count() == 8
    assert Transition.objects.count() == 2  # one publication each, recorded once


def test_loaddemo_loads_both_reports_on_the_demo_plans():
    out = io.StringIO()
    call_command("loaddemo", "--no-users", stdout=out)
    assert "8 of 8 commitment assessments" in out.getvalue()
    report = InceptionReport.objects.get(action_plan__title=PLAN_TITLE)
    assert report.status == Status.PUBLISHED
    positions = {a.position: a.commitment.title for a in report.assessments.all()}
    assert positions[7] == "Open government culture"
    assert positions[2] == "Institutional interoperability through the legal card"
    end = EndOfCommitmentReport.objects.get(commitment__ogp_id="MXMEX0009")
    assert end.status == Status.PUBLISHED
    assert InceptionReport.objects.published().filter(pk=report.pk).exists()
    assert EndOfCommitmentReport.objects.published().filter(pk=end.pk).exists()
    call_command("loaddemo", "--no-users", stdout=io.StringIO())  # idempotent
    assert InceptionReport.objects.count() == EndOfCommitmentReport.objects.count() == 1
    assert report.assessments.count() == 8


def test_demo_matches_commitments_by_number_when_titles_differ():
    plan = f.make_plan(title=PLAN_TITLE)
    for position in range(1, 9):
        f.make_commitment(plan, number=position, title=f"Compromiso {position}")
    out = io.StringIO()
    load_demo_reports(out)
    report = InceptionReport.objects.get()
    assert report.assessments.count() == 8
    assert report.assessments.get(position=2).commitment.title == "Compromiso 2"
    assert "Skipped the End of Commitment Report: no commitment MXMEX0009." in out.getvalue()


def test_demo_reports_wait_for_the_plan():
    out = io.StringIO()
    load_demo_reports(out)
    assert "Skipped the demo reports" in out.getvalue()
    assert not InceptionReport.objects.exists()


# The answers in both languages -------------------------------------------------------------

REPORT_MODELS = (InceptionReport, CommitmentAssessment, EndOfCommitmentReport)


@pytest.fixture
def to_spanish():
    return load_data(TRANSLATIONS_FILE).TO_SPANISH


def seed_answers():
    """Every written answer of both demo reports, by model, as the seeds give it."""
    yield InceptionReport, INCEPTION_ANSWERS
    for _position, _title, answers in INCEPTION_ASSESSMENTS:
        yield CommitmentAssessment, answers
    yield EndOfCommitmentReport, END_OF_COMMITMENT_ANSWERS


def is_evidence(name: str) -> bool:
    return name.endswith("_evidence")


def test_every_written_answer_of_the_demo_reports_has_a_spanish_translation(to_spanish):
    written = [
        text
        for model, answers in seed_answers()
        for name, text in answers.items()
        if name in translatable_fields(model) and text and not is_evidence(name)
    ]
    assert len(written) == 37  # 10 of the report, 14 of its 8 commitments, 8 of the other
    assert [text for text in written if text not in to_spanish] == []
    # Evidence written as prose is translated; evidence that is only links is the same text
    # in both languages.
    evidence = {
        name: text
        for model, answers in seed_answers()
        for name, text in answers.items()
        if is_evidence(name) and text
    }
    assert [name for name, text in evidence.items() if text in to_spanish] == [
        "forum_multistakeholder_evidence"
    ]


def test_loaddemo_stores_each_answer_in_english_with_its_spanish_translation(to_spanish):
    call_command("loaddemo", "--no-users", stdout=io.StringIO())
    seen = 0
    for model in REPORT_MODELS:
        for row in model.objects.all():
            assert row.original_language == "en", row
            for name in translatable_fields(model):
                english, spanish = row.text_in(name, "en"), row.text_in(name, "es")
                assert bool(english) == bool(spanish), (row, name)
                if is_evidence(name) and english not in to_spanish:
                    assert spanish == english, (row, name)  # links: nothing to translate
                elif english:
                    assert spanish == to_spanish[english], (row, name)
                    seen += 1
    assert seen == 38  # the 37 answers and the evidence written as prose

    end = EndOfCommitmentReport.objects.get()
    assert end.lessons_es.startswith(
        "El INFOEM ha realizado un trabajo importante de sensibilización"
    )
    # Evidence that is only links reads the same in both languages.
    report = InceptionReport.objects.get()
    assert report.forum_exists_evidence_en.startswith("https://ogplocaledomex.com.mx/")
    assert report.forum_exists_evidence_es == report.forum_exists_evidence_en
    assert "Diálogo abierto entre el Infoem" in report.forum_multistakeholder_evidence_es


FEEDBACK_EN = INCEPTION_ANSWERS["practice_feedback_explanation"]
NOT_YET_EN = "Not yet, the commitment is under implementation"
NOT_YET_ES = "Aún no, el compromiso está en implementación"


def test_the_published_demo_report_reads_spanish_marked_as_translation_on_es(client, to_spanish):
    call_command("loaddemo", "--no-users", stdout=io.StringIO())
    report = InceptionReport.objects.get()
    feedback_es = to_spanish[FEEDBACK_EN]
    assert feedback_es.startswith("Las aportaciones de la sociedad civil se integraron")

    spanish = client.get(f"/es/reports/inception/{report.pk}/").content.decode()
    assert '<html lang="es">' in spanish
    assert f'{feedback_es} <span class="lang-note">(Traducción)</span>' in spanish
    assert spanish.count(f'{NOT_YET_ES} <span class="lang-note">(Traducción)</span>') == 8
    assert FEEDBACK_EN not in spanish and NOT_YET_EN not in spanish
    # Evidence written as prose reads in Spanish too, marked, its addresses still links.
    assert "Diálogo abierto entre el Infoem" in spanish
    assert (
        '<a href="https://www.youtube.com/playlist?list=PLYi4lbIAFu_tLAQH7PmC7tXMndHa2VNd_">'
        in spanish
    )
    assert "&lt;a href" not in spanish
    main = spanish.split("<main", 1)[1].split("</main>", 1)[0]
    assert ' lang="en"' not in main  # no answer falls back to English

    english = client.get(f"/en/reports/inception/{report.pk}/").content.decode()
    assert '<html lang="en">' in english
    assert f'<div class="text">{FEEDBACK_EN}</div>' in english  # the original: no mark
    assert english.count(f'<div class="text">{NOT_YET_EN}</div>') == 8
    assert feedback_es not in english and "(Translation)" not in english


def test_the_published_demo_end_of_commitment_report_in_both_languages(client, to_spanish):
    call_command("loaddemo", "--no-users", stdout=io.StringIO())
    end = EndOfCommitmentReport.objects.get()
    accountability_en = END_OF_COMMITMENT_ANSWERS["public_accountability_explanation"]
    accountability_es = to_spanish[accountability_en]
    assert accountability_es.startswith("Cabe destacar que este compromiso se encuentra")

    spanish = client.get(f"/es/reports/end-of-commitment/{end.pk}/").content.decode()
    assert f'{accountability_es} <span class="lang-note">(Traducción)</span>' in spanish
    assert accountability_en not in spanish
    english = client.get(f"/en/reports/end-of-commitment/{end.pk}/").content.decode()
    assert f'<div class="text">{accountability_en}</div>' in english
    assert accountability_es not in english


def test_a_second_loaddemo_keeps_an_edited_translation_and_refills_an_emptied_one(client):
    call_command("loaddemo", "--no-users", stdout=io.StringIO())
    report = InceptionReport.objects.get()
    seed_spanish = report.forum_exists_explanation_es
    InceptionReport.objects.filter(pk=report.pk).update(
        practice_feedback_explanation_es="Traducción corregida por el secretariado.",
        forum_exists_explanation_es="",
    )
    assessment = report.assessments.get(position=1)
    CommitmentAssessment.objects.filter(pk=assessment.pk).update(recommended_changes_es="Aún no.")
    end = EndOfCommitmentReport.objects.get()
    EndOfCommitmentReport.objects.filter(pk=end.pk).update(lessons_en="Edited lesson.")

    out = io.StringIO()
    call_command("loaddemo", "--no-users", stdout=out)

    report.refresh_from_db()
    assert report.practice_feedback_explanation_es == "Traducción corregida por el secretariado."
    assert report.forum_exists_explanation_es == seed_spanish  # empty: filled again
    assert report.practice_feedback_explanation_en == FEEDBACK_EN
    assessment.refresh_from_db()
    assert assessment.recommended_changes_es == "Aún no."
    end.refresh_from_db()
    assert end.lessons_en == "Edited lesson."
    assert end.lessons_es.startswith("El INFOEM ha realizado")
    assert "Inception Reports            0 created,   1 updated,   0 unchanged" in out.getvalue()
    assert "Commitment assessments       0 created,   0 updated,   8 unchanged" in out.getvalue()

    spanish = client.get(f"/es/reports/inception/{report.pk}/").content.decode()
    assert "Traducción corregida por el secretariado." in spanish


def test_a_second_loaddemo_leaves_a_report_the_secretariat_returned_to_draft():
    call_command("loaddemo", "--no-users", stdout=io.StringIO())
    end = EndOfCommitmentReport.objects.get()
    EndOfCommitmentReport.objects.filter(pk=end.pk).update(status=Status.DRAFT)
    transitions = Transition.objects.count()

    call_command("loaddemo", "--no-users", stdout=io.StringIO())

    end.refresh_from_db()
    assert end.status == Status.DRAFT
    assert Transition.objects.count() == transitions
