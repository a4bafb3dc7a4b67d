import io

import pytest
from django.core.management import call_command

from reports.demo import INCEPTION_ASSESSMENTS, PLAN_TITLE, load_demo_reports
from reports.models import EndOfCommitmentReport, InceptionReport, Status, Transition
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
