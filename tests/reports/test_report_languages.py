"""Evaluators write their answers in one language; the secretariat adds the translation."""

import pytest

from reports.models import EndOfCommitmentReport, Status
from tests import factories as f
from tests.reports.test_admin import EOC_ADMIN, admin_form_data

pytestmark = pytest.mark.django_db


def workspace_post(client, report, language, **answers):
    data = {"version": report.version, "action": "save", **answers}
    return client.post(f"/{language}/evaluations/end-of-commitment/{report.pk}/", data)


def test_the_evaluator_writes_in_the_reports_language_whatever_the_page_language(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    EndOfCommitmentReport.objects.filter(pk=report.pk).update(
        original_language="es", lessons_en="Involve municipalities earlier."
    )
    report.refresh_from_db()
    client.force_login(evaluator)
    # The English workspace shows the Spanish version to edit, not the secretariat's English.
    page = client.get(f"/en/evaluations/end-of-commitment/{report.pk}/")
    assert page.context["form"]["lessons"].value() == ""
    response = workspace_post(client, report, "en", lessons="Involucrar antes a los municipios.")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.lessons_es == "Involucrar antes a los municipios."
    assert report.lessons_en == "Involve municipalities earlier."  # the translation is kept
    assert report.original_language == "es"


def test_secretariat_adds_the_other_language_in_the_admin(client, secretariat):
    report = f.make_end_of_commitment_report()
    EndOfCommitmentReport.objects.filter(pk=report.pk).update(
        original_language="es", lessons_es="Involucrar antes a los municipios."
    )
    client.force_login(secretariat)
    page = client.get(f"{EOC_ADMIN}{report.pk}/change/")
    assert "lessons_es" in page.context["adminform"].form.fields
    assert "lessons_en" in page.context["adminform"].form.fields
    data = admin_form_data(page, lessons_en="Involve municipalities earlier.")
    assert client.post(f"{EOC_ADMIN}{report.pk}/change/", data).status_code == 302
    report.refresh_from_db()
    assert report.lessons_es == "Involucrar antes a los municipios."
    assert report.lessons_en == "Involve municipalities earlier."


def test_the_public_report_marks_a_translation_and_a_missing_version(client):
    report = f.make_end_of_commitment_report()
    f.complete_end_of_commitment_answers(report)
    EndOfCommitmentReport.objects.filter(pk=report.pk).update(
        status=Status.PUBLISHED,
        original_language="es",
        lessons_es="Involucrar antes a los municipios.",
        lessons_en="Involve municipalities earlier.",
        impact_factors_es="Voluntad política.",
        impact_factors_en="",
    )
    english = client.get(report.get_absolute_url()).content.decode()
    assert 'Involve municipalities earlier. <span class="lang-note">(Translation)</span>' in (
        english
    )
    # No English version: the Spanish one, with its language and a note.
    assert '<span lang="es">Voluntad política.</span>' in english
    assert "Original text in Spanish" in english
    spanish = client.get(report.get_absolute_url().replace("/en/", "/es/", 1)).content.decode()
    assert "Involucrar antes a los municipios." in spanish
    assert "Involve municipalities earlier." not in spanish


def test_the_api_follows_the_requested_language(client):
    report = f.make_end_of_commitment_report()
    f.complete_end_of_commitment_answers(report)
    EndOfCommitmentReport.objects.filter(pk=report.pk).update(
        status=Status.PUBLISHED,
        original_language="es",
        lessons_es="Involucrar antes a los municipios.",
        lessons_en="Involve municipalities earlier.",
    )
    body = client.get(f"/api/v1/end-of-commitment-reports/{report.pk}/?lang=es").json()
    answers = [q["answer"] for s in body["sections"] for q in s["questions"]]
    assert "Involucrar antes a los municipios." in answers
    body = client.get(f"/api/v1/end-of-commitment-reports/{report.pk}/?lang=en").json()
    answers = [q["answer"] for s in body["sections"] for q in s["questions"]]
    assert "Involve municipalities earlier." in answers


def test_the_workspace_says_which_language_to_write_in(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    EndOfCommitmentReport.objects.filter(pk=report.pk).update(original_language="en")
    client.force_login(evaluator)
    body = client.get(f"/es/evaluations/end-of-commitment/{report.pk}/").content.decode()
    assert "Write your answers in English" in body or "Escriba sus respuestas en inglés" in body
