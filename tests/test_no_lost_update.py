"""Two editors, one row: the second save never silently reverts the first (admin and API)."""

import datetime
import threading
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.db import close_old_connections, connection
from django.test import Client
from django.utils.http import http_date
from rest_framework.test import APIClient

from commitments.models import Commitment, Milestone, MilestoneUpdate
from plans.models import ActionPlan, Document, Institution, Meeting, Member
from tests import factories as f


class _FormReader(HTMLParser):
    """The fields a browser would post from the admin's change form, as it would fill them."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select: str | None = None
        self.select_multiple = False
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self.in_form = True
        if not self.in_form or attrs.get("name") is None and tag != "option":
            return
        name = attrs.get("name")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.data.setdefault(name, []).append(attrs.get("value") or default)
        elif tag == "select":
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select].append(attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += (
                data.removeprefix("\n") if not self.data[self.textarea][0] else data
            )


def change_form(client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    reader = _FormReader()
    reader.feed(response.content.decode())
    assert "_version" in reader.data
    return reader.data


def editor(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows():
    member = f.make_member(name="Mexico State")
    plan = f.make_plan(member, title="Action plan 2021")
    commitment = f.make_commitment(plan, milestones=2, title="Open justice")
    milestone = commitment.milestones.get(number=1)
    meeting = Meeting.objects.create(
        title="Ordinary session", date=datetime.date(2022, 2, 1), kind="ordinary"
    )
    document = Document.objects.create(title="Minutes", member=member)
    institution = f.make_institution(name="Instituto Electoral")
    return {
        "milestone": (milestone, "title_en"),
        "commitment": (commitment, "title_en"),
        "actionplan": (plan, "title_en"),
        "member": (member, "name_en"),
        "institution": (institution, "name"),
        "document": (document, "title_en"),
        "meeting": (meeting, "title_en"),
    }


MODELS = {
    "milestone": "commitments",
    "commitment": "commitments",
    "actionplan": "plans",
    "member": "plans",
    "institution": "plans",
    "document": "plans",
    "meeting": "plans",
}


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(MODELS))
def test_the_second_of_two_admin_editors_gets_a_conflict_with_its_input_kept(model):
    obj, field = _rows()[model]
    url = f"/admin/{MODELS[model]}/{model}/{obj.pk}/change/"
    first, second = editor(f.make_secretariat()), editor(f.make_secretariat())
    form_of_first, form_of_second = change_form(first, url), change_form(second, url)

    response = first.post(url, {**form_of_first, field: ["First editor's text"]})
    assert response.status_code == 302, response.content.decode()[:3000]

    response = second.post(url, {**form_of_second, field: ["Second editor's text"]})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this" in page
    assert "Second editor&#x27;s text" in page  # the input is kept in the form
    obj.refresh_from_db()
    assert getattr(obj, field) == "First editor's text"

    # Reloaded, the second editor sees the first one's text and may save over it.
    again = change_form(second, url)
    assert again[field][-1] == "First editor's text"
    assert second.post(url, {**again, field: ["Second editor's text"]}).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == "Second editor's text"


@pytest.mark.django_db
def test_a_status_change_by_an_implementer_is_a_conflict_for_an_open_milestone_form(
    implementer, institution
):
    commitment = f.make_commitment(milestones=1, lead=institution)
    milestone = commitment.milestones.get()
    url = f"/admin/commitments/milestone/{milestone.pk}/change/"
    secretariat = editor(f.make_secretariat())
    form = change_form(secretariat, url)
    api = APIClient()
    api.force_authenticate(implementer)
    body = {"status": "in_progress", "note": "Work started."}
    assert api.patch(f"/api/v1/milestones/{milestone.pk}/", body, format="json").status_code == 200
    response = secretariat.post(url, {**form, "title_en": ["Renamed"]})
    assert response.status_code == 409
    milestone.refresh_from_db()
    assert milestone.status == "in_progress"
    assert milestone.title_en != "Renamed"


@pytest.mark.django_db
def test_an_edit_of_a_commitment_inline_milestone_is_a_conflict_for_the_commitment_form():
    commitment = f.make_commitment(milestones=1)
    url = f"/admin/commitments/commitment/{commitment.pk}/change/"
    first, second = editor(f.make_secretariat()), editor(f.make_secretariat())
    form_of_second = change_form(second, url)
    Milestone.objects.filter(commitment=commitment).update(title_en="Changed elsewhere")
    assert second.post(url, form_of_second).status_code == 409
    assert commitment.milestones.get().title_en == "Changed elsewhere"
    assert first  # the first editor's change came by another path


# API


def patch(api, milestone, headers=None, **body):
    body = {"status": "in_progress", "note": "Started.", **body}
    return api.patch(
        f"/api/v1/milestones/{milestone.pk}/", body, format="json", headers=headers or {}
    )


@pytest.fixture
def milestone(institution):
    return f.make_commitment(milestones=1, lead=institution).milestones.get()


@pytest.fixture
def api(implementer):
    client = APIClient()
    client.force_authenticate(implementer)
    return client


@pytest.mark.django_db
def test_an_api_write_naming_a_stale_etag_gets_a_409_and_changes_nothing(api, milestone):
    read = api.get(f"/api/v1/milestones/{milestone.pk}/")
    etag = read["ETag"]
    other = APIClient()
    other.force_authenticate(f.make_secretariat())
    first = patch(other, milestone, {"If-Match": etag}, status="stuck", note="Blocked.")
    assert first.status_code == 200
    assert first["ETag"] != etag

    response = patch(api, milestone, {"If-Match": etag})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    milestone.refresh_from_db()
    assert milestone.status == "stuck"
    assert MilestoneUpdate.objects.filter(milestone=milestone).count() == 1

    fresh = api.get(f"/api/v1/milestones/{milestone.pk}/")["ETag"]
    assert patch(api, milestone, {"If-Match": fresh}).status_code == 200


@pytest.mark.django_db
def test_an_api_write_naming_a_stale_updated_at_gets_a_409(api, milestone):
    seen = api.get(f"/api/v1/milestones/{milestone.pk}/").json()["updated_at"]
    assert patch(api, milestone, updated_at=seen, status="stuck").status_code == 200
    response = patch(api, milestone, updated_at=seen)
    assert response.status_code == 409
    milestone.refresh_from_db()
    assert milestone.status == "stuck"


@pytest.mark.django_db
def test_if_unmodified_since_is_checked_and_a_bad_date_is_a_400(api, milestone):
    long_ago = http_date(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC).timestamp())
    assert patch(api, milestone, {"If-Unmodified-Since": long_ago}).status_code == 409
    response = patch(api, milestone, {"If-Unmodified-Since": "yesterday"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    now = http_date()
    assert patch(api, milestone, {"If-Unmodified-Since": now}).status_code == 200


@pytest.mark.django_db
def test_an_api_write_naming_no_version_is_applied(api, milestone):
    assert patch(api, milestone).status_code == 200


@pytest.mark.django_db
def test_an_implementer_patches_its_own_unpublished_milestone_but_not_another(api, institution):
    own = f.make_commitment(milestones=1, published=False, lead=institution).milestones.get()
    other = f.make_commitment(milestones=1, published=False).milestones.get()
    assert patch(api, own).status_code == 200
    assert patch(api, other).status_code == 404  # not visible to it, so not there


# SQLite under concurrent writes


def _concurrently(count: int, work) -> list:
    results: list = [None] * count
    barrier = threading.Barrier(count)

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def seeded_groups():
    """The role groups the migrations seed, back when an earlier transactional test emptied the
    database (SQLite's serialized copy does not survive between test runs)."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    if not Group.objects.exists():
        import_module("plans.migrations.0002_roles").create_groups(apps, None)
        import_module("plans.migrations.0004_secretariat_token_permissions").grant(apps, None)
        import_module("reports.migrations.0003_secretariat_permissions").grant(apps, None)
        import_module("notifications.migrations.0002_secretariat_permissions").grant(apps, None)


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_concurrent_api_writes_wait_or_conflict_never_fail(seeded_groups):
    if connection.vendor == "sqlite":  # a file in WAL mode, as the portal runs it
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    institution = f.make_institution()
    user = f.make_implementer(institution)
    milestones = list(f.make_commitment(milestones=10, lead=institution).milestones.all())
    statuses = ["in_progress", "stuck"]

    def work(index):
        api = APIClient()
        api.force_authenticate(User.objects.get(pk=user.pk))
        # Half on one milestone (they race), half each on its own.
        target = milestones[0] if index % 2 else milestones[index]
        return patch(api, target, status=statuses[index % 2], note=f"Change {index}").status_code

    codes = _concurrently(10, work)
    assert set(codes) <= {200, 409}, codes
    assert codes.count(200) >= 5


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_concurrent_admin_saves_wait_or_conflict_never_fail(
    seeded_groups,
):
    commitment = f.make_commitment(milestones=1)
    url = f"/admin/commitments/commitment/{commitment.pk}/change/"
    user = f.make_secretariat()
    form = change_form(editor(user), url)

    def work(index):
        return (
            editor(User.objects.get(pk=user.pk))
            .post(url, {**form, "title_en": [f"Title {index}"]})
            .status_code
        )

    codes = _concurrently(10, work)
    # One save wins; the others name the version it replaced.
    assert sorted(codes) == [302] + [409] * 9, codes
    assert Commitment.objects.get().title_en.startswith("Title ")
    assert ActionPlan.objects.count() == Member.objects.count() == 1
    assert Institution.objects.count() == 0
