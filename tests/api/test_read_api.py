import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import MilestoneStatus
from commitments.services import change_milestone_status
from plans.models import Document
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def error(status: int, code: str) -> dict:
    return {"status": status, "code": code}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "fields"}
    assert (body["error"]["status"], body["error"]["code"]) == (status, code)
    assert body["error"]["message"]
    return body["error"]


@pytest.fixture
def published(secretariat):
    """A published plan with three commitments, a draft plan and an unpublished commitment."""
    lead = factories.make_institution(name="INFOEM", slug="infoem")
    plan = factories.make_plan(factories.make_member(slug="mexico-state"), slug="plan-2021")
    first = factories.make_commitment(
        plan,
        ogp_id="MXMEX0009",
        number=1,
        title="Acceso a la información",
        milestones=3,
        statuses=(MilestoneStatus.FINISHED,),
        lead=lead,
        primary_policy_area=factories.policy_area(),
    )
    first.ogp_values.add(factories.ogp_value())
    second = factories.make_commitment(plan, number=2, title="Justicia abierta", milestones=2)
    third = factories.make_commitment(
        plan, ogp_id="MXMEX0011", number=3, title="Datos", milestones=1
    )
    hidden = factories.make_commitment(plan, ogp_id="MXMEX0012", title="Borrador", published=False)
    draft = factories.make_plan(slug="draft-plan", published=False)
    in_draft = factories.make_commitment(draft, ogp_id="MXMEX0013", title="Plan borrador")
    change_milestone_status(
        milestone=first.milestones.get(number=2),
        new_status=MilestoneStatus.IN_PROGRESS,
        by=secretariat,
        note="Arrancó",
        evidence=[{"title": "Acta", "url": "https://example.org/acta.pdf"}],
    )
    return {
        "plan": plan,
        "draft": draft,
        "first": first,
        "second": second,
        "third": third,
        "hidden": hidden,
        "in_draft": in_draft,
        "lead": lead,
    }


def test_commitment_list_has_counts_progress_milestones_and_only_published(client, published):
    response = client.get("/api/v1/commitments/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["next"] is None
    assert [c["key"] for c in body["results"]] == [
        "MXMEX0009",
        str(published["second"].pk),
        "MXMEX0011",
    ]
    first = body["results"][0]
    assert first["progress"] == {
        "finished": 1,
        "total": 3,
        "not_reported": 1,
        "overdue": 2,
        "overdue_without_report": 1,
        "percent": 33,
        "rule": "Progress counts finished milestones over all milestones. A milestone nobody "
        "has reported on counts as not reported, never as started or finished.",
    }
    assert [m["number"] for m in first["milestones"]] == [1, 2, 3]
    assert first["milestones"][1]["status"] == "in_progress"
    assert first["start"] == "2022-02"
    assert first["policy_area"]["slug"] == "right-to-information"
    assert first["ogp_values"][0]["slug"] == "access-to-information"
    assert first["institutions"][0]["institution"]["slug"] == "infoem"
    assert first["institutions"][0]["role"] == "lead"
    assert first["action_plans"] == [
        {
            "slug": "plan-2021",
            "title": published["plan"].title,
            "member": "mexico-state",
            "start_year": 2021,
            "end_year": 2022,
        }
    ]
    assert first["last_update"] is not None
    assert first["api_url"] == "http://testserver/api/v1/commitments/MXMEX0009/"


def test_commitment_is_found_by_its_ogp_id_or_else_its_number(client, published):
    assert client.get("/api/v1/commitments/MXMEX0009/").json()["title"] == "Acceso a la información"
    assert client.get("/api/v1/commitments/mxmex0009/").status_code == 200
    no_id = published["second"]
    assert client.get(f"/api/v1/commitments/{no_id.pk}/").json()["key"] == str(no_id.pk)


@pytest.mark.parametrize("key", ["MXMEX0012", "MXMEX0013", "XX9999", "99999999999999999999999"])
def test_unpublished_or_unknown_commitments_are_404_in_the_error_shape(client, published, key):
    found = assert_error(client.get(f"/api/v1/commitments/{key}/"), 404, "not_found")
    assert found["fields"] == {}


def test_staff_read_the_same_published_data_as_everyone(client, published, secretariat):
    client.force_login(secretariat)
    assert client.get("/api/v1/commitments/").json()["count"] == 3
    assert client.get("/api/v1/commitments/MXMEX0012/").status_code == 404


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("policy_area=right-to-information", ["MXMEX0009"]),
        ("ogp_value=access-to-information", ["MXMEX0009"]),
        ("institution=infoem", ["MXMEX0009"]),
        ("member=mexico-state", ["MXMEX0009", "second", "MXMEX0011"]),
        ("plan=plan-2021", ["MXMEX0009", "second", "MXMEX0011"]),
        ("status=in_progress", ["MXMEX0009"]),
        ("overdue=true", ["MXMEX0009", "second", "MXMEX0011"]),
        ("q=justicia", ["second"]),
        ("ordering=-number", ["MXMEX0011", "second", "MXMEX0009"]),
        ("ordering=title&page_size=2", ["MXMEX0009", "MXMEX0011"]),
    ],
)
def test_commitments_take_the_explorers_filters_search_and_ordering(client, published, query, keys):
    body = client.get(f"/api/v1/commitments/?{query}").json()
    expected = [str(published["second"].pk) if key == "second" else key for key in keys]
    assert [c["key"] for c in body["results"]] == expected


def test_pagination_has_counts_and_links(client, published):
    body = client.get("/api/v1/commitments/?page_size=2").json()
    assert body["count"] == 3
    assert body["next"] == "http://testserver/api/v1/commitments/?page=2&page_size=2"
    assert len(body["results"]) == 2
    assert_error(client.get("/api/v1/commitments/?page=9"), 404, "not_found")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("member=atlantis", "member"),
        ("plan=draft-plan", "plan"),
        ("policy_area=astrology", "policy_area"),
        ("status=done", "status"),
        ("overdue=perhaps", "overdue"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(client, published, query, field):
    found = assert_error(client.get(f"/api/v1/commitments/?{query}"), 400, "invalid")
    assert list(found["fields"]) == [field]
    assert found["fields"][field][0]


def test_errors_are_translated(client, published):
    response = client.get("/api/v1/commitments/XX9999/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.json()["error"]["message"] == "No encontrado."


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/commitments/"),
        ("put", "/api/v1/commitments/MXMEX0009/"),
        ("delete", "/api/v1/commitments/MXMEX0009/"),
        ("post", "/api/v1/milestones/"),
        ("put", "/api/v1/milestones/1/"),
        ("delete", "/api/v1/milestones/1/"),
        ("post", "/api/v1/plans/"),
        ("post", "/api/v1/documents/"),
        ("post", "/api/v1/milestone-updates/"),
    ],
)
def test_everything_but_the_milestone_patch_is_read_only(client, secretariat, method, path):
    client.force_login(secretariat)
    assert_error(getattr(client, method)(path), 405, "method_not_allowed")


def test_an_invalid_token_is_401(client, published):
    response = client.get("/api/v1/commitments/", HTTP_AUTHORIZATION="Token nonsense")
    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


def test_unknown_addresses_under_the_api_are_404_in_the_error_shape(client):
    assert_error(client.get("/api/v1/nothing-here/"), 404, "not_found")


def test_too_many_requests_is_429_with_retry_after(client, settings, published):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": None},
    }
    assert client.get("/api/v1/commitments/").status_code == 200
    assert client.get("/api/v1/members/").status_code == 200
    response = client.get("/api/v1/plans/")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_milestones_and_their_history(client, published):
    first = published["first"]
    milestones = client.get("/api/v1/milestones/?commitment=MXMEX0009").json()
    assert milestones["count"] == 3
    second = milestones["results"][1]
    assert (second["commitment"], second["number"], second["status"]) == (
        "MXMEX0009",
        2,
        "in_progress",
    )
    assert second["overdue"] is True
    assert client.get("/api/v1/milestones/?status=finished").json()["count"] == 1
    assert client.get("/api/v1/milestones/?overdue=false").json()["count"] == 1
    hidden = published["hidden"]
    factories.make_milestone(hidden)
    assert client.get("/api/v1/milestones/").json()["count"] == 6
    assert client.get(f"/api/v1/milestones/{hidden.milestones.get().pk}/").status_code == 404

    history = client.get("/api/v1/milestone-updates/?commitment=MXMEX0009").json()
    assert history["count"] == 1
    update = history["results"][0]
    assert update["milestone"] == first.milestones.get(number=2).pk
    assert (update["old_status"], update["new_status"], update["note"]) == (
        "not_reported",
        "in_progress",
        "Arrancó",
    )
    assert update["evidence"] == [{"title": "Acta", "url": "https://example.org/acta.pdf"}]
    assert client.get("/api/v1/milestone-updates/?commitment=MXMEX0011").json()["count"] == 0
    assert client.get("/api/v1/milestone-updates/?since=2999-01-01T00:00:00Z").json()["count"] == 0


def test_members_institutions_plans_and_vocabularies(client, published):
    plans = client.get("/api/v1/plans/").json()
    assert [p["slug"] for p in plans["results"]] == ["plan-2021"]
    plan = client.get("/api/v1/plans/plan-2021/").json()
    assert plan["commitments_count"] == 3
    assert plan["downloads"]["commitments_csv"].endswith("/data/commitments.csv?plan=plan-2021")
    assert client.get("/api/v1/plans/draft-plan/").status_code == 404
    assert client.get("/api/v1/plans/?member=mexico-state").json()["count"] == 1
    assert client.get("/api/v1/plans/?year=2030").json()["count"] == 0
    assert client.get("/api/v1/members/mexico-state/").json()["slug"] == "mexico-state"
    assert client.get("/api/v1/institutions/?q=infoem").json()["results"][0]["slug"] == "infoem"
    assert len(client.get("/api/v1/policy-areas/").json()) >= 14
    assert client.get("/api/v1/ogp-values/civic-participation/").json()["name_es"] == (
        "Participación cívica"
    )


def test_documents_of_unpublished_things_are_not_listed(client, published):
    public = Document.objects.create(
        title="Plan de acción", action_plan=published["plan"], url="https://example.org/plan.pdf"
    )
    Document.objects.create(title="Borrador", action_plan=published["draft"])
    Document.objects.create(title="Compromiso oculto", commitment=published["hidden"])
    member_doc = Document.objects.create(
        title="Carta", member=published["plan"].member, year=2021, doc_type="letter"
    )
    body = client.get("/api/v1/documents/").json()
    assert sorted(d["title"] for d in body["results"]) == ["Carta", "Plan de acción"]
    assert (
        client.get(f"/api/v1/documents/{public.pk}/").json()["link"]
        == "https://example.org/plan.pdf"
    )
    assert client.get(f"/api/v1/documents/{member_doc.pk}/").json()["link"] is None
    assert client.get("/api/v1/documents/?doc_type=letter").json()["count"] == 1


# --- Query counts: flat with three or more rows --------------------------------------------------


def _three_of_everything(secretariat):
    plans = [factories.make_plan() for _ in range(3)]
    for plan in plans:
        lead = factories.make_institution()
        commitment = factories.make_commitment(plan, milestones=2, lead=lead)
        commitment.ogp_values.add(factories.ogp_value())
        Document.objects.create(title="Doc", action_plan=plan, commitment=commitment)
        milestone = commitment.milestones.first()
        milestone.responsible_institution = lead
        milestone.save()
        change_milestone_status(
            milestone=milestone,
            new_status="finished",
            by=secretariat,
            evidence=[{"url": "https://example.org/a"}, {"url": "https://example.org/b"}],
            note="Reported by the test",
        )
        plan.lead_institutions.add(lead)
        plan.consortium_members.add(factories.make_member())


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # 1. the data's version  2. commitments with progress, last update, policy area and sector
        # 3. prefetch published plans with members  4. prefetch institutions
        # 5. prefetch OGP values  6. prefetch milestones with responsible institutions
        ("/api/v1/commitments/", 6),
        # 1. the data's version  2. milestones with commitment, institution and last update
        ("/api/v1/milestones/", 2),
        # 1. the data's version  2. updates with milestone, commitment, institution  3. prefetch evidence
        # links  4. prefetch evidence files  5. prefetch corrections
        ("/api/v1/milestone-updates/", 5),
        # 1. the data's version  2. plans with member and commitment counts  3. prefetch consortium members
        # 4. prefetch lead institutions  5. prefetch endorsements
        ("/api/v1/plans/", 5),
        # 1. the data's version  2. members with their country
        ("/api/v1/members/", 2),
        # 1. the data's version  2. institutions
        ("/api/v1/institutions/", 2),
        # 1. the data's version  2. documents with member, plan and commitment
        ("/api/v1/documents/", 2),
        # (the total is counted, and each page's keys found, on the first request of each
        # version of the data; later ones read the page's rows by those keys)
        # 1. the policy areas (a short list, not paginated)
        ("/api/v1/policy-areas/", 1),
    ],
)
def test_list_query_counts_are_flat(client, secretariat, django_assert_num_queries, path, queries):
    _three_of_everything(secretariat)
    # A list in pages counts the total and finds the page's keys once for this version of the
    # data: the count, the keys, then the rows and what they carry.
    with CaptureQueriesContext(connection) as first:
        paged = isinstance(client.get(path).json(), dict)
    assert len(first) == queries + (2 if paged else 0)
    with django_assert_num_queries(queries):
        response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert len(body if isinstance(body, list) else body["results"]) >= 3


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # 1. the commitment with its counts  2-5. prefetch plans, institutions, values, milestones
        ("/api/v1/commitments/{key}/", 5),
        # 1. the milestone with commitment, institution and last update
        ("/api/v1/milestones/{milestone}/", 1),
    ],
)
def test_detail_query_counts(client, secretariat, django_assert_num_queries, path, queries):
    _three_of_everything(secretariat)
    commitment = factories.make_commitment(ogp_id="MXMEX0100", milestones=4)
    url = path.format(key=commitment.key, milestone=commitment.milestones.first().pk)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_overdue_is_computed_from_dates(client):
    plan = factories.make_plan()
    future = datetime.date.today().replace(day=1) + datetime.timedelta(days=400)
    factories.make_commitment(plan, ogp_id="MXMEX0200", milestones=1)  # ended in 2022
    late_free = factories.make_commitment(plan, ogp_id="MXMEX0201")
    factories.make_milestone(late_free, start=None, end=future.replace(day=1))
    body = client.get("/api/v1/commitments/?overdue=true").json()
    assert [c["key"] for c in body["results"]] == ["MXMEX0200"]
    assert client.get("/api/v1/commitments/MXMEX0201/").json()["overdue"] is False


@pytest.mark.parametrize(
    "since",
    ["0128-12-22T10:26:07.415+21:32", "0001-01-01T00:00:00+01:00", "yesterday"],
)
def test_an_impossible_since_is_a_400_not_a_server_error(client, since):
    from urllib.parse import quote

    response = client.get(f"/api/v1/milestone-updates/?since={quote(since)}")
    found = assert_error(response, 400, "invalid")
    assert list(found["fields"]) == ["since"]


def test_a_browser_gets_json_too(client, published):
    response = client.get("/api/v1/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response["Content-Type"] == "application/json"
    assert response.json()["commitments"] == "http://testserver/api/v1/commitments/"


def test_a_search_lists_the_best_matches_first(client):
    plan = factories.make_plan()
    factories.make_commitment(plan, ogp_id="MXMEX0301", number=1, title="Datos", problem="agua")
    factories.make_commitment(
        plan, ogp_id="MXMEX0302", number=2, title="Agua potable", problem="agua y más agua"
    )
    keys = [c["key"] for c in client.get("/api/v1/commitments/?q=agua").json()["results"]]
    assert sorted(keys) == ["MXMEX0301", "MXMEX0302"]
    from django.db import connection

    if connection.vendor == "postgresql":  # ranking is PostgreSQL's; elsewhere every match ties
        assert keys == ["MXMEX0302", "MXMEX0301"]
    ordered = client.get("/api/v1/commitments/?q=agua&ordering=number").json()["results"]
    assert [c["key"] for c in ordered] == ["MXMEX0301", "MXMEX0302"]


@pytest.mark.parametrize("path", ["/api/v1/commitments/x.y/", "/api/v1/plans/%F0%9F%92%A5/"])
def test_odd_addresses_are_json_404s(client, path):
    assert_error(client.get(path), 404, "not_found")


def test_an_address_with_a_control_character_is_a_json_400(client):
    assert_error(client.get("/api/v1/sectors/a%0Ab.c/"), 400, "invalid")


def test_a_commitment_carries_both_language_versions_and_follows_the_request_language(client):
    make_commitment, make_milestone = factories.make_commitment, factories.make_milestone
    commitment = make_commitment(
        ogp_id="MXMEX0009",
        title_en="Open government culture",
        title_es="Cultura de gobierno abierto",
        original_language="en",
    )
    make_milestone(
        commitment,
        title_es="Elaborar una agenda local",
        title_en="Prepare a local agenda",
    )
    english = client.get("/api/v1/commitments/MXMEX0009/", HTTP_ACCEPT_LANGUAGE="en").json()
    spanish = client.get("/api/v1/commitments/MXMEX0009/", HTTP_ACCEPT_LANGUAGE="es").json()
    assert (english["title"], spanish["title"]) == (
        "Open government culture",
        "Cultura de gobierno abierto",
    )
    assert english["translations"]["original_language"] == "en"
    assert english["translations"]["es"]["title"] == "Cultura de gobierno abierto"
    assert english["translations"]["en"]["problem"] == ""
    assert spanish["milestones"][0]["translations"]["es"]["title"] == "Elaborar una agenda local"


def test_lang_in_the_query_string_chooses_the_language_over_accept_language(client):
    factories.make_commitment(
        ogp_id="MXMEX0009",
        title_en="Open government culture",
        title_es="Cultura de gobierno abierto",
        original_language="en",
    )
    spanish = client.get("/api/v1/commitments/MXMEX0009/?lang=es", HTTP_ACCEPT_LANGUAGE="en")
    english = client.get("/api/v1/commitments/?lang=en", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.json()["title"] == "Cultura de gobierno abierto"
    assert spanish["Content-Language"] == "es"
    assert english.json()["results"][0]["title"] == "Open government culture"
    assert english["Content-Language"] == "en"


@pytest.mark.parametrize("value", ["fr", "", "ES", "e\u0301s"])
def test_an_unknown_lang_is_a_json_400(client, value):
    response = client.get("/api/v1/commitments/", {"lang": value})
    assert_error(response, 400, "invalid")
    assert "lang" in response.json()["error"]["fields"]


def test_commitments_come_25_to_a_page_unless_more_are_asked_for(client):
    plan = factories.make_plan(factories.make_member(slug="muchos"))
    for number in range(1, 31):
        factories.make_commitment(plan, number=number, milestones=1)
    body = client.get("/api/v1/commitments/").json()
    assert body["count"] == 30
    assert len(body["results"]) == 25
    assert [c["number"] for c in body["results"]] == list(range(1, 26))
    assert body["next"] == "http://testserver/api/v1/commitments/?page=2"
    assert len(client.get("/api/v1/commitments/?page=2").json()["results"]) == 5
    assert len(client.get("/api/v1/commitments/?page_size=30").json()["results"]) == 30
    # Other lists keep pages of 50.
    assert len(client.get("/api/v1/milestones/").json()["results"]) == 30
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    parameters = schema["paths"]["/api/v1/commitments/"]["get"]["parameters"]
    size = next(p for p in parameters if p["name"] == "page_size")
    assert "default 25" in size["description"]
