"""The public pages of members, action plans, institutions and the secretariat."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import CommitmentInstitution
from plans.models import (
    ActionPlan,
    Contact,
    Document,
    Forum,
    ForumMembership,
    Institution,
    Meeting,
    Member,
)
from tests.factories import (
    make_commitment,
    make_institution,
    make_member,
    make_mxmex0009,
    make_plan,
    make_secretariat,
)

pytestmark = pytest.mark.django_db


def warm_caches():
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_model(ActionPlan)


def assert_light_and_strict(response):
    html = response.content.decode()
    assert len(response.content) < 100_000
    assert "<script" not in html and "style=" not in html
    assert html.count("<h1") == 1


# Roll-ups -----------------------------------------------------------------------------------


def test_plans_members_and_institutions_roll_up_by_the_commitment_rule():
    member = make_member()
    plan = make_plan(member)
    lead = make_institution()
    commitments = [
        make_commitment(plan, milestones=3, statuses=("finished", "stuck"), lead=lead),
        make_commitment(plan, milestones=2, statuses=("finished", "finished")),
        make_commitment(plan, milestones=0),
    ]
    make_commitment(plan, milestones=5, published=False)  # drafts never count
    finished = sum(c.progress.finished for c in commitments)
    total = sum(c.progress.total for c in commitments)
    plan_row = ActionPlan.objects.with_progress().get(pk=plan.pk)
    member_row = Member.objects.with_progress().get(pk=member.pk)
    assert (plan_row.n_finished, plan_row.n_milestones) == (finished, total) == (3, 5)
    assert (member_row.n_finished, member_row.n_milestones) == (3, 5)
    assert plan_row.n_commitments == member_row.n_commitments == 3
    # Milestones ending April 2022 are overdue today unless finished: the stuck and the unstarted.
    assert plan_row.n_overdue == 2
    institution_row = Institution.objects.with_progress().get(pk=lead.pk)
    assert (institution_row.n_finished, institution_row.n_milestones, institution_row.n_led) == (
        1,
        3,
        1,
    )


def test_a_member_counts_a_shared_commitment_once_and_includes_consortium_plans():
    state = make_member()
    own = make_plan(state)
    partner_plan = make_plan(make_member())
    partner_plan.consortium_members.add(state)
    shared = make_commitment(own, milestones=2, statuses=("finished",))
    shared.action_plans.add(partner_plan)
    make_commitment(partner_plan, milestones=1)
    make_commitment(make_plan(state, published=False), milestones=4)
    row = Member.objects.with_progress().get(pk=state.pk)
    assert (row.n_plans, row.n_commitments, row.n_finished, row.n_milestones) == (2, 2, 1, 3)


def test_overdue_roll_up_follows_dates_not_hand_typed_flags():
    plan = make_plan()
    commitment = make_commitment(plan, milestones=2)
    future = datetime.date.today().replace(day=1) + datetime.timedelta(days=400)
    later = commitment.milestones.get(number=2)
    later.end = future.replace(day=1)
    later.save()
    assert ActionPlan.objects.with_progress().get(pk=plan.pk).n_overdue == 1


# Member -------------------------------------------------------------------------------------


def make_member_page_data():
    member = make_member(
        name="Mexico", display_name="Mexico", slug="mexico", kind="national", member_since=2011
    )
    institution = make_institution(name="Secretaría de la Función Pública", slug="sfp")
    Contact.objects.create(
        member=member,
        name="Mtra. Grethel Alejandra Pilgram Santos",
        title="Directora General de Transparencia y Gobierno Abierto",
        institution=institution,
        email="grethel.pilgram@funcionpublica.gob.mx",
    )
    plan = make_plan(member, title="Action Plan 4", start_year=2019, end_year=2022)
    for i in range(3):
        make_commitment(plan, milestones=2, statuses=("finished",), title=f"Commitment {i}")
    for title, year, doc_type in [
        ("Mexico Co-Creation Brief 2024", 2024, "irm_report"),
        ("Mexico – Under Review Letter – April 2024", 2024, "letter"),
        ("Mexico Results Report 2019-2022", 2023, "irm_report"),
    ]:
        Document.objects.create(
            title=title, year=year, doc_type=doc_type, member=member, url="https://example.org"
        )
    return member


def test_member_page_shows_the_seed_shape(client):
    make_member_page_data()
    response = client.get("/en/members/mexico/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "<h1>Mexico</h1>",
        "Member Since 2011",
        "Action Plan 4",
        "Mtra. Grethel Alejandra Pilgram Santos",
        "Directora General de Transparencia y Gobierno Abierto",
        "grethel.pilgram@funcionpublica.gob.mx",
        "Commitment 2",
        "3 of 6 milestones finished · 3 not reported (50%)",
        "Mexico Co-Creation Brief 2024",
        "2024, IRM Report, Web page",
        "3 resources",
        "Progress counts finished milestones over all milestones. A milestone nobody has reported on counts as not reported, never as started or finished.",
    ]:
        assert text in html, text
    assert_light_and_strict(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=letter", ["Mexico – Under Review Letter – April 2024"]),
        (
            "year=2024",
            ["Mexico Co-Creation Brief 2024", "Mexico – Under Review Letter – April 2024"],
        ),
        ("type=irm_report&year=2023", ["Mexico Results Report 2019-2022"]),
        ("type=irm_report&year=1999", []),
    ],
)
def test_member_resources_filter_by_type_and_year(client, query, expected):
    make_member_page_data()
    response = client.get(f"/en/members/mexico/?{query}")
    assert sorted(d.title for d in response.context["resources"].object_list) == sorted(expected)


def test_member_resources_explain_a_bad_filter(client):
    make_member_page_data()
    response = client.get("/en/members/mexico/?type=poster&year=last")
    assert "That type or year is not one of the choices" in response.content.decode()
    assert response.context["resources"].paginator.count == 3


def test_member_resources_offer_only_the_years_of_documents_the_reader_may_see(client):
    member = make_member_page_data()
    draft = make_plan(member, title="Draft plan", published=False)
    Document.objects.create(
        title="Draft annex", year=1999, member=member, action_plan=draft, url="https://e.org"
    )
    html = client.get("/en/members/mexico/").content.decode()
    assert '<option value="2024">' in html and '<option value="1999">' not in html
    assert "Draft annex" not in html
    # Kept per version of the data: a new document's year shows at once.
    Document.objects.create(title="Annex", year=2001, member=member, url="https://e.org")
    assert '<option value="2001">' in client.get("/en/members/mexico/").content.decode()
    client.force_login(make_secretariat())
    html = client.get("/en/members/mexico/").content.decode()
    assert '<option value="1999">' in html and "Draft annex" in html


def test_member_page_names_the_current_plan(client):
    member = make_member()
    make_plan(member, title="Old plan", start_year=2017, end_year=2019)
    this_year = datetime.date.today().year
    make_plan(member, title="Running plan", start_year=this_year - 1, end_year=this_year + 1)
    response = client.get(member.get_absolute_url())
    assert response.context["current_plan"].title == "Running plan"
    assert "Current Action Plan" in response.content.decode()


def test_member_query_count_is_flat(client, django_assert_num_queries):
    member = make_member_page_data()
    for i in range(3):
        Contact.objects.create(member=member, name=f"Contact {i}")
        make_plan(member, title=f"Plan {i}")
    # 1 the member with its roll-up  2 its plans with roll-ups (page; counted by the roll-up)
    # 3 its local members (a national member)  4 resource years  5 resources page with their
    # count  6 the version of the public data, under which its charts are kept  7 contacts
    # 8 commitments (page; counted by the roll-up)  9 their plans
    # 10 published Inception Reports of its plans  11 published End of Commitment Reports
    with django_assert_num_queries(11):
        response = client.get("/en/members/mexico/")
    assert response.status_code == 200
    # Its charts, reports and resource years kept for this version of the data: 4, 10 and 11
    # are not read again.
    with django_assert_num_queries(8):
        response = client.get("/en/members/mexico/")
    assert response.status_code == 200


def assert_kept_list_queries(client, path: str, django_assert_num_queries) -> str:
    """A public list's queries: the first visit at a version of the data, then the next one."""
    # 1 the version of the public data (the count and each page's keys are kept under it)
    # 2 how many rows (pages)  3 the page's keys, in the list's order  4 their rows, with
    # roll-ups and what the cards show
    with django_assert_num_queries(4):
        html = client.get(path).content.decode()
    # Again at the same version: the version, then the rows of the kept keys.
    with django_assert_num_queries(2):
        assert client.get(path).content.decode() == html
    return html


def test_members_index_query_count_is_flat(client, django_assert_num_queries):
    for count in (3, 30):
        while Member.objects.count() < count:
            make_commitment(make_plan(make_member()), milestones=2)
        html = assert_kept_list_queries(client, "/en/members/", django_assert_num_queries)
        assert html.count('class="card"') == count


def test_a_kept_list_page_follows_a_change(client):
    for name in ("Bravo", "Charlie"):
        make_member(name=name)
    assert "Alpha" not in client.get("/en/members/").content.decode()
    make_member(name="Alpha")
    html = client.get("/en/members/").content.decode()
    assert html.index("Alpha") < html.index("Bravo") < html.index("Charlie")
    assert html.count('class="card"') == 3


# Action plan --------------------------------------------------------------------------------


def make_seed_plan():
    member = make_member(name="Tlalnepantla de Baz", slug="tlalnepantla")
    plan = make_plan(
        member,
        title="Action plan – Tlalnepantla de Baz, Mexico, 2021 – 2023",
        slug="tlalnepantla-2021-2023",
        start_year=2021,
        end_year=2023,
        submission_year=2021,
        end_month=datetime.date(2023, 9, 1),
        date_submitted=datetime.date(2022, 2, 23),
        introduction="The State of Mexico has 125 municipalities.",
        vision="The State of Mexico has a pluricultural and pluri-ethnic composition.",
        institutional_arrangements="Coordination and cooperation agreements.",
        agency_checkins="Through regular meetings and progress reports.",
    )
    plan.lead_institutions.add(make_institution(name="Secretaría de Justicia y Derechos Humanos"))
    plan.endorsements.add(make_institution(name="Borde Político"))
    plan.endorsements.add(make_institution(name="México Evalúa"))
    return plan


def test_plan_page_shows_the_seed_shape(client):
    plan = make_seed_plan()
    make_mxmex0009(plan=plan)
    Meeting.objects.create(
        action_plan=plan,
        title="Virtual thematic round-table",
        date=datetime.date(2021, 10, 20),
        kind="roundtable",
        minutes_url="https://example.org/minutes",
    )
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Action Plan Submission",
        "2021",
        "September 2023",
        "Feb. 23, 2022",
        "Secretaría de Justicia y Derechos Humanos",
        "The State of Mexico has 125 municipalities.",
        "Open Government Challenges, Opportunities and Strategic Vision",
        "What is the long-term vision for open government in your context and jurisdiction?",
        "The State of Mexico has a pluricultural and pluri-ethnic composition.",
        "How does the open government strategic vision contribute to the accomplishment of the "
        "current administration’s overall policy goals?",
        "Engagement and Coordination in the Open Government Strategic Vision and OGP Action Plan",
        "Please list the lead institutions responsible for the implementation of this OGP action "
        "plan.",
        "Coordination and cooperation agreements.",
        "How will you share the results of your monitoring efforts with the public?",
        "Endorsement from Non-Governmental Stakeholders",
        "Borde Político",
        "México Evalúa",
        "Open government culture",
        "1 of 3 milestones finished · 2 not reported (33%)",
        "Virtual thematic round-table",
        'href="https://example.org/minutes"',
        "No comments yet",
        "Leave a Reply",
    ]:
        assert text in html, text
    # Both questionnaires with every question: 6 + 13.
    assert html.count("<h3>") >= 19
    assert_light_and_strict(response)


def test_draft_plans_are_404_to_the_public_and_visible_to_staff(client):
    plan = make_plan(published=False)
    assert client.get(plan.get_absolute_url()).status_code == 404
    client.force_login(make_secretariat())
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only staff see this action plan." in response.content.decode()


def test_unknown_pages_are_404(client):
    for url in [
        "/en/plans/nope/",
        "/en/members/nope/",
        "/en/institutions/nope/",
        "/en/secretariat/nope/",
    ]:
        assert client.get(url).status_code == 404


def test_plan_lists_only_published_commitments(client):
    plan = make_plan()
    make_commitment(plan, title="Public one")
    make_commitment(plan, title="Secret one", published=False)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Public one" in html and "Secret one" not in html


def test_plan_query_count_is_flat(client, django_assert_num_queries):
    plan = make_seed_plan()
    for _ in range(3):
        make_commitment(plan, milestones=3)
        Meeting.objects.create(
            action_plan=plan, title="Session", date=datetime.date(2022, 1, 1), kind="ordinary"
        )
        Document.objects.create(title="Doc", action_plan=plan, url="https://example.org")
    warm_caches()
    # 1 the plan with its roll-up  2 lead institutions  3 endorsements  4 consortium members
    # 5 commitments (page; counted by the roll-up)  6 their plans
    # 7 documents  8 meetings  9 meetings' documents  10 approved comments (page)
    # 11 the plan's published Inception Report (reports)
    # 12 the plan's roll-up and progress history  13 its first commitments with their counts
    # 14 the milestones its Gantt draws (charts, which draw the whole plan, bounded)
    with django_assert_num_queries(14):
        response = client.get(plan.get_absolute_url())
    assert response.status_code == 200


def test_plans_index_query_count_is_flat(client, django_assert_num_queries):
    for _ in range(3):
        make_commitment(make_plan(), milestones=2)
    make_plan(published=False, title="Hidden")
    html = assert_kept_list_queries(client, "/en/plans/", django_assert_num_queries)
    assert "Hidden" not in html and html.count('class="card"') == 3
    for _ in range(27):
        make_commitment(make_plan(), milestones=2)
    html = assert_kept_list_queries(client, "/en/plans/", django_assert_num_queries)
    assert html.count('class="card"') == 30


# Institution --------------------------------------------------------------------------------


def test_institution_page_shows_what_it_leads_and_supports(client):
    infoem = make_institution(name="Instituto de Transparencia", acronym="INFOEM", slug="infoem")
    led = make_commitment(title="Led", milestones=2, statuses=("finished",), lead=infoem)
    supported = make_commitment(title="Supported", milestones=1)
    CommitmentInstitution.objects.create(
        commitment=supported, institution=infoem, role=CommitmentInstitution.Role.SUPPORTING
    )
    make_commitment(title="Draft", published=False, lead=infoem)
    response = client.get("/en/institutions/infoem/")
    html = response.content.decode()
    assert "Leads 1 commitment" in html and "Supports 1 commitment" in html
    assert "Led" in html and "Supported" in html and "Draft" not in html
    assert "1 of 3 milestones finished · 2 not reported (33%)" in html
    assert_light_and_strict(response)
    assert led.progress.text == "1 of 2 milestones finished · 1 not reported"


def test_institution_query_count_is_flat(client, django_assert_num_queries):
    infoem = make_institution(slug="infoem")
    for _ in range(3):
        make_commitment(milestones=2, lead=infoem)
    # 1 the institution with its roll-up  2 led commitments (page; counted by the roll-up)
    # 3 their plans  4 forum memberships (it supports none: no query)
    # 5 the version of the public data  6 the institutions' roll-ups (chart: kept per version)
    with django_assert_num_queries(6):
        client.get("/en/institutions/infoem/")
    # 5 the version of the public data (the others' roll-ups are kept until the next change)
    with django_assert_num_queries(5):
        client.get("/en/institutions/infoem/")


def test_institutions_index_query_count_is_flat(client, django_assert_num_queries):
    for _ in range(3):
        make_commitment(milestones=1, lead=make_institution())
    make_institution(name="Uninvolved")
    html = assert_kept_list_queries(client, "/en/institutions/", django_assert_num_queries)
    assert html.count('class="card"') == 3 and "Uninvolved" not in html
    for _ in range(27):
        make_commitment(milestones=1, lead=make_institution())
    html = assert_kept_list_queries(client, "/en/institutions/", django_assert_num_queries)
    assert html.count('class="card"') == 30 and "Uninvolved" not in html


# Secretariat --------------------------------------------------------------------------------


def make_forum():
    member = make_member(name="Mexico State", slug="mexico-state")
    forum = Forum.objects.create(
        member=member,
        name="Local Technical Secretariat for Open Government of the State of Mexico",
        name_es="Secretariado Técnico Local de Gobierno Abierto del Estado de México",
        acronym="STL",
        slug="stl",
        established=datetime.date(2019, 10, 15),
        meeting_frequency="Bimonthly",
    )
    for name, role in [("INFOEM", "chair"), ("México Evalúa", "member"), ("ITESM", "member")]:
        ForumMembership.objects.create(
            forum=forum, institution=make_institution(name=name), role=role
        )
    for day in (1, 2, 3):
        Meeting.objects.create(
            forum=forum,
            title=f"Ordinary session {day}",
            date=datetime.date(2021, 3, day),
            kind="ordinary",
            minutes_url="https://example.org/minutes",
            video_url="https://example.org/video",
        )
    return forum


def test_secretariat_page_shows_forum_members_and_meetings(client):
    make_forum()
    response = client.get("/en/secretariat/stl/")
    html = response.content.decode()
    assert "Local Technical Secretariat for Open Government of the State of Mexico" in html
    assert "Oct. 15, 2019" in html and "Bimonthly" in html
    assert "México Evalúa" in html and "Chair" in html
    assert html.count(">Minutes<") == 3 and html.count(">Video<") == 3
    assert_light_and_strict(response)
    spanish = client.get("/es/secretariat/stl/").content.decode()
    assert "Secretariado Técnico Local de Gobierno Abierto del Estado de México" in spanish


def test_secretariat_query_count_is_flat(client, django_assert_num_queries):
    make_forum()
    # 1 the forum with its member  2 memberships  3 meetings  4 meetings' documents
    with django_assert_num_queries(4):
        client.get("/en/secretariat/stl/")
    # 1 how many forums  2 a page of them with their members
    with django_assert_num_queries(2):
        client.get("/en/secretariat/")


@pytest.mark.parametrize("more", [0, 27])
def test_forums_and_a_forums_meetings_come_a_page_at_a_time(
    client, django_assert_num_queries, more
):
    from plans import views

    forum = make_forum()
    for day in range(more):
        Meeting.objects.create(
            forum=forum, title=f"Extra session {day:02d}", date=datetime.date(2020, 1, 1 + day)
        )
        Forum.objects.create(member=forum.member, name=f"Forum {day:02d}", slug=f"forum-{day}")
    with django_assert_num_queries(4):
        page = client.get("/en/secretariat/stl/").content.decode()
    with django_assert_num_queries(2):
        forums = client.get("/en/secretariat/").content.decode()
    shown = set(re.findall(r"(?:Ordinary|Extra) session \d+", page))
    assert len(shown) == min(3 + more, views.MEETINGS_PAGE_SIZE)
    assert ("?meetings=2#meetings-title" in page) == (3 + more > views.MEETINGS_PAGE_SIZE)
    assert forums.count('class="card"') == min(1 + more, views.LIST_PAGE_SIZE)
    if more:
        rest = client.get("/en/secretariat/stl/", {"meetings": 2}).content.decode()
        rest_shown = set(re.findall(r"(?:Ordinary|Extra) session \d+", rest))
        assert len(rest_shown) == 3 + more - views.MEETINGS_PAGE_SIZE
        assert not shown & rest_shown
        # Newest first: the 2021 sessions on the first page, the oldest of 2020 on the second.
        assert {"Ordinary session 1", "Extra session 26"} <= shown
        assert "Extra session 00" in rest_shown


@pytest.mark.parametrize("more", [0, 57])
def test_a_forums_members_come_a_page_at_a_time(client, django_assert_num_queries, more):
    from plans import views

    forum = make_forum()
    for i in range(more):
        ForumMembership.objects.create(forum=forum, person=f"Member person {i:02d}", role="member")
    with django_assert_num_queries(4):
        page = client.get("/en/secretariat/stl/").content.decode()
    rows = page.count('<th scope="row">')
    assert rows == min(3 + more, views.FORUM_MEMBERS_PAGE_SIZE)
    assert ("?members=2#members-title" in page) == (3 + more > views.FORUM_MEMBERS_PAGE_SIZE)
    if more:
        rest = client.get("/en/secretariat/stl/", {"members": 2}).content.decode()
        assert rest.count('<th scope="row">') == 3 + more - views.FORUM_MEMBERS_PAGE_SIZE
        assert "Member person 56" in rest and "Member person 56" not in page


@pytest.mark.parametrize("more", [0, 27])
def test_a_members_contacts_come_a_page_at_a_time(client, django_assert_num_queries, more):
    from plans import views

    member = make_member_page_data()
    for i in range(more):
        Contact.objects.create(member=member, name=f"Contact person {i:02d}")
    with django_assert_num_queries(11):
        page = client.get("/en/members/mexico/").content.decode()
    shown = set(re.findall(r"Contact person \d+", page))
    assert len(shown) + ("Pilgram Santos" in page) == min(1 + more, views.CONTACTS_PAGE_SIZE)
    assert ("?contacts=2#contact-title" in page) == (1 + more > views.CONTACTS_PAGE_SIZE)
    if more:
        rest = client.get("/en/members/mexico/", {"contacts": 2}).content.decode()
        rest_shown = set(re.findall(r"Contact person \d+", rest))
        on_rest = len(rest_shown) + ("Pilgram Santos" in rest)
        assert on_rest == 1 + more - views.CONTACTS_PAGE_SIZE and not shown & rest_shown
        # A page past the last gets the last one; a word, the first.
        last = client.get("/en/members/mexico/", {"contacts": 9}).content.decode()
        assert set(re.findall(r"Contact person \d+", last)) == rest_shown
        first = client.get("/en/members/mexico/", {"contacts": "x"}).content.decode()
        assert set(re.findall(r"Contact person \d+", first)) == shown


@pytest.mark.parametrize("more", [0, 57])
def test_an_institutions_secretariat_roles_come_a_page_at_a_time(
    client, django_assert_num_queries, more
):
    from plans import views

    infoem = make_institution(slug="infoem")
    make_commitment(milestones=1, lead=infoem)
    member = make_member(name="Mexico State", slug="mexico-state")
    for i in range(3 + more):
        forum = Forum.objects.create(member=member, name=f"Forum {i:02d}", slug=f"forum-{i}")
        ForumMembership.objects.create(forum=forum, institution=infoem, role="member")
    client.get("/en/institutions/infoem/")  # the other institutions' roll-ups, kept
    with django_assert_num_queries(5):
        page = client.get("/en/institutions/infoem/").content.decode()
    shown = set(re.findall(r">Forum \d+<", page))
    assert len(shown) == min(3 + more, views.FORUM_MEMBERS_PAGE_SIZE)
    assert ("?forums=2#forum-title" in page) == (3 + more > views.FORUM_MEMBERS_PAGE_SIZE)
    if more:
        rest = client.get("/en/institutions/infoem/", {"forums": 2}).content.decode()
        rest_shown = set(re.findall(r">Forum \d+<", rest))
        assert len(rest_shown) == 3 + more - views.FORUM_MEMBERS_PAGE_SIZE
        assert not shown & rest_shown


def test_spanish_member_and_plan_pages(client):
    make_member_page_data()
    html = client.get("/es/members/mexico/").content.decode()
    assert "Miembro desde 2011" in html
    assert "Recursos" in html and "Contacto" in html
    plan = make_seed_plan()
    html = client.get(plan.get_absolute_url().replace("/en/", "/es/")).content.decode()
    assert "Desafíos, oportunidades y visión estratégica de gobierno abierto" in html
    assert "¿Cuál es la visión a largo plazo" in html
    assert "septiembre 2023" in html  # dates are localised
    assert "23 de febrero de 2022" in html


# A plan's number of commitments --------------------------------------------------------------

REPORTED = {
    "en": '13 commitments <span class="tag">as reported by OGP; not entered here</span>',
    "es": '13 compromisos <span class="tag">según OGP; no se capturaron aquí</span>',
}
NOTE = {"en": "as reported by OGP; not entered here", "es": "según OGP; no se capturaron aquí"}
ENTERED = {"en": "2 commitments", "es": "2 compromisos"}


@pytest.fixture
def counted_plans():
    """Mexico's Action Plan 4 (OGP's figure only) and a plan whose commitments are entered."""
    mexico = make_member(name="Mexico", slug="mexico", kind="national")
    reported = make_plan(
        mexico,
        title="Action Plan 4",
        slug="mexico-action-plan-4",
        start_year=2019,
        end_year=2022,
        reported_commitments=13,
    )
    entered = make_plan(title="Entered plan", slug="entered-plan")
    make_commitment(entered)
    make_commitment(entered)
    make_commitment(entered, published=False)  # a draft is not counted
    return reported, entered


def plans_section(html: str) -> str:
    """The home page's plans, without its members (whose figures add up their commitments)."""
    return html.split('aria-labelledby="plans-title"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("language", ["en", "es"])
def test_plan_list_shows_ogps_figure_for_a_plan_without_entered_commitments(
    client, counted_plans, language
):
    html = client.get(f"/{language}/plans/").content.decode()
    assert html.count(REPORTED[language]) == 1
    assert html.count(NOTE[language]) == 1  # the plan with entered commitments has no note
    assert ENTERED[language] in html
    assert "0 commitments" not in html and "0 compromisos" not in html


@pytest.mark.parametrize("language", ["en", "es"])
def test_plan_page_shows_ogps_figure_or_the_entered_count(client, counted_plans, language):
    reported, entered = counted_plans
    url = reported.get_absolute_url().replace("/en/", f"/{language}/", 1)
    html = client.get(url).content.decode()
    assert REPORTED[language] in html
    assert "0 commitments" not in html and "0 compromisos" not in html
    url = entered.get_absolute_url().replace("/en/", f"/{language}/", 1)
    html = client.get(url).content.decode()
    assert re.search(rf"<p>{ENTERED[language]}\s*</p>", html)
    assert NOTE[language] not in html


@pytest.mark.parametrize("language", ["en", "es"])
def test_home_shows_ogps_figure_for_a_plan_without_entered_commitments(
    client, counted_plans, language
):
    plans = plans_section(client.get(f"/{language}/").content.decode())
    assert plans.count(REPORTED[language]) == 1
    assert plans.count(NOTE[language]) == 1
    assert ENTERED[language] in plans
    assert "0 commitments" not in plans and "0 compromisos" not in plans


def test_a_plan_with_entered_commitments_shows_their_count_not_ogps_figure(client):
    plan = make_plan(title="Both", reported_commitments=13)
    make_commitment(plan)
    html = client.get("/en/plans/").content.decode()
    assert "1 commitment" in html and "13 commitments" not in html
    assert NOTE["en"] not in html
    assert re.search(
        r"<p>1 commitment\s*</p>", client.get(plan.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_national_member_page_lists_a_local_plans_figure_by_the_same_rule(client, language):
    mexico = make_member(name="Mexico", slug="mexico", kind="national")
    state = make_member(name="Mexico State", slug="mexico-state", kind="local", country=mexico)
    make_plan(state, title="Local plan from OGP", reported_commitments=13)
    entered = make_plan(state, title="Local plan entered here")
    make_commitment(entered)
    make_commitment(entered)
    html = client.get(f"/{language}/members/mexico/").content.decode()
    local = html.split('id="local-members"', 1)[1].split("</section>", 1)[0]
    assert local.count(REPORTED[language]) == 1
    assert re.search(rf"{ENTERED[language]}\s*</li>", local)


def test_ogps_figure_costs_no_query_on_the_plan_list_and_home(
    client, counted_plans, django_assert_num_queries
):
    for _ in range(2):
        make_plan(reported_commitments=5)
    # 1 the version of the public data  2 how many plans (pages)  3 the page's keys  4 the
    # plans with roll-ups and members
    with django_assert_num_queries(4):
        client.get("/en/plans/")
    # 1 the version of the public data (the choice of members and plans and the plans' chart
    # are kept under it)  2-3 the largest members' keys, then their rows with roll-ups
    # 4-5 plans in implementation: keys, then rows  6 earlier plans' keys (none here)
    # 7 milestone status counts  8 latest updates
    with django_assert_num_queries(8):
        response = client.get("/en/")
    assert plans_section(response.content.decode()).count(NOTE["en"]) == 3


def test_a_national_member_lists_its_local_members_a_page_at_a_time(client):
    mexico = make_member(name="Mexico", slug="mexico", kind="national")
    for i in range(14):
        local = make_member(name=f"Estado {i:02d}", slug=f"estado-{i:02d}", country=mexico)
        if i == 0:
            for year in range(2015, 2021):
                make_plan(local, title=f"Plan {year}", start_year=year, end_year=year + 1)
    first = client.get("/en/members/mexico/").content.decode()
    local = first.split('id="local-members"', 1)[1].split("</section>", 1)[0]
    assert local.count('class="card"') == 12
    assert "Estado 00" in local and "Estado 11" in local and "Estado 12" not in local
    # The latest four plans of each, and a link to all of them.
    assert "Plan 2020" in local and "Plan 2017" in local and "Plan 2016" not in local
    assert "All its 6 action plans" in local
    assert "Page 1 of 2" in local and "locals=2#local-members" in local
    second = client.get("/en/members/mexico/?locals=2").content.decode()
    local = second.split('id="local-members"', 1)[1].split("</section>", 1)[0]
    assert "Estado 12" in local and "Estado 13" in local and "Estado 00" not in local
    for wrong in ("x", "0", "-3", "99", "99999999999999999999999"):
        assert client.get(f"/en/members/mexico/?locals={wrong}").status_code == 200


def test_a_national_members_page_queries_do_not_grow_with_its_local_members(client):
    mexico = make_member(name="Mexico", slug="mexico", kind="national")

    def add_locals(count):
        for _ in range(count):
            local = make_member(country=mexico)
            make_commitment(make_plan(local), milestones=1)
            make_plan(local)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/members/mexico/").status_code == 200
        return len(captured)

    add_locals(3)
    queries()  # the first request fills caches
    with_three = queries()
    add_locals(27)
    first_after = queries()  # what is kept per version of the data is drawn again, once
    assert queries() == with_three <= first_after <= 12


def test_a_member_with_more_plans_than_a_page_lists_the_commitments_of_all_of_them(client):
    member = make_member(name="Big", slug="big")
    plans = [make_plan(member, start_year=1990 + i, end_year=1991 + i) for i in range(31)]
    partner = make_member()
    joined = make_plan(partner, start_year=1980, end_year=1981)
    joined.consortium_members.add(member)
    make_commitment(plans[0], title="In the oldest plan of its own")
    make_commitment(joined, title="In a consortium plan")
    html = client.get("/en/members/big/").content.decode()
    commitments = html.split('id="commitments"', 1)[1].split("</section>", 1)[0]
    assert "In the oldest plan of its own" in commitments
    assert "In a consortium plan" in commitments


@pytest.mark.sqlite
@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
def test_a_member_with_more_plans_than_a_page_lists_them_a_page_at_a_time(
    client, monkeypatch, persona
):
    from plans import views

    monkeypatch.setattr(views, "PLANS_PAGE_SIZE", 3)
    member = make_member(slug="muchos-planes")
    plans = [
        make_plan(member, title=f"Plan {year}", start_year=year, end_year=year + 2)
        for year in range(2010, 2017)
    ]
    oldest = make_commitment(plans[0], title="From the oldest plan")
    draft = make_plan(member, published=False, title="Draft plan", start_year=2030, end_year=2031)
    if persona == "secretariat":
        client.force_login(make_secretariat())

    def listed(page):
        response = client.get(f"/en/members/{member.slug}/", {"plans": page})
        assert response.status_code == 200
        return [plan.title for plan in response.context["plans"]], response

    newest_first = [f"Plan {year}" for year in range(2016, 2009, -1)]
    if persona == "secretariat":
        newest_first = [draft.title, *newest_first]
    assert listed(1)[0] == newest_first[:3]
    assert listed(2)[0] == newest_first[3:6]
    last, response = listed(99)  # past the end: the last page
    assert last == newest_first[6:]
    # The commitments below come from every plan, not only the page's.
    assert oldest.title in response.content.decode()


def test_a_plans_documents_and_meetings_come_a_page_at_a_time(client):
    from plans import views

    plan = make_seed_plan()
    size = views.DOCUMENTS_PAGE_SIZE

    def add(numbers):
        for number in numbers:
            Document.objects.create(
                title=f"Doc {number:02d}",
                action_plan=plan,
                url="https://example.org",
                position=number,
            )
            Meeting.objects.create(
                action_plan=plan,
                title=f"Session {number:02d}",
                date=datetime.date(2022, 1, 1) + datetime.timedelta(days=number),
                kind="ordinary",
            )

    def queries():
        warm_caches()
        client.get(plan.get_absolute_url())  # the plan's charts are kept per data version
        with CaptureQueriesContext(connection) as done:
            client.get(plan.get_absolute_url())
        return len(done)

    add(range(3))
    with_three = queries()
    add(range(3, size + 3))
    assert queries() == with_three
    html = client.get(plan.get_absolute_url()).content.decode()

    def shown(kind, page):
        return sorted(set(re.findall(rf"{kind} \d\d", page)))

    assert shown("Doc", html) == [f"Doc {n:02d}" for n in range(size)]
    assert shown("Session", html) == [f"Session {n:02d}" for n in range(3, size + 3)]  # newest
    assert "?documents=2#documents" in html and "?meetings=2#meetings" in html
    second = client.get(plan.get_absolute_url(), {"documents": 2, "meetings": 2}).content.decode()
    assert shown("Doc", second) == [f"Doc {n:02d}" for n in range(size, size + 3)]
    assert shown("Session", second) == ["Session 00", "Session 01", "Session 02"]


@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
def test_a_large_plans_and_members_pages_of_commitments_are_kept_and_follow_every_change(
    client, monkeypatch, persona
):
    """A page of a plan's (or a member's) commitments beyond the first page is sorted once per
    version of the public data: the next visit reads the kept keys, and any write shows at once."""
    from commitments.models import Commitment
    from plans import views

    monkeypatch.setattr(views, "COMMITMENTS_PAGE_SIZE", 2)
    monkeypatch.setattr(views, "PLANS_PAGE_SIZE", 1)
    member = make_member(slug="grande")
    plan = make_plan(member, slug="plan-grande", start_year=2022, end_year=2024)
    make_plan(member, slug="otro-plan", start_year=2020, end_year=2021)
    lead = make_institution(slug="lider")
    for number in (5, 1, 4, 2, 3):
        make_commitment(plan, number=number, title=f"Compromiso {number}", lead=lead)
    draft = make_commitment(
        plan, number=0, title="Compromiso en borrador", published=False, lead=lead
    )
    if persona == "secretariat":
        client.force_login(make_secretariat())

    def listed(path, param, page):
        response = client.get(path, {param: page})
        assert response.status_code == 200
        return [c.title for c in response.context["led" if param == "led" else "commitments"]]

    staff = persona == "secretariat"
    first = (
        ["Compromiso en borrador", "Compromiso 1"] if staff else ["Compromiso 1", "Compromiso 2"]
    )
    for path in ("/en/plans/plan-grande/", "/en/members/grande/"):
        assert listed(path, "commitments", 1) == first
        assert listed(path, "commitments", 1) == first  # read again: the same
    assert listed("/en/institutions/lider/", "led", 1) == first
    assert listed("/en/plans/plan-grande/", "commitments", 3) == (
        ["Compromiso 4", "Compromiso 5"] if staff else ["Compromiso 5"]
    )
    # A write shows at once on both pages: the draft is published, a number changes.
    draft.is_published = True
    draft.save()
    renumbered = Commitment.objects.get(title_en="Compromiso 1")
    renumbered.number = 9
    renumbered.save()
    expected = ["Compromiso en borrador", "Compromiso 2"]
    for path in ("/en/plans/plan-grande/", "/en/members/grande/"):
        assert listed(path, "commitments", 1) == expected
    assert listed("/en/institutions/lider/", "led", 1) == expected
    assert listed("/en/plans/plan-grande/", "commitments", 3) == ["Compromiso 5", "Compromiso 1"]
    # Withdrawing the plan empties the member's list for the public.
    plan.status = ActionPlan.Status.DRAFT
    plan.save()
    if not staff:
        assert listed("/en/members/grande/", "commitments", 1) == []


def test_a_kept_page_of_a_large_plan_costs_the_same_queries_with_3_or_30_commitments(
    client, monkeypatch
):
    from plans import views

    monkeypatch.setattr(views, "COMMITMENTS_PAGE_SIZE", 2)
    member = make_member(slug="grande")
    plan = make_plan(member, slug="plan-grande")
    for number in range(1, 4):
        make_commitment(plan, number=number, milestones=2)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/plans/plan-grande/", {"commitments": 2}).status_code == 200
            assert client.get("/en/members/grande/", {"commitments": 2}).status_code == 200
        return len(captured)

    queries()  # the first visit sorts and keeps the pages
    with_three = queries()
    for number in range(4, 31):
        make_commitment(plan, number=number, milestones=2)
    queries()
    assert queries() == with_three


def test_an_institutions_two_kept_pages_load_their_rows_together(
    client, monkeypatch, django_assert_num_queries
):
    from plans import views

    monkeypatch.setattr(views, "COMMITMENTS_PAGE_SIZE", 2)
    infoem = make_institution(slug="infoem")
    plan = make_plan()
    for number in range(1, 4):
        make_commitment(plan, number=number, title=f"Led {number}", lead=infoem)
        supported = make_commitment(plan, number=10 + number, title=f"Supported {number}")
        CommitmentInstitution.objects.create(
            commitment=supported, institution=infoem, role="supporting"
        )
    # The first visit sorts and keeps both pages, and the chart's figures of the others.
    client.get("/en/institutions/infoem/", {"led": 2, "supported": 1})
    # 1 the institution with its roll-up  2 the version of the public data  3 both pages' rows
    # 4 their plans  5 forum memberships
    with django_assert_num_queries(5):
        response = client.get("/en/institutions/infoem/", {"led": 2, "supported": 1})
    assert [c.title for c in response.context["led"]] == ["Led 3"]
    assert [c.title for c in response.context["supported"]] == ["Supported 1", "Supported 2"]
    html = response.content.decode()
    assert "Led 3" in html and "Supported 2" in html and "Led 1" not in html


def test_a_member_whose_plans_hold_no_commitments_here_points_to_its_plans(client):
    from tests.factories import make_member, make_plan

    member = make_member(slug="mexico", kind="national")
    make_plan(member, title="Action Plan 4", reported_commitments=13)
    html = client.get(member.get_absolute_url()).content.decode()
    assert '13 <span class="tag">as reported by OGP; not entered here</span>' in html
    assert "No commitments are entered here yet; each action plan above says how many" in html
    assert "No commitments yet." not in html
