"""Every written answer of a report, evidence included, in both languages: pages and API."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reports.models import CommitmentAssessment, EndOfCommitmentReport, InceptionReport, Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def published_end_of_commitment_report(**texts):
    report = f.make_end_of_commitment_report()
    f.complete_end_of_commitment_answers(report)
    EndOfCommitmentReport.objects.filter(pk=report.pk).update(
        status=Status.PUBLISHED, original_language="es", **texts
    )
    report.refresh_from_db()
    return report


def test_evidence_answers_are_translatable():
    report = published_end_of_commitment_report(
        progress_level_evidence_es="Actas de las sesiones del secretariado.",
        progress_level_evidence_en="Minutes of the sessions of the secretariat.",
    )
    assert report.shown("progress_level_evidence", "es").text == (
        "Actas de las sesiones del secretariado."
    )
    english = report.shown("progress_level_evidence", "en")
    assert english.text == "Minutes of the sessions of the secretariat."
    assert english.is_translation


def test_the_public_report_marks_a_translated_and_a_missing_evidence(client):
    report = published_end_of_commitment_report(
        progress_level_evidence_es="Actas de las sesiones del secretariado.",
        progress_level_evidence_en="Minutes of the sessions of the secretariat.",
        problem_addressed_evidence_es="Informe de Q&A: https://example.org/?a=1&b=2",
        problem_addressed_evidence_en="Q&A's report: https://example.org/?a=1&b=2",
        as_planned_evidence_es="Informe de avance en https://example.org/avance",
        as_planned_evidence_en="",
    )
    english = client.get(f"/en/reports/end-of-commitment/{report.pk}/").content.decode()
    assert (
        '<div class="text">Minutes of the sessions of the secretariat. '
        '<span class="lang-note">(Translation)</span></div>' in english
    )
    assert "Actas de las sesiones" not in english
    # A translation's links are links, its text escaped once.
    assert (
        '<div class="text">Q&amp;A&#x27;s report: '
        '<a href="https://example.org/?a=1&amp;b=2">https://example.org/?a=1&amp;b=2</a> '
        '<span class="lang-note">(Translation)</span></div>' in english
    )
    # No English version: the Spanish one, with its language, its note and its link.
    assert (
        '<span lang="es">Informe de avance en '
        '<a href="https://example.org/avance">https://example.org/avance</a>'
        '</span> <span class="lang-note">(Original text in Spanish)</span>' in english
    )
    spanish = client.get(f"/es/reports/end-of-commitment/{report.pk}/").content.decode()
    assert '<div class="text">Actas de las sesiones del secretariado.</div>' in spanish
    assert "Minutes of the sessions" not in spanish


def test_the_evaluator_writes_evidence_in_the_reports_language(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    EndOfCommitmentReport.objects.filter(pk=report.pk).update(
        original_language="es", progress_level_evidence_en="Minutes."
    )
    report.refresh_from_db()
    client.force_login(evaluator)
    data = {"version": report.version, "action": "save", "progress_level_evidence": "Actas."}
    response = client.post(f"/en/evaluations/end-of-commitment/{report.pk}/", data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.progress_level_evidence_es == "Actas."
    assert report.progress_level_evidence_en == "Minutes."  # the translation is kept


def test_the_end_of_commitment_api_carries_both_languages(client):
    report = published_end_of_commitment_report(
        lessons_es="Involucrar antes a los municipios.",
        lessons_en="Involve municipalities earlier.",
        progress_level_evidence_es="Actas.",
    )
    body = client.get(f"/api/v1/end-of-commitment-reports/{report.pk}/?lang=en").json()
    translations = body["translations"]
    assert translations["original_language"] == "es"
    assert translations["es"]["lessons"] == "Involucrar antes a los municipios."
    assert translations["en"]["lessons"] == "Involve municipalities earlier."
    assert translations["es"]["progress_level_evidence"] == "Actas."
    assert translations["en"]["progress_level_evidence"] == ""
    # The plain answers follow the requested language, falling back to the other one.
    answers = {q["code"]: q for s in body["sections"] for q in s["questions"]}
    assert answers["3"]["answer"] == "Involve municipalities earlier."
    assert answers["1.1"]["evidence"] == "Actas."


def test_the_inception_api_carries_both_languages_for_the_report_and_each_commitment(client):
    plan = f.make_plan()
    f.make_commitment(plan, ogp_id="MXMEX0009")
    report = f.make_inception_report(plan)
    f.complete_inception_answers(report)
    InceptionReport.objects.filter(pk=report.pk).update(
        status=Status.PUBLISHED,
        original_language="en",
        forum_exists_explanation_en="The forum meets every two months.",
        forum_exists_explanation_es="El foro se reúne cada dos meses.",
        forum_exists_evidence_en="https://example.org/minutes",
    )
    CommitmentAssessment.objects.filter(report=report).update(
        original_language="en",
        recommended_changes_en="Not yet.",
        recommended_changes_es="Aún no.",
    )
    body = client.get(f"/api/v1/inception-reports/{report.pk}/").json()
    assert body["translations"]["original_language"] == "en"
    assert body["translations"]["es"]["forum_exists_explanation"] == (
        "El foro se reúne cada dos meses."
    )
    assert body["translations"]["en"]["forum_exists_evidence"] == "https://example.org/minutes"
    [assessment] = body["assessments"]
    assert assessment["translations"]["original_language"] == "en"
    assert assessment["translations"]["es"]["recommended_changes"] == "Aún no."
    assert assessment["translations"]["en"]["recommended_changes"] == "Not yet."


def test_the_schema_documents_the_reports_translations(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]
    for name in ("InceptionReport", "EndOfCommitmentReport", "Assessment"):
        translations = components[name]["properties"]["translations"]
        assert translations["properties"]["original_language"]["enum"] == ["es", "en"]
    english = components["EndOfCommitmentReport"]["properties"]["translations"]["properties"]
    assert "progress_level_evidence" in english["en"]["properties"]


def test_the_migration_moves_existing_evidence_into_the_original_language():
    report = f.make_end_of_commitment_report()
    # A row as the previous version stored it: the evidence in the plain column only.
    EndOfCommitmentReport.objects.filter(pk=report.pk).rewrite(False).update(
        original_language="en",
        progress_level_evidence="https://example.org/minutes",
        progress_level_evidence_es=None,
        progress_level_evidence_en=None,
    )
    state = MigrationExecutor(connection).loader.project_state(
        ("reports", "0007_evidence_in_two_languages")
    )
    migration = importlib.import_module("reports.migrations.0008_evidence_by_original_language")
    migration.forwards(state.apps, None)
    report.refresh_from_db()
    assert report.progress_level_evidence_en == "https://example.org/minutes"
    assert not report.progress_level_evidence_es
    migration.backwards(state.apps, None)
    plain = (
        EndOfCommitmentReport.objects.rewrite(False)
        .filter(pk=report.pk)
        .values_list("progress_level_evidence", flat=True)
        .get()
    )
    assert plain == "https://example.org/minutes"
