import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import Milestone, MilestoneUpdate
from tests.factories import (
    make_commitment,
    make_evaluator,
    make_institution,
    make_milestone,
    make_secretariat,
)

pytestmark = pytest.mark.django_db

MILESTONES = "/admin/commitments/milestone/"


def milestone_form_data(milestone, **changes):
    data = {
        "commitment": milestone.commitment_id,
        "number": milestone.number,
        "title_es": milestone.title_es or "",
        "title_en": milestone.title_en or "",
        "description_es": milestone.description_es or "",
        "description_en": milestone.description_en or "",
        "original_language": milestone.original_language,
        "start": milestone.start.isoformat() if milestone.start else "",
        "end": milestone.end.isoformat() if milestone.end else "",
        "responsible_institution": "",
        "status": milestone.status,
        "note": "",
        "evidence": "",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


# Secretariat


def test_the_secretariat_manages_every_domain_model(client, secretariat):
    make_commitment(milestones=1)
    client.force_login(secretariat)
    for url in [
        "/admin/plans/member/",
        "/admin/plans/institution/",
        "/admin/plans/forum/",
        "/admin/plans/meeting/",
        "/admin/plans/document/",
        "/admin/plans/actionplan/",
        "/admin/plans/ogpvalue/",
        "/admin/plans/policyarea/",
        "/admin/plans/sector/",
        "/admin/commitments/commitment/",
        "/admin/commitments/milestone/",
        "/admin/commitments/milestoneupdate/",
        "/admin/plans/actionplan/add/",
        "/admin/commitments/commitment/add/",
    ]:
        assert client.get(url).status_code == 200, url


def test_the_secretariat_does_not_manage_users_unless_superuser(client, secretariat):
    client.force_login(secretariat)
    assert client.get("/admin/auth/user/").status_code == 403


def test_the_action_plan_form_groups_the_questionnaires_as_on_the_ogp_page(client, secretariat):
    client.force_login(secretariat)
    page = client.get("/admin/plans/actionplan/add/").content.decode()
    assert "Open Government Challenges, Opportunities and Strategic Vision" in page
    assert (
        "Engagement and Coordination in the Open Government Strategic Vision and OGP Action Plan"
        in page
    )
    assert (
        "What is the long-term vision for open government in your context and jurisdiction?" in page
    )
    assert "Endorsement from Non-Governmental Stakeholders" in page


def test_history_is_never_edited_or_deleted_through_the_admin(client, secretariat):
    milestone = make_commitment(milestones=1).milestones.get()
    client.force_login(secretariat)
    client.post(
        f"{MILESTONES}{milestone.pk}/change/",
        milestone_form_data(milestone, status="finished", note="Done"),
    )
    update = MilestoneUpdate.objects.get()
    base = f"/admin/commitments/milestoneupdate/{update.pk}"
    assert client.get("/admin/commitments/milestoneupdate/add/").status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{base}/change/", {"note": "rewritten"})
    update.refresh_from_db()
    assert update.note == "Done"


def test_the_change_form_changes_status_through_the_service(client, secretariat):
    milestone = make_commitment(milestones=1).milestones.get()
    client.force_login(secretariat)
    response = client.post(
        f"{MILESTONES}{milestone.pk}/change/",
        milestone_form_data(
            milestone,
            status="in_progress",
            note="Work began",
            evidence="Minutes | https://example.org/minutes",
        ),
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == "in_progress"
    update = MilestoneUpdate.objects.get()
    assert (update.old_status, update.new_status, update.note, update.author) == (
        "not_reported",
        "in_progress",
        "Work began",
        secretariat,
    )
    assert update.evidence.get().url == "https://example.org/minutes"


def test_a_status_change_without_a_note_or_with_a_bad_link_is_refused_and_changes_nothing(
    client, secretariat
):
    milestone = make_commitment(milestones=1).milestones.get()
    client.force_login(secretariat)
    response = client.post(
        f"{MILESTONES}{milestone.pk}/change/", milestone_form_data(milestone, status="finished")
    )
    assert response.status_code == 200
    assert "the note is shown publicly" in response.content.decode()
    response = client.post(
        f"{MILESTONES}{milestone.pk}/change/",
        milestone_form_data(milestone, status="finished", note="x", evidence="not a link"),
    )
    assert "is not a web address" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == "not_reported"
    assert not MilestoneUpdate.objects.exists()


def test_a_milestone_form_shows_the_database_rules_as_messages(client, secretariat):
    milestone = make_commitment(milestones=2).milestones.get(number=2)
    client.force_login(secretariat)
    response = client.post(
        f"{MILESTONES}{milestone.pk}/change/",
        milestone_form_data(milestone, number="1", start="2022-05-01", end="2022-02-01"),
    )
    page = response.content.decode()
    assert "This commitment already has a milestone with this number." in page
    assert "A milestone cannot end before it starts." in page


def commitment_form_data(commitment, milestones, **overrides):
    data = {
        "ogp_id": commitment.ogp_id,
        "number": "",
        "title_es": commitment.title_es or "",
        "title_en": commitment.title_en or "",
        "original_language": commitment.original_language,
        "action_plans": [plan.pk for plan in commitment.action_plans.all()],
        "is_published": "on",
        "start": "2022-02-01",
        "end": "2022-05-01",
        "primary_policy_area": "",
        "primary_sector": "",
        "institution_roles-TOTAL_FORMS": "0",
        "institution_roles-INITIAL_FORMS": "0",
        "institution_roles-MIN_NUM_FORMS": "0",
        "institution_roles-MAX_NUM_FORMS": "1000",
        "milestones-TOTAL_FORMS": str(len(milestones)),
        "milestones-INITIAL_FORMS": str(len(milestones)),
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
    }
    for i, milestone in enumerate(milestones):
        data.update(
            {
                f"milestones-{i}-id": milestone.pk,
                f"milestones-{i}-commitment": commitment.pk,
                f"milestones-{i}-number": milestone.number,
                f"milestones-{i}-title_es": milestone.title_es or "",
                f"milestones-{i}-title_en": milestone.title_en or "",
                f"milestones-{i}-original_language": milestone.original_language,
                f"milestones-{i}-start": "2022-02-01",
                f"milestones-{i}-end": "2022-04-01",
                f"milestones-{i}-responsible_institution": "",
                f"milestones-{i}-status": milestone.status,
                f"milestones-{i}-note": "",
                f"milestones-{i}-evidence": "",
            }
        )
    data.update(overrides)
    return data


def test_the_milestone_inline_changes_status_through_the_service(client, secretariat):
    commitment = make_commitment(milestones=2, ogp_id="MXMEX0009")
    milestones = list(commitment.milestones.all())
    client.force_login(secretariat)
    response = client.post(
        f"/admin/commitments/commitment/{commitment.pk}/change/",
        commitment_form_data(
            commitment,
            milestones,
            **{"milestones-1-status": "stuck", "milestones-1-note": "Waiting for the study"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    update = MilestoneUpdate.objects.get()
    assert (update.milestone, update.new_status, update.note) == (
        milestones[1],
        "stuck",
        "Waiting for the study",
    )
    page = client.get(f"/admin/commitments/commitment/{commitment.pk}/change/").content.decode()
    assert "Waiting for the study" in page  # the read-only history


def test_the_bulk_action_asks_for_a_status_and_a_note_then_records_one_update_per_milestone(
    client, secretariat
):
    commitment = make_commitment(milestones=3, statuses=("not_started", "not_started", "finished"))
    ids = [str(pk) for pk in commitment.milestones.values_list("pk", flat=True)]
    client.force_login(secretariat)
    form = client.post(MILESTONES, {"action": "change_status", "_selected_action": ids})
    assert form.status_code == 200
    assert "New status" in form.content.decode()
    refused = client.post(
        MILESTONES,
        {"action": "change_status", "_selected_action": ids, "apply": "1", "status": "finished"},
    )
    assert "the note is shown publicly" in refused.content.decode()
    assert not MilestoneUpdate.objects.exists()
    done = client.post(
        MILESTONES,
        {
            "action": "change_status",
            "_selected_action": ids,
            "apply": "1",
            "status": "finished",
            "note": "Closed",
        },
    )
    assert done.status_code == 302
    # the third milestone was already finished: no change, no update
    assert MilestoneUpdate.objects.count() == 2
    assert set(Milestone.objects.values_list("status", flat=True)) == {"finished"}


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


CHANGELISTS = [
    "/admin/commitments/commitment/",
    "/admin/commitments/milestone/",
    "/admin/commitments/milestoneupdate/",
    "/admin/commitments/comment/",
    "/admin/plans/actionplan/",
    "/admin/plans/institution/",
    "/admin/plans/member/",
    "/admin/plans/forum/",
    "/admin/plans/document/",
    "/admin/plans/meeting/",
    "/admin/reports/inceptionreport/",
    "/admin/reports/endofcommitmentreport/",
]


def test_changelist_queries_do_not_grow_with_rows(client, secretariat):
    from tests.test_admin_data import add_rows

    client.force_login(secretariat)

    def counts() -> dict[str, int]:
        for url in CHANGELISTS:  # per-process caches (content types) filled first
            client.get(url)
        return {url: changelist_queries(client, url) for url in CHANGELISTS}

    add_rows(3, secretariat)
    with_three = counts()
    add_rows(27, secretariat)
    assert counts() == with_three


def test_commitment_changelist_query_count(client, secretariat, django_assert_num_queries):
    from tests.test_admin_data import add_rows

    add_rows(3, secretariat)
    client.force_login(secretariat)
    # 1 session  2 user  3 user permissions  4 group permissions
    # 5-6 the largest members (roll-ups) and their names  7-8 the largest plans and their
    # titles  9 policy areas  10 OGP values (the list filters' choices)
    # 11 filtered count  12 total count  13 the user's groups (role check for the actions)
    # 14 the page of commitments with their milestone counts  15 prefetch their plans
    with django_assert_num_queries(15):
        client.get("/admin/commitments/commitment/")


# Implementer


def test_an_implementer_sees_only_its_institutions_milestones(client, implementer, institution):
    mine = make_commitment(milestones=2, lead=institution, title="Ours")
    supporting = make_commitment(title="Supported")
    supporting.institution_roles.create(institution=institution, role="supporting")
    make_milestone(supporting)
    other = make_commitment(milestones=2, lead=make_institution(), title="Theirs")
    client.force_login(implementer)
    page = client.get(MILESTONES).content.decode()
    assert page.count("Ours") == 2 and "Supported" in page and "Theirs" not in page
    assert client.get(f"{MILESTONES}{mine.milestones.first().pk}/change/").status_code == 200
    assert client.get(f"{MILESTONES}{other.milestones.first().pk}/change/").status_code == 404
    response = client.post(
        f"{MILESTONES}{other.milestones.first().pk}/change/",
        {"status": "finished", "note": "x"},
    )
    assert response.status_code == 404
    assert not MilestoneUpdate.objects.exists()


def test_an_implementer_changes_status_note_and_evidence_only(client, implementer, institution):
    milestone = make_commitment(milestones=1, lead=institution).milestones.get()
    client.force_login(implementer)
    response = client.post(
        f"{MILESTONES}{milestone.pk}/change/",
        {
            "status": "finished",
            "note": "Delivered",
            "evidence": "https://example.org/x",
            "title": "Renamed",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.title) == ("finished", "Milestone 1")
    update = MilestoneUpdate.objects.get()
    assert (update.author, update.author_institution) == (implementer, institution)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/plans/actionplan/",
        "/admin/plans/institution/",
        "/admin/commitments/commitment/",
        "/admin/commitments/milestoneupdate/",
        "/admin/commitments/milestone/add/",
        "/admin/auth/user/",
    ],
)
def test_everything_else_is_forbidden_to_an_implementer(client, implementer, url):
    client.force_login(implementer)
    assert client.get(url).status_code == 403


def test_an_implementer_cannot_delete_milestones(client, implementer, institution):
    milestone = make_commitment(milestones=1, lead=institution).milestones.get()
    client.force_login(implementer)
    assert client.post(f"{MILESTONES}{milestone.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_the_bulk_action_of_an_implementer_touches_only_its_milestones(
    client, implementer, institution
):
    mine = make_commitment(milestones=1, lead=institution).milestones.get()
    theirs = make_commitment(milestones=1, lead=make_institution()).milestones.get()
    client.force_login(implementer)
    client.post(
        MILESTONES,
        {
            "action": "change_status",
            "_selected_action": [mine.pk, theirs.pk],
            "apply": "1",
            "status": "finished",
            "note": "Done",
        },
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("finished", "not_reported")


# Evaluator and anonymous


def test_an_evaluator_has_no_admin(client):
    client.force_login(make_evaluator())
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(MILESTONES).status_code == 302


def test_anonymous_users_are_sent_to_the_login(client):
    assert client.get("/admin/commitments/commitment/").status_code == 302


def test_a_secretariat_user_who_leaves_the_group_loses_access(client):
    user = make_secretariat()
    user.groups.clear()
    client.force_login(user)
    assert client.get("/admin/commitments/commitment/").status_code == 403


# The commitment's change page stays small whatever the commitment holds


def test_the_commitment_page_edits_its_first_milestones_and_links_to_the_rest(client, secretariat):
    commitment = make_commitment(milestones=8, ogp_id="MXMEX0010")
    client.force_login(secretariat)
    url = f"/admin/commitments/commitment/{commitment.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="milestones-INITIAL_FORMS" value="5"' in page
    assert "The first 5 of 8 milestones are edited here." in page
    assert f"/admin/commitments/milestone/?commitment__id__exact={commitment.pk}" in page
    listed = client.get(f"{MILESTONES}?commitment__id__exact={commitment.pk}")
    assert listed.status_code == 200 and "8 milestones" in listed.content.decode()
    # Saving the page changes the milestones it shows and leaves the others as they were.
    shown = list(commitment.milestones.order_by("number")[:5])
    response = client.post(
        url,
        commitment_form_data(
            commitment,
            shown,
            **{"milestones-4-status": "stuck", "milestones-4-note": "Waiting for the study"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert dict(commitment.milestones.values_list("number", "status")) == {
        **dict.fromkeys(range(1, 9), "not_reported"),
        5: "stuck",
    }


def test_a_commitment_with_few_milestones_shows_them_all_without_a_note(client, secretariat):
    commitment = make_commitment(milestones=3)
    client.force_login(secretariat)
    page = client.get(f"/admin/commitments/commitment/{commitment.pk}/change/").content.decode()
    assert 'name="milestones-INITIAL_FORMS" value="3"' in page
    assert "are edited here" not in page


def test_the_commitment_page_shows_the_latest_history_and_links_to_all_of_it(client, secretariat):
    from commitments.services import change_milestone_status

    commitment = make_commitment(milestones=1)
    milestone = commitment.milestones.get()
    for i, status in enumerate(["in_progress", "stuck"] * 11):
        change_milestone_status(
            milestone=milestone, new_status=status, by=secretariat, note=f"n{i}"
        )
    client.force_login(secretariat)
    page = client.get(f"/admin/commitments/commitment/{commitment.pk}/change/").content.decode()
    assert "n21 <" in page and "n2 <" in page and "n1 <" not in page  # the latest 20 of 22
    link = f"/admin/commitments/milestoneupdate/?milestone__commitment__id__exact={commitment.pk}"
    assert link in page
    history = client.get(link).content.decode()
    assert history.count("/change/") >= 22 or "22 milestone updates" in history


def change_page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_commitment_change_page_queries_do_not_grow(client, secretariat):
    from commitments.models import CommitmentInstitution
    from commitments.rollups import batched
    from commitments.services import change_milestone_status

    def commitment_with(count):
        with batched():  # the roll-ups recounted once, at the end (this is about reading)
            return _commitment_with(count)

    def _commitment_with(count):
        commitment = make_commitment(milestones=count, lead=make_institution())
        for _ in range(count):
            CommitmentInstitution.objects.create(
                commitment=commitment, institution=make_institution(), role="supporting"
            )
        for milestone in commitment.milestones.all():
            milestone.responsible_institution = make_institution()
            milestone.save()
            change_milestone_status(
                milestone=milestone, new_status="in_progress", by=secretariat, note="Reported"
            )
        return commitment

    small, large = commitment_with(3), commitment_with(30)
    client.force_login(secretariat)
    url = "/admin/commitments/commitment/{}/change/"
    change_page_queries(client, url.format(small.pk))  # the first request fills caches
    # The larger one adds a single count: how many milestones are not shown.
    assert change_page_queries(client, url.format(large.pk)) <= (
        change_page_queries(client, url.format(small.pk)) + 1
    )
    assert change_page_queries(client, url.format(large.pk)) <= 20
    # Each searchable field still shows its current choice by name.
    page = client.get(url.format(large.pk)).content.decode()
    first = large.milestones.order_by("number").select_related("responsible_institution")[0]
    chosen = first.responsible_institution
    assert f'<option value="{chosen.pk}" selected>{chosen}</option>' in page
    role = large.institution_roles.select_related("institution").first()
    assert f'<option value="{role.institution.pk}" selected>{role.institution}</option>' in page


def test_the_comment_changelist_queries_do_not_grow(client, secretariat):
    from commitments.models import Comment

    def add_comments(count):
        for _ in range(count):
            Comment.objects.create(
                target=make_commitment(), name="Ana", email="ana@example.org", text="¿Cuándo?"
            )

    client.force_login(secretariat)
    add_comments(3)
    changelist_queries(client, "/admin/commitments/comment/")  # the first request fills caches
    with_three = changelist_queries(client, "/admin/commitments/comment/")
    add_comments(27)
    assert changelist_queries(client, "/admin/commitments/comment/") == with_three


def test_the_commitment_list_searches_like_the_portal(client, secretariat):
    infoem = make_institution(name="Instituto de Transparencia", acronym="INFOEM")
    make_commitment(title_es="Participación ciudadana en la salud", ogp_id="MXMEX0041")
    make_commitment(title_en="Open data portal", ogp_id="MXMEX0042")
    make_commitment(title_en="Archives", lead=infoem, ogp_id="MXMEX0043")
    make_commitment(title_en="Unrelated roads", ogp_id="MXMEX0044")
    client.force_login(secretariat)

    def found(term):
        page = client.get("/admin/commitments/commitment/", {"q": term}).content.decode()
        return {key for key in ("0041", "0042", "0043", "0044") if f"MXMEX{key}" in page}

    assert found("participacion") == {"0041"}  # no accent, either language
    assert found("mxmex0042") == {"0042"}
    assert found("INFOEM") == {"0043"}
    assert found("transparencia") == {"0043"}
    assert found("nothing-like-it") == set()


def test_a_late_page_of_commitments_lists_its_own_rows_in_order(client, secretariat):
    from commitments.admin import CommitmentAdmin

    for number in range(1, 8):
        make_commitment(title_en=f"Numbered {number:02d}", number=number)
    client.force_login(secretariat)
    CommitmentAdmin.list_per_page, saved = 3, CommitmentAdmin.list_per_page
    try:
        page = client.get("/admin/commitments/commitment/", {"p": 2}).content.decode()
    finally:
        CommitmentAdmin.list_per_page = saved
    listed = [f"Numbered {n:02d}" for n in range(1, 8) if f"Numbered {n:02d}" in page]
    assert listed == ["Numbered 04", "Numbered 05", "Numbered 06"]
    assert page.index("Numbered 04") < page.index("Numbered 05") < page.index("Numbered 06")


@pytest.mark.sqlite
def test_the_commitment_list_searches_words_ogp_ids_and_institutions(client, secretariat):
    infoem = make_institution(name="Instituto de Transparencia", acronym="INFOEM")
    culture = make_commitment(title="Participación ciudadana", ogp_id="MXMEX0009", lead=infoem)
    other = make_commitment(title="Open budget", ogp_id="MXMEX0010")
    make_commitment(title="Courts", lead=make_institution(name="Poder Judicial"))
    client.force_login(secretariat)

    def found(term):
        response = client.get("/admin/commitments/commitment/", {"q": term})
        assert response.status_code == 200
        return {c.pk for c in response.context["cl"].result_list}

    assert found("participacion") == {culture.pk}  # accents ignored
    assert found("mxmex0010") == {other.pk}  # an OGP ID in any case
    assert found("infoem") == {culture.pk}  # an institution's acronym…
    assert found("transparencia") == {culture.pk}  # …or part of its name, each once
    assert found("nothing like it") == set()


@pytest.mark.sqlite
def test_a_searched_commitment_list_searches_for_its_keys_and_loads_the_rows_by_them(
    client, secretariat
):
    plan = make_commitment(title_es="Participación en salud").action_plans.get()
    for number in range(2, 5):
        make_commitment(plan, title_es=f"Participación {number}")
    make_commitment(title_es="Caminos")
    client.force_login(secretariat)
    with CaptureQueriesContext(connection) as searched:
        response = client.get("/admin/commitments/commitment/", {"q": "participacion"})
    assert {c.title for c in response.context["cl"].result_list} == {
        "Participación en salud",
        *(f"Participación {number}" for number in range(2, 5)),
    }
    cell = f'<td class="field-plans">{plan.title}</td>'
    assert response.content.decode().count(cell) == 4  # each row names its plan
    # The search runs for the count and for the page's keys; the rows are read by key.
    reads = [q["sql"] for q in searched.captured_queries]
    assert sum("search_vector" in sql or "search_text" in sql for sql in reads) == 2
    with CaptureQueriesContext(connection) as plain:
        client.get("/admin/commitments/commitment/")
    assert len(searched) == len(plain)


def test_a_rows_selection_box_is_the_one_django_draws():
    from django.contrib import admin
    from django.utils import translation

    from commitments.models import Commitment

    commitment = make_commitment(title_en='Data <b>&</b> "quotes"', title_es="Datos <i>")
    model_admin = admin.site._registry[Commitment]
    for language in ("en", "es"):
        with translation.override(language):
            assert model_admin.action_checkbox(commitment) == admin.ModelAdmin.action_checkbox(
                model_admin, commitment
            )
    assert "&lt;b&gt;" in model_admin.action_checkbox(commitment)


def test_the_commitment_list_says_which_published_commitments_the_public_cannot_see(
    client, secretariat
):
    import re

    from tests.factories import make_plan

    make_commitment(make_plan(published=False), title_en="In a draft plan")
    make_commitment(title_en="In a published plan")
    client.force_login(secretariat)
    page = client.get("/admin/commitments/commitment/").content.decode()

    def cells(title):
        row = next(r for r in page.split("<tr")[1:] if title in r)
        return dict(re.findall(r'class="field-(is_published|shown)"><img[^>]*alt="(\w+)"', row))

    assert cells("In a draft plan") == {"is_published": "True", "shown": "False"}
    assert cells("In a published plan") == {"is_published": "True", "shown": "True"}
