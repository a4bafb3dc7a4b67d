"""Text search: PostgreSQL full-text (Spanish and English, accent-free, ranked); SQLite fallback."""

import pytest
from django.db import connection

from commitments.filters import CommitmentFilter
from commitments.models import Commitment
from tests.factories import make_commitment, make_institution, make_milestone

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

POSTGRES = connection.vendor == "postgresql"


def titles(qs):
    return {c.title for c in qs}


def test_search_matches_titles_texts_and_milestones_case_insensitively():
    culture = make_commitment(title="Open government culture")
    justice = make_commitment(title="Everyday justice", problem="Courts are far from people.")
    make_milestone(justice, title="Itinerant COURTS visit municipalities")
    make_commitment(title="Budget transparency")
    assert titles(Commitment.objects.search("CULTURE")) == {culture.title}
    assert titles(Commitment.objects.search("courts")) == {justice.title}
    assert titles(Commitment.objects.search("municipalities")) == {justice.title}
    assert titles(Commitment.objects.search("   ")) == {
        "Open government culture",
        "Everyday justice",
        "Budget transparency",
    }


def test_search_finds_by_ogp_id():
    make_commitment(title="Culture", ogp_id="MXMEX0009")
    make_commitment(title="Other", ogp_id="MXMEX0010")
    assert titles(Commitment.objects.search("mxmex0009")) == {"Culture"}


def test_accent_free_query_finds_accented_spanish_on_postgresql():
    make_commitment(title="Participación ciudadana en la justicia")
    make_commitment(title="Datos abiertos")
    found = titles(Commitment.objects.search("participacion"))
    # PostgreSQL folds accents in its vector; elsewhere the normalised search text does.
    assert found == {"Participación ciudadana en la justicia"}
    # Typing the accent works on every database.
    assert titles(Commitment.objects.search("Participación")) == {
        "Participación ciudadana en la justicia"
    }


def test_stemming_finds_other_word_forms_on_postgresql():
    make_commitment(title="Fortalecimiento de los mecanismos de participación")
    make_commitment(title="Strengthening democracy", action="Train election observers.")
    spanish = titles(Commitment.objects.search("mecanismo"))
    english = titles(Commitment.objects.search("observer"))
    if POSTGRES:
        assert spanish == {"Fortalecimiento de los mecanismos de participación"}
        assert english == {"Strengthening democracy"}
    else:
        # A substring match still finds the singular inside the plural.
        assert spanish == {"Fortalecimiento de los mecanismos de participación"}
        assert english == {"Strengthening democracy"}
    # …and words in any order.
    assert titles(Commitment.objects.search("democracy strengthening")) == {
        "Strengthening democracy"
    }


def test_results_are_ranked_title_first_on_postgresql():
    in_milestone = make_commitment(title="Justice caravans")
    make_milestone(in_milestone, title="Transparency workshops in caravans")
    in_title = make_commitment(title="Transparency portal")
    ranked = list(Commitment.objects.search("transparency").order_by("-rank", "pk"))
    assert {c.pk for c in ranked} == {in_milestone.pk, in_title.pk}
    if POSTGRES:
        assert ranked[0] == in_title
        assert ranked[0].rank > ranked[1].rank
    else:
        assert ranked[0].rank == ranked[1].rank == 1.0


def test_search_vector_follows_milestone_edits_on_postgresql():
    commitment = make_commitment(title="Culture")
    milestone = make_milestone(commitment, title="Seminars")
    assert titles(Commitment.objects.search("seminars")) == {"Culture"}
    milestone.title = "Competitions"
    milestone.save()
    assert titles(Commitment.objects.search("seminars")) == set()
    assert titles(Commitment.objects.search("competitions")) == {"Culture"}
    milestone.delete()
    assert titles(Commitment.objects.search("competitions")) == set()
    if POSTGRES:
        # The database triggers follow even a bulk update() that bypasses save().
        Commitment.objects.filter(pk=commitment.pk).update(title="Forums")
    else:
        commitment.title = "Forums"
        commitment.save()
    assert titles(Commitment.objects.search("forums")) == {"Forums"}
    if POSTGRES:
        commitment.refresh_from_db()
        assert commitment.search_vector  # kept by the database triggers
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'commitment_search_vector_gin'"
            )
            assert "USING gin (search_vector)" in cursor.fetchone()[0]


def test_the_shared_filter_searches_for_pages_and_api():
    make_commitment(title="Open government culture")
    make_commitment(title="Budget")
    found = CommitmentFilter({"q": "culture"}, queryset=Commitment.objects.all())
    assert titles(found.qs) == {"Open government culture"}


def test_explorer_ranks_by_relevance_when_searching(client):
    make_commitment(title="Caravans", number=1, action="Transparency on the road.")
    make_commitment(title="Transparency portal", number=2)
    response = client.get("/en/commitments/?q=transparency")
    assert response.context["sort"] == "relevance"
    found = [c.title for c in response.context["page"].object_list]
    if POSTGRES:
        assert found == ["Transparency portal", "Caravans"]
    else:
        assert found == ["Caravans", "Transparency portal"]  # equal rank: the plan's order


def test_explorer_accent_free_search(client):
    make_commitment(title="Participación ciudadana")
    html = client.get("/en/commitments/?q=participacion").content.decode()
    assert "1 commitment found" in html
    assert "Participación ciudadana" in html


def test_search_ignores_queries_of_only_punctuation():
    make_commitment(title="Culture")
    assert titles(Commitment.objects.search("!!! &&&")) == set()


def _bilingual_commitment():
    commitment = make_commitment(
        title_en="Citizen participation in justice",
        title_es="Participación ciudadana en la justicia",
        original_language="en",
    )
    make_commitment(title_en="Open data", title_es="Datos abiertos", original_language="en")
    return commitment


@pytest.mark.parametrize(
    "words", ["participacion", "participación", "PARTICIPACIÓN", "participation"]
)
def test_both_language_versions_are_searched_without_accents(words):
    commitment = _bilingual_commitment()
    assert list(Commitment.objects.search(words)) == [commitment]


def test_spanish_plurals_are_found():
    commitment = _bilingual_commitment()
    assert list(Commitment.objects.search("Participaciones")) == [commitment]


def test_a_spanish_word_finds_the_english_original_through_its_translation():
    culture = make_commitment(
        title_en="Open government culture",
        title_es="Cultura de gobierno abierto",
        original_language="en",
    )
    make_commitment(title_en="Budget transparency", title_es="Transparencia presupuestaria")
    assert list(Commitment.objects.search("cultura")) == [culture]
    assert list(Commitment.objects.search("difusion")) == []


def test_an_institution_acronym_or_name_finds_its_commitments():
    infoem = make_institution(
        name="Instituto de Transparencia del Estado de México",
        name_en="Transparency Institute of the State of Mexico",
        acronym="INFOEM",
    )
    led = make_commitment(title_en="Open government culture", lead=infoem)
    make_commitment(title_en="Everyday justice")
    assert list(Commitment.objects.search("INFOEM")) == [led]
    assert list(Commitment.objects.search("transparencia")) == [led]


def test_renaming_an_institution_refreshes_what_finds_its_commitments():
    institution = make_institution(name="Instituto Uno", acronym="IU")
    led = make_commitment(title_en="Open government culture", lead=institution)
    institution.acronym = "IEEM"
    institution.save()
    assert list(Commitment.objects.search("IEEM")) == [led]
    assert list(Commitment.objects.search("IU")) == []


def test_a_milestone_in_spanish_makes_its_commitment_findable():
    commitment = make_commitment(title_en="Open government culture")
    make_milestone(
        commitment,
        title_es="Elaborar una agenda local para la difusión",
        title_en="Prepare a local agenda for dissemination",
    )
    assert list(Commitment.objects.search("difusion")) == [commitment]
    assert list(Commitment.objects.search("dissemination")) == [commitment]


def make_three_matches():
    """Three commitments that mention transparency (the oldest in its title, the middle one in
    its text alone) and one that does not; returns the oldest."""
    oldest = make_commitment(title="Transparency portal", number=1)
    make_commitment(title="Caravans", number=2, action="Transparency on the road.")
    make_commitment(title="Transparency budget", number=3)
    make_commitment(title="Unrelated", number=4)
    return oldest


def test_explorer_ranks_the_newest_matches_when_too_many_match(client, monkeypatch):
    from commitments import models

    monkeypatch.setattr(models, "RANKED_MATCHES", 2)
    oldest = make_three_matches()
    response = client.get("/en/commitments/?q=transparency")
    page = response.context["page"]
    assert page.paginator.count == 3  # every match is still found and counted
    found = [c.title for c in page.object_list]
    html = response.content.decode()
    note = "The 2 newest matches come first, the most relevant of them first"
    if POSTGRES:
        # The two newest are ranked (a title match first); the oldest follows, though it would
        # rank high: it is not among the newest two.
        assert found == ["Transparency budget", "Caravans", oldest.title]
        assert note in html
    else:
        assert found == [oldest.title, "Caravans", "Transparency budget"]  # equal rank
        assert note not in html
    monkeypatch.setattr(models, "RANKED_MATCHES", 3)
    response = client.get("/en/commitments/?q=transparency")
    found = [c.title for c in response.context["page"].object_list]
    assert note.replace("2", "3") not in response.content.decode()
    if POSTGRES:
        assert found[-1] == "Caravans"  # all three ranked: the text-only match last


def test_the_api_ranks_the_newest_matches_first_as_the_explorer_does(client, monkeypatch):
    from commitments import models

    monkeypatch.setattr(models, "RANKED_MATCHES", 2)
    oldest = make_three_matches()
    body = client.get("/api/v1/commitments/?q=transparency").json()
    assert body["count"] == 3
    found = [row["title"] for row in body["results"]]
    if POSTGRES:
        assert found == ["Transparency budget", "Caravans", oldest.title]
    else:
        assert found == [oldest.title, "Caravans", "Transparency budget"]  # equal rank
    by_number = client.get("/api/v1/commitments/?q=transparency&ordering=number").json()
    assert [row["title"] for row in by_number["results"]] == [
        oldest.title,
        "Caravans",
        "Transparency budget",
    ]


def test_pages_of_a_bounded_ranking_list_every_match_once(monkeypatch, rf):
    from django.contrib.auth.models import AnonymousUser

    from commitments import models, views

    monkeypatch.setattr(models, "RANKED_MATCHES", 3)
    for number in range(1, 8):
        make_commitment(title=f"Transparency {number}", number=number)
    make_commitment(title="Unrelated", number=8)
    request = rf.get("/en/commitments/", {"q": "transparency"})
    request.user = AnonymousUser()
    _found, qs, sort, ranked = views.explore(request)
    assert sort == "relevance"
    pages = [views.paginate_commitments(qs, n, per_page=2, ranked=ranked) for n in (1, 2, 3, 4)]
    listed = [c.title for page in pages for c in page.object_list]
    assert sorted(listed) == sorted(f"Transparency {n}" for n in range(1, 8))  # each once
    if POSTGRES:
        # The three newest (5, 6, 7: equal rank, then by number) first, page 2 straddling
        # them and the others, which follow by number.
        assert ranked is not None and len(ranked) == 3
        assert listed == [f"Transparency {n}" for n in (5, 6, 7, 1, 2, 3, 4)]
    else:
        assert ranked is None
        assert listed == [f"Transparency {n}" for n in range(1, 8)]


def test_the_newest_matches_are_found_however_the_matches_spread_over_the_keys(monkeypatch, rf):
    from django.contrib.auth.models import AnonymousUser

    from commitments import models, views

    monkeypatch.setattr(models, "RANKED_MATCHES", 2)
    # Ten old matches far below a few newer commitments that do not match: the first range of
    # keys looked at (sized by the share that matches) holds none of them.
    for offset in range(10):
        make_commitment(pk=1_000_000 + offset, title=f"Transparency {offset}", number=offset)
    for offset in range(3):
        make_commitment(pk=2_000_000 + offset, title=f"Roads {offset}")
    request = rf.get("/en/commitments/", {"q": "transparency"})
    request.user = AnonymousUser()
    _found, qs, _sort, ranked = views.explore(request)
    if POSTGRES:
        assert ranked == [1_000_009, 1_000_008]
    else:
        assert ranked is None  # every match ranks alike
    monkeypatch.setattr(models, "RANKED_MATCHES", 10)
    assert views.explore(request)[3] is None  # no more matches than are ranked


def test_the_search_vector_is_rebuilt_when_texts_change_not_when_a_flag_does():
    commitment = make_commitment(title_en="Archives")
    query = Commitment.objects.filter(pk=commitment.pk)
    if POSTGRES:
        # A text changed behind the trigger's back: the vector still holds the old one.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending event may block ALTER
            cursor.execute("ALTER TABLE commitments_commitment DISABLE TRIGGER USER")
            query.update(title_en="Libraries")
            cursor.execute("ALTER TABLE commitments_commitment ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        query.update(is_public=False)  # a flag: the vector is not rebuilt
        assert titles(Commitment.objects.search("archives")) == {"Libraries"}
        query.update(is_public=True, short_title_en="Museums")  # a text: rebuilt
        assert titles(Commitment.objects.search("archives")) == set()
        assert titles(Commitment.objects.search("libraries museums")) == {"Libraries"}
    else:
        commitment.title_en = "Libraries"
        commitment.save()
        assert titles(Commitment.objects.search("libraries")) == {"Libraries"}


def test_a_kept_search_follows_every_change_and_each_reader_keeps_their_own(client, monkeypatch):
    from commitments import models
    from tests.factories import make_secretariat

    monkeypatch.setattr(models, "RANKED_MATCHES", 2)
    for number in range(1, 5):
        make_commitment(title=f"Transparency {number}", number=number)
    draft = make_commitment(title="Transparency draft", number=9, published=False)

    def found(page=1):
        response = client.get("/en/commitments/", {"q": "transparency", "page": page})
        return [c.title for c in response.context["page"].object_list]

    public = found()
    assert found() == public  # read again, kept
    assert "Transparency draft" not in public
    client.force_login(make_secretariat())
    assert "Transparency draft" in found()  # the secretariat's own search
    client.logout()
    assert found() == public  # never the secretariat's
    # A new match, then a publication: shown at once.
    newest = make_commitment(title="Transparency newest", number=5)
    assert "Transparency newest" in found()
    draft.is_published = True
    draft.save()
    titles = found()
    assert "Transparency draft" in titles
    if POSTGRES:
        # The two newest matches are the ones ranked first.
        assert set(titles[:2]) == {"Transparency draft", newest.title}
