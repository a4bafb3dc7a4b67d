import re

import pytest

from reports.models import ImplementationAnswer, ProblemAnswer, Status, Transition
from reports.services import return_report
from tests import factories as f

pytestmark = pytest.mark.django_db


def eoc_url(report) -> str:
    return f"/en/evaluations/end-of-commitment/{report.pk}/"


def inception_url(report) -> str:
    return f"/en/evaluations/inception/{report.pk}/"


def eoc_data(report, **answers) -> dict:
    data = {"version": report.version, "action": "save"}
    data.update(answers)
    return data


def complete_eoc_answers() -> dict:
    return {
        "progress_level": "substantial",
        "progress_level_explanation": "Two of three lines of action are done.",
        "impact_factors": "Political will.",
        "as_planned": ImplementationAnswer.objects.get(slug="as-planned").pk,
        "as_planned_explanation": "All stages were completed.",
        "access_to_information": "marginal",
        "civic_participation": "major",
        "public_accountability": "not_applicable",
        "problem_addressed": "",
        "problem_addressed_explanation": "Partly.",
        "lessons": "Involve municipalities earlier.",
    }


def inception_data(report, *, action="save", **answers) -> dict:
    assessments = list(report.assessments.order_by("position"))
    data = {
        "version": report.version,
        "action": action,
        "assessment-TOTAL_FORMS": len(assessments),
        "assessment-INITIAL_FORMS": len(assessments),
        "assessment-MIN_NUM_FORMS": 0,
        "assessment-MAX_NUM_FORMS": 1000,
    }
    for index, assessment in enumerate(assessments):
        data[f"assessment-{index}-id"] = assessment.pk
    data.update(answers)
    return data


# --- the list ---------------------------------------------------------------------------------


def test_workspace_needs_a_login(client):
    response = client.get("/en/evaluations/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_login_page_renders(client):
    response = client.get("/en/accounts/login/?next=/en/evaluations/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_workspace_lists_only_the_evaluators_reports(client, evaluator, django_assert_num_queries):
    mine = [f.make_inception_report(evaluators=[evaluator]) for _ in range(3)]
    mine_eoc = [f.make_end_of_commitment_report(evaluators=[evaluator]) for _ in range(3)]
    others = f.make_end_of_commitment_report(evaluators=[f.make_evaluator()])
    client.force_login(evaluator)
    # 1. session  2. user  3. the user's groups (still an evaluator?)
    # 4. Inception Reports with plans and members
    # 5. End of Commitment Reports with commitments, plans and members
    with django_assert_num_queries(5):
        response = client.get("/en/evaluations/")
    assert response.status_code == 200
    html = response.content.decode()
    for report in mine:
        assert report.get_workspace_url() in html
    for report in mine_eoc:
        assert report.get_workspace_url() in html
    assert others.get_workspace_url() not in html


def test_workspace_empty_state(client, evaluator):
    client.force_login(evaluator)
    response = client.get("/en/evaluations/")
    assert b"No Inception Report is assigned to you." in response.content


def test_workspace_flags_overdue_reports(client, evaluator):
    import datetime

    f.make_inception_report(
        f.make_plan(date_submitted=datetime.date(2020, 1, 1)), evaluators=[evaluator]
    )
    client.force_login(evaluator)
    assert b'class="overdue"' in client.get("/en/evaluations/").content


# --- who may open a report -------------------------------------------------------------------


def test_report_of_another_evaluator_is_404(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[f.make_evaluator()])
    inception = f.make_inception_report(evaluators=[f.make_evaluator()])
    client.force_login(evaluator)
    assert client.get(eoc_url(report)).status_code == 404
    assert client.post(eoc_url(report), eoc_data(report, lessons="x")).status_code == 404
    assert client.get(inception_url(inception)).status_code == 404
    report.refresh_from_db()
    assert report.lessons == ""


def test_anonymous_is_sent_to_login_for_a_report(client):
    report = f.make_end_of_commitment_report()
    response = client.get(eoc_url(report))
    assert response.status_code == 302


def test_evaluator_edit_page_query_count(client, evaluator, django_assert_num_queries):
    plan = f.make_plan()
    for number in range(1, 4):
        f.make_commitment(plan, number=number)
    report = f.make_inception_report(plan, evaluators=[evaluator])
    client.force_login(evaluator)
    # 1. session  2. user  3. the user's groups (still an evaluator?)
    # 4. the report with its plan, member and Section 2 answers
    # 5. prefetch evaluators  6. prefetch assessments with commitments and answers
    # 7. prefetch transitions  8. the assessments of the formset
    # 9.-11. the scale options: practices, novelty, expected change
    with django_assert_num_queries(11):
        response = client.get(inception_url(report))
    assert response.status_code == 200


# --- drafts and submission --------------------------------------------------------------------


def test_incomplete_draft_saves(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    response = client.post(eoc_url(report), eoc_data(report, lessons="A first lesson."))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.lessons == "A first lesson."
    assert report.status == Status.DRAFT
    assert report.version == 2


def test_submitting_with_missing_answers_shows_each_error_next_to_its_field(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    data = eoc_data(report, lessons="Kept lesson.", action="submit")
    response = client.post(eoc_url(report), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "it cannot be submitted yet" in html
    # The error list sits inside the field's own block, tied to it for screen readers.
    for name in ("progress_level", "impact_factors", "as_planned", "problem_addressed"):
        assert re.search(
            rf'id="id_{name}-errors">\s*<li>This answer is required to submit the report.', html
        ), name
    assert 'id="id_lessons-errors"' not in html
    assert "Kept lesson." in html
    report.refresh_from_db()
    assert report.status == Status.DRAFT
    assert report.lessons == "Kept lesson."  # the draft part was saved
    assert f'name="version" value="{report.version}"' in html


def test_submitting_a_complete_report_makes_it_read_only(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    data = eoc_data(report, action="submit", **complete_eoc_answers())
    data["problem_addressed"] = ProblemAnswer.objects.get(slug="partially").pk
    response = client.post(eoc_url(report), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    transition = Transition.objects.get(end_of_commitment_report=report)
    assert (transition.by, transition.from_status, transition.to_status) == (
        evaluator,
        "draft",
        "submitted",
    )

    page = client.get(eoc_url(report)).content.decode()
    assert "read-only" in page
    assert '<form method="post" enctype' not in page
    assert "Involve municipalities earlier." in page

    response = client.post(eoc_url(report), eoc_data(report, lessons="Changed after submit"))
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.lessons == "Involve municipalities earlier."


def test_returned_report_shows_the_secretariats_comment(client, evaluator, secretariat):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    f.complete_end_of_commitment_answers(report)
    from reports.services import submit_report

    submit_report(report=report, by=evaluator)
    return_report(report=report, by=secretariat, comment="Please add the study as evidence.")
    client.force_login(evaluator)
    html = client.get(eoc_url(report)).content.decode()
    assert "Please add the study as evidence." in html
    assert 'name="action" value="submit"' in html  # editable again


def test_evaluator_cannot_publish_through_the_admin(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator], status="submitted")
    client.force_login(evaluator)
    response = client.post(
        f"/admin/reports/endofcommitmentreport/{report.pk}/publish/", follow=False
    )
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


# --- the Inception form -----------------------------------------------------------------------


def test_inception_form_has_one_block_per_commitment(client, evaluator):
    plan = f.make_plan()
    titles = ["Caravans", "Legal card", "Mediation"]
    for number, title in enumerate(titles, start=1):
        f.make_commitment(plan, number=number, title=title)
    report = f.make_inception_report(plan, evaluators=[evaluator])
    client.force_login(evaluator)
    html = client.get(inception_url(report)).content.decode()
    assert html.count('class="commitment-block"') == 3
    for number, title in enumerate(titles, start=1):
        assert f"{number}. Commitment: {title}" in html
        assert f"{number}.1 Is the commitment verifiable?" in html
    assert html.count('name="assessment-2-verifiable"') == 2  # Yes and No


def test_inception_submission_marks_missing_commitment_answers(client, evaluator):
    plan = f.make_plan()
    f.make_commitment(plan, number=1)
    f.make_commitment(plan, number=2)
    report = f.make_inception_report(plan, evaluators=[evaluator])
    f.complete_inception_answers(report)
    second = report.assessments.get(position=2)
    second.recommended_changes = ""
    second.save()
    report.refresh_from_db()
    client.force_login(evaluator)
    data = inception_data(report, action="submit")
    # Post back what is stored, as the browser would.
    for name in ("forum_exists", "forum_multistakeholder", "forum_meeting", "plan_endorsed"):
        data[name] = "yes"
        data[f"{name}_explanation"] = "Because."
    yes = report.practice_website_id
    for name in (
        "practice_website",
        "practice_advance_information",
        "practice_public_inputs",
        "practice_feedback",
        "practice_dialogue",
        "practice_inclusive_forum",
    ):
        data[name] = yes
        data[f"{name}_explanation"] = "Because."
    for index, assessment in enumerate(report.assessments.order_by("position")):
        data[f"assessment-{index}-verifiable"] = "yes"
        data[f"assessment-{index}-relevant"] = "no"
        data[f"assessment-{index}-nature"] = assessment.nature_id
        data[f"assessment-{index}-change"] = assessment.change_id
        data[f"assessment-{index}-recommended_changes"] = assessment.recommended_changes
    response = client.post(inception_url(report), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="id_assessment-1-recommended_changes-errors"', html)
    assert 'id="id_assessment-0-recommended_changes-errors"' not in html
    assert 'id="id_forum_exists-errors"' not in html
    report.refresh_from_db()
    assert report.status == Status.DRAFT
    assert report.assessments.get(position=1).relevant == "no"  # the draft was saved

    data["version"] = report.version  # the version just saved
    data["assessment-1-recommended_changes"] = "Narrow the scope."
    response = client.post(inception_url(report), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


# --- no lost work -----------------------------------------------------------------------------


def test_second_save_of_the_same_draft_is_refused_and_keeps_the_input(client, evaluator):
    colleague = f.make_evaluator()
    report = f.make_end_of_commitment_report(evaluators=[evaluator, colleague])
    loaded_version = report.version  # both opened the form at this version

    client.force_login(colleague)
    assert (
        client.post(eoc_url(report), eoc_data(report, lessons="Colleague's text")).status_code
        == 302
    )

    client.force_login(evaluator)
    data = {"version": loaded_version, "action": "save", "lessons": "My long careful text"}
    response = client.post(eoc_url(report), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this report after you opened it" in html
    assert "My long careful text" in html
    report.refresh_from_db()
    assert report.lessons == "Colleague's text"

    # Re-posting the same stale form is refused again, not slipped through.
    assert client.post(eoc_url(report), data).status_code == 409


def test_secretariat_edit_in_the_admin_conflicts_with_an_open_draft(client, evaluator, secretariat):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    loaded_version = report.version
    from reports.services import bump_version

    bump_version(report)  # what the admin's save does
    client.force_login(evaluator)
    response = client.post(eoc_url(report), {"version": loaded_version, "lessons": "Mine"})
    assert response.status_code == 409


def test_bad_version_is_a_form_error(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    response = client.post(eoc_url(report), {"version": "abc", "lessons": "x"})
    assert response.status_code == 200
    assert b"Please correct the errors below." in response.content
    report.refresh_from_db()
    assert report.lessons == ""


def test_workspace_is_in_spanish(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    html = client.get(f"/es/evaluations/end-of-commitment/{report.pk}/").content.decode()
    assert "Guardar borrador" in html
    assert "¿El compromiso se implementó como se planeó originalmente?" in html
