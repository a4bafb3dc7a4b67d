"""The admin's “Missing Spanish” / “Missing English” filter on plans, commitments and milestones."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def texts(obj, **columns):
    """Set the language columns exactly, whatever the factory filled in."""
    type(obj).objects.filter(pk=obj.pk).update(**columns)
    return obj


def a_plan(title_es="Plan", title_en="Plan"):
    return texts(f.make_plan(), title_es=title_es, title_en=title_en)


def a_commitment(plan, title_es, title_en):
    return texts(f.make_commitment(plan), title_es=title_es, title_en=title_en)


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.fixture
def commitments():
    plan = a_plan()
    both = a_commitment(plan, "Datos abiertos", "Open data")
    english_only = a_commitment(plan, "", "Everyday justice")
    spanish_only = a_commitment(plan, "Justicia cotidiana", "")
    return {"both": both, "english_only": english_only, "spanish_only": spanish_only}


def test_the_filter_lists_commitments_missing_a_language(client, secretariat, commitments):
    client.force_login(secretariat)
    url = "/admin/commitments/commitment/"
    assert listed(client.get(f"{url}?missing=es")) == {commitments["english_only"].pk}
    assert listed(client.get(f"{url}?missing=en")) == {commitments["spanish_only"].pk}
    assert listed(client.get(url)) == {c.pk for c in commitments.values()}
    page = client.get(url).content.decode()
    assert "Missing Spanish" in page and "Missing English" in page


def test_the_filter_lists_milestones_and_plans_missing_a_language(client, secretariat):
    client.force_login(secretariat)
    commitment = a_commitment(a_plan(), "Datos abiertos", "Open data")
    translated = texts(f.make_milestone(commitment), title_es="Elaborar", title_en="Draft")
    spanish_only = texts(f.make_milestone(commitment), title_es="Difundir", title_en="")
    url = "/admin/commitments/milestone/"
    assert listed(client.get(f"{url}?missing=en")) == {spanish_only.pk}
    assert translated.pk not in listed(client.get(f"{url}?missing=es"))

    english_plan = a_plan(title_es="", title_en="English plan")
    url = "/admin/plans/actionplan/"
    assert english_plan.pk in listed(client.get(f"{url}?missing=es"))
    assert english_plan.pk not in listed(client.get(f"{url}?missing=en"))


def test_a_text_empty_in_both_languages_is_not_missing(client, secretariat):
    client.force_login(secretariat)
    commitment = a_commitment(a_plan(), "Datos abiertos", "Open data")
    texts(commitment, problem_es="", problem_en=None)  # no text in either language
    url = "/admin/commitments/commitment/"
    assert commitment.pk not in listed(client.get(f"{url}?missing=es"))
    assert commitment.pk not in listed(client.get(f"{url}?missing=en"))
