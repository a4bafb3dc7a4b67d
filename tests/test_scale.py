"""Fast at any size: roll-ups kept by every write path, cached public pages, bounded pages,
searchable explorer filters, and the data generator of ``make bench``."""

from __future__ import annotations

import datetime
import gzip
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date
from rest_framework.test import APIClient

from commitments.models import (
    Comment,
    Commitment,
    CommitmentInstitution,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
)
from commitments.rollups import (
    MEMBER,
    PLAN,
    SITE,
    PublicVersion,
    Rollup,
    batched,
    recompute_all,
    recompute_public,
)
from commitments.services import change_milestone_status
from plans.models import ActionPlan, Document, Institution, Member
from tests.factories import (
    make_commitment,
    make_institution,
    make_member,
    make_milestone,
    make_plan,
    make_secretariat,
)

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2020, 1, 1)


def assert_no_drift():
    """Every stored roll-up equals a fresh recount, and every public flag the rule."""
    assert recompute_all(fix=False) == []
    assert recompute_public(fix=False) == []


def rollup(scope, obj=None) -> Rollup:
    return Rollup.objects.get(scope=scope, object_id=obj.pk if obj else 0)


# Roll-ups through every write path ---------------------------------------------------------------


@pytest.fixture
def portal():
    state = make_member(name="Estado de México", slug="estado")
    partner = make_member(name="Tlalnepantla", slug="tlalnepantla")
    lead = make_institution(name="INFOEM", slug="infoem")
    plan = make_plan(state, slug="plan-estado")
    plan.consortium_members.add(partner)
    commitment = make_commitment(plan, milestones=3, lead=lead, ogp_id="MXMEX0009")
    commitment.milestones.update(start=LONG_AGO, end=LONG_AGO)  # no signal: recounted below
    call_command("recompute_rollups", stdout=io.StringIO())
    return {
        "state": state,
        "partner": partner,
        "lead": lead,
        "plan": plan,
        "commitment": commitment,
    }


def test_the_status_service_keeps_every_roll_up_in_its_transaction(portal):
    milestone = portal["commitment"].milestones.get(number=1)
    assert rollup(PLAN, portal["plan"]).tally.overdue() == 3
    change_milestone_status(
        milestone=milestone,
        new_status=MilestoneStatus.FINISHED,
        by=make_secretariat(),
        note="Hecho",
    )
    for scope, obj in (
        (SITE, None),
        (PLAN, portal["plan"]),
        (MEMBER, portal["state"]),
        (MEMBER, portal["partner"]),
        ("institution", portal["lead"]),
    ):
        row = rollup(scope, obj)
        assert (row.n_finished, row.n_milestones, row.tally.overdue()) == (1, 3, 2), scope
    assert_no_drift()


def test_the_write_api_changes_a_status_through_the_service_and_the_roll_ups(portal):
    api = APIClient()
    api.force_authenticate(make_secretariat())
    milestone = portal["commitment"].milestones.get(number=2)
    response = api.patch(
        f"/api/v1/milestones/{milestone.pk}/",
        {"status": "stuck", "note": "Sin presupuesto"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert rollup(PLAN, portal["plan"]).tally.count("stuck") == 1
    assert_no_drift()


def test_saves_and_deletes_of_milestones_keep_the_roll_ups(portal):
    commitment = portal["commitment"]
    added = make_milestone(commitment, number=4, status=MilestoneStatus.FINISHED)
    assert rollup(SITE).n_milestones == 4
    added.end = datetime.date(2100, 1, 1)
    added.save()
    assert_no_drift()
    added.delete()
    assert rollup(PLAN, portal["plan"]).n_milestones == 3
    assert_no_drift()


def test_publishing_withdrawing_and_deleting_keep_the_roll_ups(portal):
    commitment, plan = portal["commitment"], portal["plan"]
    commitment.is_published = False
    commitment.save()
    assert rollup(SITE).n_commitments == 0 and rollup(MEMBER, portal["state"]).n_milestones == 0
    commitment.is_published = True
    commitment.save()
    plan.status = ActionPlan.Status.DRAFT
    plan.save()
    assert rollup(MEMBER, portal["state"]).n_plans == 0
    assert rollup("institution", portal["lead"]).n_led == 0
    assert_no_drift()
    plan.status = ActionPlan.Status.PUBLISHED
    plan.save()
    assert rollup("institution", portal["lead"]).n_led == 1
    commitment.delete()
    assert (rollup(SITE).n_commitments, rollup(PLAN, plan).n_milestones) == (0, 0)
    assert_no_drift()
    plan.delete()
    assert not Rollup.objects.filter(scope=PLAN, object_id=plan.pk).exists()
    assert rollup(MEMBER, portal["state"]).n_plans == 0
    assert_no_drift()


def test_links_between_plans_members_and_institutions_keep_the_roll_ups(portal):
    commitment, plan = portal["commitment"], portal["plan"]
    other_plan = make_plan(make_member(), slug="otro-plan")
    commitment.action_plans.add(other_plan)
    assert rollup(PLAN, other_plan).n_commitments == 1
    plan.consortium_members.remove(portal["partner"])
    assert rollup(MEMBER, portal["partner"]).n_plans == 0
    supporter = make_institution(name="IEEM", slug="ieem")
    role = CommitmentInstitution.objects.create(
        commitment=commitment, institution=supporter, role=CommitmentInstitution.Role.SUPPORTING
    )
    assert rollup("institution", supporter).n_supported == 1
    role.delete()
    assert rollup("institution", supporter).n_supported == 0
    commitment.action_plans.clear()
    assert rollup(SITE).n_commitments == 0
    assert_no_drift()


def test_a_batch_recounts_once_at_its_end_and_sees_links_added_later(portal):
    commitment = portal["commitment"]
    newcomer = make_institution(name="Poder Judicial", slug="pj")
    with batched():
        make_milestone(commitment, number=4)
        CommitmentInstitution.objects.bulk_create(  # bulk: no signal, like an import's
            [CommitmentInstitution(commitment=commitment, institution=newcomer)]
        )
        make_milestone(commitment, number=5)
        assert rollup(SITE).n_milestones == 3  # not yet
    assert rollup(SITE).n_milestones == 5
    assert rollup("institution", newcomer).n_milestones == 5
    assert_no_drift()


def test_status_changes_through_the_admin_form_and_bulk_action_keep_the_roll_ups(client, portal):
    from tests.commitments.test_admin import MILESTONES, milestone_form_data

    client.force_login(make_secretariat())
    first, *others = portal["commitment"].milestones.order_by("number")
    response = client.post(
        f"{MILESTONES}{first.pk}/change/",
        milestone_form_data(first, status=MilestoneStatus.FINISHED, note="Entregado"),
    )
    assert response.status_code == 302
    assert rollup("plan", portal["plan"]).n_finished == 1
    assert_no_drift()
    response = client.post(
        MILESTONES,
        {
            "action": "change_status",
            "_selected_action": [str(milestone.pk) for milestone in others],
            "apply": "1",
            "status": MilestoneStatus.FINISHED,
            "note": "Cerrados",
        },
    )
    assert response.status_code == 302
    for scope, obj in [
        (SITE, None),
        ("plan", portal["plan"]),
        ("member", portal["state"]),
        ("member", portal["partner"]),
        ("institution", portal["lead"]),
    ]:
        assert rollup(scope, obj).n_finished == 3, scope
    assert_no_drift()


def test_a_write_around_the_rules_is_reported_and_fixed_by_the_recount(portal):
    commitment = portal["commitment"]
    Commitment.objects.filter(pk=commitment.pk).update(is_published=False)  # no signal
    assert recompute_all(fix=False)  # drift is reported…
    call_command("recompute_rollups", stdout=io.StringIO())  # …and fixed
    assert rollup(SITE).n_commitments == 0
    assert_no_drift()


def test_recompute_rollups_reports_drift_and_check_changes_nothing(portal):
    Rollup.objects.filter(scope=SITE).update(n_finished=99)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("recompute_rollups", "--check", stdout=out, stderr=io.StringIO())
    assert "site 0: n_finished" in out.getvalue()
    assert rollup(SITE).n_finished == 99
    call_command("recompute_rollups", stdout=io.StringIO())
    assert rollup(SITE).n_finished == 0
    out = io.StringIO()
    call_command("recompute_rollups", stdout=out)
    assert "Every roll-up matched" in out.getvalue()


@pytest.mark.sqlite
def test_lists_read_overdue_figures_of_this_month_and_the_histogram_of_an_earlier_one(
    client, portal
):
    from commitments.rollups import FIGURE_FIELDS, refresh_overdue_figures, this_month

    plan, state, lead = portal["plan"], portal["state"], portal["lead"]
    # Every path writes the figures with the counts, as of this month: 3 overdue, none reported.
    row = rollup(PLAN, plan)
    assert (row.overdue_month, row.n_overdue, row.n_overdue_unreported, row.n_not_reported) == (
        this_month(),
        3,
        3,
        3,
    )
    listed = ActionPlan.objects.with_progress().get(pk=plan.pk)
    assert "months" not in listed.rollup_figures or listed.rollup_figures["months"] is None
    assert (listed.n_overdue, listed.n_overdue_unreported) == (3, 3)
    # Written last month: its figures are not read, its histogram is, so nothing is a month
    # behind (here the stale figures say 0).
    stale = {"overdue_month": "2000-01", "n_overdue": 0, "n_overdue_unreported": 0}
    Rollup.objects.update(**stale)
    listed = ActionPlan.objects.with_progress().get(pk=plan.pk)
    assert (listed.n_overdue, listed.n_overdue_unreported, listed.n_not_reported) == (3, 3, 3)
    assert Member.objects.with_progress().get(pk=state.pk).n_overdue == 3
    assert Institution.objects.with_progress().get(pk=lead.pk).n_overdue_unreported == 3
    for page in ("/en/plans/", "/en/members/", "/en/institutions/", "/en/"):
        assert "3 overdue without a report" in client.get(page).content.decode(), page
    # Behind is not drift: a recount reports nothing.
    assert recompute_all(fix=False) == []
    # `manage.py notify` brings every row to this month, once.
    out = io.StringIO()
    call_command("notify", stdout=out)
    assert f"{Rollup.objects.count()} roll-ups brought to this month" in out.getvalue()
    assert set(Rollup.objects.values_list("overdue_month", flat=True)) == {this_month()}
    assert rollup(PLAN, plan).n_overdue == 3
    assert refresh_overdue_figures() == 0
    assert_no_drift()
    # A wrong figure of this month is drift, like a wrong count.
    Rollup.objects.filter(scope=PLAN).update(n_overdue=7)
    assert recompute_all(fix=False) == [(PLAN, plan.pk, "n_overdue")]
    assert set(FIGURE_FIELDS) <= {field.name for field in Rollup._meta.fields}


def public_titles() -> set[str]:
    return set(Commitment.objects.published().values_list("title", flat=True))


@pytest.mark.sqlite
def test_every_path_keeps_which_commitments_the_public_sees(client, portal):
    commitment, plan = portal["commitment"], portal["plan"]
    title = commitment.title
    assert public_titles() == {title}
    draft = make_plan(make_member(), slug="borrador", published=False)
    in_draft = make_commitment(draft, title="Only in a draft plan")
    assert public_titles() == {title}
    draft.status = ActionPlan.Status.PUBLISHED  # publishing the plan shows its commitments
    draft.save()
    assert public_titles() == {title, in_draft.title}
    draft.commitments.clear()  # the plan's side of the link
    assert public_titles() == {title}
    draft.commitments.add(in_draft)
    in_draft.action_plans.clear()  # the commitment's side
    assert public_titles() == {title}
    in_draft.action_plans.add(draft)
    draft.delete()  # its links go with it
    assert public_titles() == {title}
    commitment.is_published = False
    commitment.save()
    assert public_titles() == set()
    assert title not in client.get("/en/commitments/").content.decode()
    commitment.is_published = True
    commitment.save()
    plan.status = ActionPlan.Status.DRAFT
    plan.save()
    assert public_titles() == set()
    plan.status = ActionPlan.Status.PUBLISHED
    plan.save()
    assert public_titles() == {title}
    assert title in client.get("/en/commitments/").content.decode()
    assert_no_drift()


@pytest.mark.sqlite
def test_a_batch_sets_the_public_flags_at_its_end():
    plan = make_plan()
    with batched():
        commitment = make_commitment(plan, title="Imported")
        assert public_titles() == set()  # not yet
    assert public_titles() == {commitment.title}
    assert_no_drift()


def test_recompute_rollups_reports_and_fixes_a_public_flag_written_around_the_rules(portal):
    commitment = portal["commitment"]
    Commitment.objects.filter(pk=commitment.pk).update(is_public=False)  # no signal
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("recompute_rollups", "--check", stdout=out, stderr=io.StringIO())
    assert f"commitment {commitment.pk}: public, but not shown" in out.getvalue()
    assert public_titles() == set()
    call_command("recompute_rollups", stdout=io.StringIO())
    assert public_titles() == {commitment.title}
    assert_no_drift()


def test_a_new_status_needs_no_new_column():
    from commitments.rollups import Tally

    tally = Tally({"not_reported": {"2020-01": 2, "2999-01": 1}, "finished": {"2020-01": 4}})
    assert (tally.total, tally.count("not_reported"), tally.overdue()) == (7, 3, 2)
    assert tally.overdue(status="not_reported") == 2


# Cached public pages -------------------------------------------------------------------------------


@pytest.fixture
def cached(settings):
    settings.PAGE_CACHE = True


def public_pages(portal) -> list[str]:
    return [
        "/en/",
        "/en/commitments/MXMEX0009/",
        "/en/plans/plan-estado/",
        "/en/members/estado/",
        "/en/institutions/infoem/",
        "/en/feeds/updates/",
        "/en/commitments/",
    ]


def test_anonymous_pages_come_from_the_cache_and_a_status_change_shows_everywhere_at_once(
    client, cached, portal
):
    pages = public_pages(portal)
    for url in pages:
        assert client.get(url)["X-Page-Cache"] == "miss", url
        assert client.get(url)["X-Page-Cache"] == "hit", url
    milestone = portal["commitment"].milestones.get(number=1)
    change_milestone_status(
        milestone=milestone,
        new_status=MilestoneStatus.FINISHED,
        by=make_secretariat(),
        note="Publicado el informe final",
    )
    for url in pages:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        html = response.content.decode()
        if url == "/en/feeds/updates/":
            assert "Publicado el informe final" in html
        elif url != "/en/commitments/":
            assert "1 of 3 milestones finished" in html, url


def test_a_draft_never_leaks_into_a_cached_page(client, cached, portal):
    draft = make_commitment(portal["plan"], title="Borrador secreto", published=False)
    assert "Borrador secreto" not in client.get("/en/plans/plan-estado/").content.decode()
    assert client.get(f"/en/commitments/{draft.pk}/").status_code == 404
    draft.is_published = True
    draft.save()
    assert "Borrador secreto" in client.get("/en/plans/plan-estado/").content.decode()
    draft.is_published = False
    draft.save()
    assert "Borrador secreto" not in client.get("/en/plans/plan-estado/").content.decode()
    assert "Borrador secreto" not in client.get("/en/commitments/").content.decode()
    assert client.get(f"/en/commitments/{draft.pk}/").status_code == 404


def test_staff_always_see_fresh_pages_and_their_drafts(client, cached, portal):
    make_commitment(portal["plan"], title="Borrador interno", published=False)
    anonymous = client.get("/en/plans/plan-estado/")
    assert "Borrador interno" not in anonymous.content.decode()
    client.force_login(make_secretariat())
    staff = client.get("/en/plans/plan-estado/")
    assert "X-Page-Cache" not in staff
    assert "Borrador interno" in staff.content.decode()


@pytest.mark.sqlite
def test_conditional_get_answers_304_until_something_changes(client, cached, portal):
    first = client.get("/en/commitments/MXMEX0009/")
    etag, modified = first["ETag"], first["Last-Modified"]
    # The time of the last change, read as the database stores it (both databases).
    assert modified == http_date(PublicVersion.objects.get().changed_at.timestamp())
    assert client.get("/en/commitments/MXMEX0009/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    again = client.get("/en/commitments/MXMEX0009/", HTTP_IF_MODIFIED_SINCE=modified)
    assert again.status_code == 304
    Comment.objects.create(
        target=portal["commitment"],
        name="Ana",
        email="a@example.org",
        text="¿Y el informe?",
        status=Comment.Status.APPROVED,
    )
    changed = client.get("/en/commitments/MXMEX0009/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "¿Y el informe?" in changed.content.decode()


@pytest.mark.sqlite
def test_a_cached_page_is_built_again_when_the_day_changes(client, cached, portal, monkeypatch):
    from django.utils import timezone

    url = "/en/plans/plan-estado/"
    client.get(url)
    first = client.get(url)
    assert first["X-Page-Cache"] == "hit"
    later = timezone.localdate() + datetime.timedelta(days=40)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    # No write happened, but what is overdue may have changed: the page is built again, and a
    # copy from before the day began is not current.
    next_day = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert next_day.status_code == 200 and next_day["X-Page-Cache"] == "miss"
    midnight = timezone.make_aware(datetime.datetime.combine(later, datetime.time.min))
    assert next_day["Last-Modified"] == http_date(midnight.timestamp())
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_pages_are_cached_per_language(client, cached, portal):
    english = client.get("/en/commitments/MXMEX0009/").content.decode()
    spanish = client.get("/es/commitments/MXMEX0009/").content.decode()
    assert 'lang="en"' in english and 'lang="es"' in spanish


def test_each_visitor_gets_its_own_csrf_token_in_a_cached_form(cached, portal):
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/en/commitments/MXMEX0009/")
    page = second.get("/en/commitments/MXMEX0009/")
    assert page["X-Page-Cache"] == "hit"
    html = page.content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = second.post(
        f"/en/comments/commitments.commitment/{portal['commitment'].pk}/",
        {
            "name": "Ana",
            "email": "ana@example.org",
            "text": "Gracias",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert Comment.objects.filter(text="Gracias", status=Comment.Status.PENDING).exists()


def without_tokens(html: bytes) -> bytes:
    return re.sub(rb'(name="csrfmiddlewaretoken" value=")[^"]*"', rb"\1", html)


def token_of(html: bytes) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]*)"', html).group(1).decode()


@pytest.mark.sqlite
def test_a_browser_gets_the_cached_page_compressed_with_its_own_csrf_token(cached, portal):
    from django.test import Client

    url = "/en/commitments/MXMEX0009/"
    plain = Client().get(url)
    assert plain["X-Page-Cache"] == "miss" and "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [visitor.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br") for visitor in visitors]
    tokens = []
    for page in pages:
        assert page["X-Page-Cache"] == "hit"
        assert page["Content-Encoding"] == "gzip" and "Accept-Encoding" in page["Vary"]
        html = gzip.decompress(page.content)  # one whole gzip member: checksum and size agree
        assert len(page.content) < len(html) / 2
        assert without_tokens(html) == without_tokens(plain.content)
        tokens.append(token_of(html))
    assert tokens[0] != tokens[1]
    # Each visitor's token, sent uncompressed between the compressed pieces, is its own.
    response = visitors[1].post(
        f"/en/comments/commitments.commitment/{portal['commitment'].pk}/",
        {
            "name": "Ana",
            "email": "ana@example.org",
            "text": "Comprimido",
            "csrfmiddlewaretoken": tokens[1],
        },
    )
    assert response.status_code == 302
    assert Comment.objects.filter(text="Comprimido").exists()


@pytest.mark.sqlite
def test_the_compressed_page_has_its_own_validator(client, cached, portal):
    url = "/en/commitments/MXMEX0009/"
    plain = client.get(url)
    compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["ETag"] != plain["ETag"]
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=compressed["ETag"])
    assert again.status_code == 304
    # A page without a form (the API) is kept compressed whole.
    api = client.get("/api/v1/commitments/", HTTP_ACCEPT_ENCODING="gzip")
    assert api["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(api.content))["count"] == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("GZIP", True),
        ("br, gzip;q=0.5", True),
        ("gzip; q=1.0, identity", True),
        ("*", True),
        ("x-gzip", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, br", False),
        ("gzip;q=nonsense", False),
        ("identity", False),
        ("br, zstd", False),
        ("", False),
    ],
)
def test_which_clients_accept_gzip(rf, header, expected):
    from ogptracker.pagecache import accepts_gzip

    assert accepts_gzip(rf.get("/", HTTP_ACCEPT_ENCODING=header)) is expected


def test_a_short_page_is_kept_uncompressed_and_a_long_one_decompresses_to_itself():
    from ogptracker.pagecache import CSRF_PLACEHOLDER, _entry, _gzipped

    assert _entry(b"ok", {})["gzip"] is None
    body = b"<p>" + "Participación ciudadana ".encode() * 200 + b"</p>"
    for text in (body, CSRF_PLACEHOLDER + body + CSRF_PLACEHOLDER * 2 + body + CSRF_PLACEHOLDER):
        entry = _entry(text, {})
        sent = _gzipped(entry["parts"], entry["gzip"], b"t0k3n")
        assert gzip.decompress(sent) == text.replace(CSRF_PLACEHOLDER, b"t0k3n")
    # A page already encoded by its view is kept as it is.
    assert _entry(body, {}, compress=False)["gzip"] is None


@pytest.mark.sqlite
def test_a_cached_request_costs_one_query(client, cached, portal):
    client.get("/en/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/")["X-Page-Cache"] == "hit"
    assert len(queries) == 1


# Bounded pages -------------------------------------------------------------------------------------


def test_an_institutions_commitments_come_a_page_at_a_time(client):
    lead = make_institution(name="Secretaría", slug="secretaria")
    plan = make_plan()
    for number in range(30):
        make_commitment(plan, lead=lead, title=f"Compromiso {number:02d}", number=number + 1)
    first = client.get("/en/institutions/secretaria/").content.decode()
    assert first.count('class="card"') == 25 and "Leads 30 commitments" in first
    assert "led=2" in first
    second = client.get("/en/institutions/secretaria/?led=2").content.decode()
    assert second.count('class="card"') == 5


def test_the_history_of_a_commitment_comes_a_page_at_a_time(client):
    commitment = make_commitment(milestones=1, ogp_id="MXMEX0001")
    milestone = commitment.milestones.get()
    boss = make_secretariat()
    statuses = [MilestoneStatus.IN_PROGRESS, MilestoneStatus.STUCK] * 16
    for status in statuses:
        change_milestone_status(milestone=milestone, new_status=status, by=boss, note="Cambio")
    assert MilestoneUpdate.objects.count() == 32
    first = client.get("/en/commitments/MXMEX0001/").content.decode()
    assert first.count('class="timeline-item"') == 30 and "history=2" in first
    second = client.get("/en/commitments/MXMEX0001/?history=2").content.decode()
    assert second.count('class="timeline-item"') == 2


def test_the_home_page_is_bounded_and_links_to_the_full_lists(client):
    for number in range(15):
        make_commitment(make_plan(make_member(name=f"Miembro {number:02d}")), milestones=1)
    html = client.get("/en/").content.decode()
    assert html.count("Miembro ") == 12 + 6  # twelve member cards, six plan cards name theirs
    assert 'href="/en/members/"' in html and 'href="/en/plans/"' in html
    assert "15 milestones in published commitments" in html


@pytest.mark.parametrize("url", ["/en/members/", "/en/institutions/", "/en/plans/", "/en/"])
def test_list_pages_query_counts_do_not_grow(client, url):
    def build(count):
        with batched():  # the roll-ups recounted once, at the end (this is about reading)
            for _ in range(count):
                make_commitment(make_plan(make_member()), milestones=2, lead=make_institution())

    def measure():
        client.get(url)  # per-process look-ups (content types) first
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    build(3)
    few = measure()
    build(27)
    assert measure() == few <= 12


def test_the_explorer_query_count_does_not_grow(client):
    def measure():
        client.get("/en/commitments/")
        with CaptureQueriesContext(connection) as queries:
            client.get("/en/commitments/?status=not_started")
        return len(queries)

    plan = make_plan()
    with batched():  # the roll-ups recounted once, at the end (this is about reading)
        for _ in range(3):
            make_commitment(plan, milestones=2)
    few = measure()
    with batched():
        for _ in range(27):
            make_commitment(plan, milestones=2)
    assert measure() == few <= 12


# Searchable explorer filters ------------------------------------------------------------------------


def test_members_plans_and_institutions_are_searchable_fields_not_long_selects(client):
    member = make_member(name="Tlalnepantla de Baz", slug="tlalnepantla")
    make_commitment(make_plan(member, slug="tlal-2021"), milestones=1)
    html = client.get("/en/commitments/").content.decode()
    for name in ("member", "plan", "institution"):
        assert f'<select name="{name}"' not in html
        assert f'list="{name}-options"' in html
    assert '<option value="tlalnepantla">' in html  # a suggestion


def test_a_name_typed_in_a_filter_finds_the_one_it_names(client):
    wanted = make_member(name="Tlalnepantla de Baz", slug="tlalnepantla")
    make_commitment(make_plan(wanted), title="Justicia abierta", milestones=1)
    make_commitment(make_plan(make_member(name="Toluca")), title="Otro", milestones=1)
    response = client.get("/en/commitments/?member=tlalnepantla+de")
    titles = [c.title for c in response.context["page"].object_list]
    assert titles == ["Justicia abierta"]
    assert 'value="tlalnepantla"' in response.content.decode()  # the choice is kept


def test_a_name_matching_several_offers_a_choice(client):
    for number in (1, 2):
        make_member(name=f"San Juan {number}", slug=f"san-juan-{number}")
    html = client.get("/en/commitments/?member=San+Juan&status=stuck").content.decode()
    assert "Several match; choose one:" in html
    assert "?member=san-juan-1&amp;status=stuck" in html or "member=san-juan-1" in html


# generate_scale ------------------------------------------------------------------------------------


def test_generate_scale_fills_a_small_portal_through_the_apps_rules():
    out = io.StringIO()
    sizes = {
        "members": 6,
        "plans": 10,
        "commitments": 40,
        "milestones": 150,
        "updates": 300,
        "institutions": 12,
        "documents": 20,
        "comments": 25,
    }
    call_command(
        "generate_scale", *[f"--{name}={value}" for name, value in sizes.items()], stdout=out
    )
    assert Member.objects.filter(slug__startswith="s1-").count() == 6
    assert ActionPlan.objects.filter(slug__startswith="s1-").count() == 10
    assert Commitment.objects.count() == 40
    assert Milestone.objects.count() == 150
    assert MilestoneUpdate.objects.count() == 300
    assert Institution.objects.filter(slug__startswith="s1-").count() == 12
    assert Document.objects.count() == 20 and Comment.objects.count() == 25
    commitment = Commitment.objects.exclude(title_en="").first()
    assert commitment.title_es and commitment.title_es != commitment.title_en
    assert Milestone.objects.values("status").distinct().count() >= 3
    # The rules the app keeps: roll-ups current, search finds generated texts.
    assert_no_drift()
    assert (
        Commitment.objects.search("datos abiertos").exists()
        or Commitment.objects.search("observatorio").exists()
    )
    with pytest.raises(CommandError, match="already holds data"):
        call_command("generate_scale", "--members=1", "--institutions=1", stdout=io.StringIO())


def test_generate_scale_refuses_impossible_sizes():
    with pytest.raises(CommandError):
        call_command(
            "generate_scale", "--commitments=10", "--milestones=5", "--seed=9", stdout=io.StringIO()
        )


@pytest.mark.sqlite
def test_a_list_is_counted_once_per_version_whatever_its_order():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from commitments.models import Commitment
    from ogptracker import pagecache

    make_commitment(title="Transparency")
    make_commitment(title="Roads")
    pagecache.bump()
    published = Commitment.objects.published()
    with CaptureQueriesContext(connection) as counted:
        assert pagecache.count_once(published.order_by("title")) == 2
        assert pagecache.count_once(published.order_by("-pk")) == 2
        assert pagecache.count_once(published.filter(title="Roads")) == 1
    assert sum("COUNT(" in query["sql"] for query in counted.captured_queries) == 2
    make_commitment(title="Courts")  # a new version of the data: counted again
    assert pagecache.count_once(published.order_by("title")) == 3


@pytest.mark.sqlite
def test_institutions_counted_together_count_what_a_full_recount_does():
    from commitments.rollups import INSTITUTION, count_everything, count_institutions

    lead, supporter, hidden, idle = (make_institution() for _ in range(4))
    plan, draft = make_plan(), make_plan(published=False)
    statuses = (MilestoneStatus.FINISHED, MilestoneStatus.STUCK, MilestoneStatus.NOT_REPORTED)
    first = make_commitment(plan, milestones=3, statuses=statuses, lead=lead)
    CommitmentInstitution.objects.create(
        commitment=first, institution=supporter, role=CommitmentInstitution.Role.SUPPORTING
    )
    make_commitment(plan, milestones=2, lead=supporter)
    make_commitment(plan, milestones=2, lead=hidden, published=False)
    make_commitment(draft, milestones=1, lead=hidden)
    make_milestone(first, number=4, end=None)
    ids = [lead.pk, supporter.pk, hidden.pk, idle.pk]
    together = count_institutions(ids)
    everything = count_everything()  # the drift check's own count of every row
    assert together == {pk: everything[(INSTITUTION, pk)] for pk in ids}
    assert (together[lead.pk]["n_led"], together[supporter.pk]["n_supported"]) == (1, 1)
    assert together[supporter.pk]["n_milestones"] == 6  # its two commitments' milestones
    assert together[hidden.pk]["n_milestones"] == 0  # nothing public
    draft.status = ActionPlan.Status.PUBLISHED  # recounts the institutions together
    draft.save()
    assert rollup("institution", hidden).n_led == 1
    assert_no_drift()
