"""The portal's search page: every kind of content, grouped, in both languages, on both databases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments import site_search
from commitments.models import Commitment
from plans.models import Document, Meeting
from tests.factories import (
    make_commitment,
    make_institution,
    make_member,
    make_milestone,
    make_plan,
    make_secretariat,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

POSTGRES = connection.vendor == "postgresql"


def group_titles(response, key):
    group = next(g for g in response.context["groups"] if g.key == key)
    return group


@pytest.fixture
def content():
    infoem = make_institution(
        name="Instituto de Transparencia del Estado de México", acronym="INFOEM"
    )
    plan = make_plan(title_en="Open local plan", title_es="Plan local abierto")
    culture = make_commitment(
        plan,
        title_en="Open government culture",
        title_es="Cultura de gobierno abierto",
        lead=infoem,
    )
    make_milestone(culture, title_es="Difusión de la participación ciudadana")
    make_commitment(plan, title_en="Budget data", title_es="Datos presupuestales")
    Document.objects.create(title_es="Acta de participación", title_en="Participation minutes")
    Meeting.objects.create(
        title_es="Mesa de participación",
        title_en="Participation roundtable",
        date=datetime.date(2022, 3, 1),
        kind=Meeting.Kind.ROUNDTABLE,
    )
    return {"infoem": infoem, "plan": plan, "culture": culture}


def test_accent_free_words_find_every_kind_in_either_page_language(client, content):
    for url in ("/es/buscar/?q=participacion", "/en/search/?q=PARTICIPACIÓN"):
        response = client.get(url)
        assert response.status_code == 200
        counts = {g.key: g.count for g in response.context["groups"]}
        assert counts == {
            "commitments": 1,
            "institutions": 0,
            "plans": 0,
            "documents": 1,
            "meetings": 1,
        }
        commitments = group_titles(response, "commitments")
        assert commitments.hits[0].obj == content["culture"]
        # Where it matched: the milestone's Spanish title.
        assert any("Difusión de la participación" in m for m in commitments.hits[0].matched)


def test_acronym_finds_the_institution_and_its_commitments(client, content):
    response = client.get("/en/search/?q=infoem")
    assert group_titles(response, "institutions").hits[0].obj == content["infoem"]
    assert [h.obj for h in group_titles(response, "commitments").hits] == [content["culture"]]
    body = response.content.decode()
    assert content["infoem"].get_absolute_url() in body


def test_spanish_title_found_from_english_page_and_shown_in_english(client, content):
    response = client.get("/en/search/?q=cultura")
    hits = group_titles(response, "commitments").hits
    assert [h.obj for h in hits] == [content["culture"]]
    assert "Open government culture" in response.content.decode()
    plan_hits = client.get("/en/search/?q=plan abierto").context["groups"]
    assert [h.obj for h in group_titles_from(plan_hits, "plans").hits] == [content["plan"]]


def group_titles_from(groups, key):
    return next(g for g in groups if g.key == key)


def test_drafts_are_found_only_by_the_secretariat(client, content):
    draft = make_plan(make_member(), published=False, title_en="Secret participation plan")
    make_commitment(draft, title_en="Hidden participation commitment", published=False)
    anonymous = client.get("/en/search/?q=secret participation")
    assert {g.key: g.count for g in anonymous.context["groups"]}["plans"] == 0
    client.force_login(make_secretariat())
    staff = client.get("/en/search/?q=secret participation")
    assert [h.obj for h in group_titles(staff, "plans").hits] == [draft]


def test_one_kind_pages_through_its_results(client, content):
    for i in range(25):
        Document.objects.create(title_en=f"Participation annex {i}", title_es=f"Anexo {i}")
    first = client.get("/en/search/?q=participation&kind=documents")
    assert [g.key for g in first.context["groups"]] == ["documents"]
    assert first.context["page"].paginator.count == 26
    assert len(first.context["groups"][0].hits) == 20
    second = client.get("/en/search/?q=participation&kind=documents&page=2")
    assert len(second.context["groups"][0].hits) == 6
    overview = client.get("/en/search/?q=participation")
    assert len(group_titles(overview, "documents").hits) == 5
    assert "kind=documents" in overview.content.decode()


@pytest.mark.parametrize(
    "query",
    ["", "   ", "%%%", "<script>", "a" * 3000, "q=1&kind=../../", "\u00b9", "'; DROP TABLE x"],
)
def test_strange_input_gets_a_page_never_an_error(client, content, query):
    response = client.get("/en/search/", {"q": query, "kind": "nonsense", "page": "-1"})
    assert response.status_code == 200
    assert len(response.context["q"]) <= 200


def test_empty_query_explains_what_to_type(client, content):
    response = client.get("/es/buscar/")
    assert response.status_code == 200
    assert response.context["groups"] == []
    assert 'lang="es"' in response.content.decode()


def test_language_switch_points_at_the_translated_address(client, content):
    body = client.get("/en/search/?q=cultura").content.decode()
    assert 'href="/es/buscar/?q=cultura"' in body


def test_query_count_does_not_grow_with_results(client, content):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/search/?q=participation").status_code == 200
        return len(queries)

    plan = content["plan"]

    def add(count):
        for i in range(count):
            commitment = make_commitment(plan, title_en=f"Participation {i}")
            make_milestone(commitment, title_en=f"Participation step {i}")
            Document.objects.create(title_en=f"Participation annex {i}")

    add(3)
    few = count_queries()
    add(30)
    many = count_queries()
    assert many == few
    # Again at the same version of the data: each kind's count is kept, not counted again.
    assert count_queries() <= many - len(site_search.KINDS)


def test_a_group_counts_no_further_than_its_cap_and_says_there_are_more(
    client, content, monkeypatch
):
    monkeypatch.setattr(site_search, "MAX_COUNTED", 3)
    plan = content["plan"]
    for i in range(4):
        make_commitment(plan, title_en=f"Participation {i}")
        Document.objects.create(title_en=f"Participation annex {i}")
    overview = client.get("/en/search/?q=participation")
    groups = {g.key: g for g in overview.context["groups"]}
    for key in ("commitments", "documents"):
        assert (groups[key].count, groups[key].more) == (3, True)
    assert (groups["meetings"].count, groups["meetings"].more) == (1, False)
    body = overview.content.decode()
    assert "(more than 3)" in body
    assert "More than 7 results" in body
    assert "See the first 3 results in Documents" in body

    one_kind = client.get("/en/search/?q=participation&kind=documents&page=9")
    assert one_kind.context["page"].paginator.count == 3
    assert one_kind.context["page"].paginator.more
    assert len(one_kind.context["groups"][0].hits) == 3
    assert "Only the first 3 are listed" in one_kind.content.decode()


def test_commitments_are_ranked_among_the_newest_matches_when_more_match(content):
    plan = content["plan"]
    older = make_commitment(plan, title_en="Participation portal", problem_en="Participation.")
    newer = [
        make_commitment(plan, title_en=f"Roads {i}", action_en="Participation") for i in range(3)
    ]
    ranked = list(Commitment.objects.search_first("participation", 10).order_by("-rank", "pk"))
    # Every match when there are no more than the limit, ranked as the search ranks them.
    assert {c.pk for c in ranked} == {c.pk for c in Commitment.objects.search("participation")}
    assert {older.pk, *(c.pk for c in newer)} <= {c.pk for c in ranked}
    if POSTGRES:
        assert ranked[0] == older  # in its title
        newest = Commitment.objects.search_first("participation", 3)
        assert {c.pk for c in newest} == {c.pk for c in newer}
