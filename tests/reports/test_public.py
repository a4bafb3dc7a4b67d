import re

import pytest
from django.template import Context, Template

from reports.models import Attachment, CommitmentChange, CommitmentNature, PracticeAnswer
from tests import factories as f
from tests.reports import files

pytestmark = pytest.mark.django_db


def published_inception(commitments: int = 3):
    plan = f.make_plan(title="Action plan – Mexico State, Mexico, 2021 – 2022")
    for number in range(1, commitments + 1):
        f.make_commitment(plan, number=number, title=f"Commitment title {number}")
    report = f.make_inception_report(plan, evaluator_names="Oscar Javier Islas Jiménez")
    f.complete_inception_answers(report)
    report.practice_inclusive_forum = PracticeAnswer.objects.get(slug="moderately")
    report.forum_exists_evidence = "https://ogplocaledomex.com.mx/"
    report.save()
    type(report).objects.filter(pk=report.pk).update(status="published")
    return report


def published_end_of_commitment(**fields):
    commitment = f.make_commitment(
        title="Open government culture",
        ogp_id="MXMEX0009",
        action="Articulate the local and municipal open government agendas.",
        problem="Lack of interest and knowledge of transparency.",
    )
    report = f.make_end_of_commitment_report(commitment, evaluator_names="Ana, Luis, Eva", **fields)
    f.complete_end_of_commitment_answers(report)
    type(report).objects.filter(pk=report.pk).update(status="published")
    return report


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_unpublished_reports_are_404(client, status, secretariat):
    inception = f.make_inception_report(status=status)
    end = f.make_end_of_commitment_report(status=status)
    assert client.get(f"/en/reports/inception/{inception.pk}/").status_code == 404
    assert client.get(f"/en/reports/end-of-commitment/{end.pk}/").status_code == 404
    client.force_login(secretariat)  # even staff read drafts in the admin, not here
    assert client.get(f"/en/reports/end-of-commitment/{end.pk}/").status_code == 404


def test_report_of_an_unpublished_plan_is_404(client):
    report = f.make_inception_report(f.make_plan(published=False), status="published")
    assert client.get(f"/en/reports/inception/{report.pk}/").status_code == 404


def test_inception_page_in_the_shape_of_the_report(client, django_assert_num_queries):
    report = published_inception(commitments=3)
    # 1. the report with its plan, member and Section 2 answers  2. evaluators
    # 3. assessments with commitments and their answers  4. its public corrections
    # 5. approved comments
    with django_assert_num_queries(5):
        response = client.get(f"/en/reports/inception/{report.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inception Report – Action plan – Mexico State, Mexico, 2021 – 2022" in html
    assert "Oscar Javier Islas Jiménez" in html
    assert "1.1 Does a forum exist?" in html
    assert "Compliance with co-creation requirements" in html
    assert "Moderately" in html
    assert '<a href="https://ogplocaledomex.com.mx/"' in html  # evidence links are links
    for number in range(1, 4):
        assert re.search(
            rf"{number}\. Commitment: <a href=\"[^\"]+\">Commitment title {number}</a>", html
        )
        assert f"{number}.5 Are there any recommended changes" in html
    assert "a continuation of ongoing practice" in html
    assert "css/reports.css" in html  # the print stylesheet


@pytest.mark.parametrize("commitments", [3, 30])
def test_inception_page_query_count_does_not_grow(client, django_assert_num_queries, commitments):
    report = published_inception(commitments=commitments)
    # The report, evaluators, a page of assessments with their count, public corrections,
    # comments.
    with django_assert_num_queries(5):
        assert client.get(f"/en/reports/inception/{report.pk}/").status_code == 200


def test_an_inception_reports_commitments_come_a_page_at_a_time(client):
    report = published_inception(commitments=23)
    url = f"/en/reports/inception/{report.pk}/"
    first = client.get(url).content.decode()
    assert "20. Commitment:" in first and "21. Commitment:" not in first
    assert 'href="?commitments=2#section-3"' in first
    second = client.get(url, {"commitments": "2"}).content.decode()
    assert "20. Commitment:" not in second
    assert "21. Commitment:" in second and "23. Commitment:" in second
    assert "Page 2 of 2" in second
    # A page number past the end or not a number shows a page, never an error.
    assert client.get(url, {"commitments": "99"}).status_code == 200
    assert client.get(url, {"commitments": "x"}).status_code == 200


def test_end_of_commitment_page_in_the_shape_of_the_report(client, django_assert_num_queries):
    report = published_end_of_commitment()
    for number in range(3):
        Attachment.objects.create(
            report=report,
            file=files.pdf(),
            original_name=f"evidence-{number}.pdf",
            content_type="application/pdf",
            size=10,
        )
    # 1. the report with commitment, plan, member and scale answers  2. evaluators
    # 3. attachments  4. its public corrections  5. approved comments
    with django_assert_num_queries(5):
        response = client.get(f"/en/reports/end-of-commitment/{report.pk}/")
    html = response.content.decode()
    assert "End of Commitment Report – Open government culture" in html
    assert "Ana, Luis, Eva" in html
    assert "Articulate the local and municipal open government agendas." in html
    assert "Lack of interest and knowledge of transparency." in html
    assert "1.1 What was the overall level of progress" in html
    assert "Substantial" in html
    assert "2.1.2 Did the government create new opportunities" in html
    assert "Explanation: In narrative form, what has been the impact on people or practice." in html
    assert "3 Provide at least one lesson or reflection" in html
    for number in range(3):
        assert f"evidence-{number}.pdf" in html


def test_public_page_in_spanish(client):
    report = published_inception(commitments=1)
    html = client.get(f"/es/reports/inception/{report.pk}/").content.decode()
    assert "¿Existe un foro?" in html
    assert "Moderadamente" in html
    assert "una continuación de una práctica en curso" in html


def test_print_stylesheet_has_print_rules():
    from django.conf import settings

    css = (settings.BASE_DIR / "static/css/reports.css").read_text()
    assert "@media print" in css


# --- fragments for the portal's pages ---------------------------------------------------------


def render(text: str, **context) -> str:
    return Template("{% load reports_tags %}" + text).render(Context(context))


def test_commitment_summary_shows_the_inception_assessment(django_assert_num_queries):
    report = published_inception(commitments=3)
    commitment = report.assessments.get(position=2).commitment
    end = f.make_end_of_commitment_report(commitment)
    type(end).objects.filter(pk=end.pk).update(status="published")
    # 1. the published assessment with its answers and report  2. the End of Commitment Report
    with django_assert_num_queries(2):
        html = render("{% commitment_report_summary commitment %}", commitment=commitment)
    assert "Inception Report Summary" in html
    assert "Verifiable:" in html and "Relevance to OGP Values:" in html
    assert (
        "The commitment is a continuation of ongoing practice in line with existing legislation, "
        "policies or requirements." in html
    )
    assert "The commitment activities will result in a change of the rules" in html
    assert (
        "To view the detailed final assessment of this commitment read the" in html
        and end.get_absolute_url() in html
    )


def test_commitment_summary_hides_unpublished_assessments():
    plan = f.make_plan()
    commitment = f.make_commitment(plan)
    f.make_inception_report(plan, status="submitted")
    f.make_end_of_commitment_report(commitment, status="submitted")
    assert render("{% commitment_report_summary c %}", c=commitment).strip() == ""


def test_plan_link_to_its_inception_report(django_assert_num_queries):
    report = published_inception(commitments=1)
    # 1. the version of the public data  2. the plan's published Inception Report
    with django_assert_num_queries(2):
        html = render("{% plan_report_links plan %}", plan=report.action_plan)
    assert report.get_absolute_url() in html
    with django_assert_num_queries(1):  # kept for this version of the data
        assert render("{% plan_report_links plan %}", plan=report.action_plan) == html
    draft = f.make_inception_report()
    assert render("{% plan_report_links plan %}", plan=draft.action_plan).strip() == ""


def test_member_resources_fragment(django_assert_num_queries):
    report = published_inception(commitments=1)
    member = report.action_plan.member
    end = f.make_end_of_commitment_report(f.make_commitment(report.action_plan))
    type(end).objects.filter(pk=end.pk).update(status="published")
    # 1. the version of the public data  2. Inception Reports  3. End of Commitment Reports
    with django_assert_num_queries(3):
        html = render("{% member_reports member %}", member=member)
    assert report.get_absolute_url() in html
    assert end.get_absolute_url() in html
    assert "End of Commitment Report" in html
    with django_assert_num_queries(1):  # kept for this version of the data
        assert render("{% member_reports member %}", member=member) == html


def test_scale_terms_added_by_the_secretariat_show_up_in_the_form(client, evaluator):
    CommitmentNature.objects.create(name="a pilot", name_es="un piloto", slug="pilot", position=9)
    CommitmentChange.objects.create(name="will change little", slug="little", position=9)
    plan = f.make_plan()
    f.make_commitment(plan)
    report = f.make_inception_report(plan, evaluators=[evaluator])
    client.force_login(evaluator)
    html = client.get(f"/en/evaluations/inception/{report.pk}/").content.decode()
    assert "a pilot" in html and "will change little" in html
