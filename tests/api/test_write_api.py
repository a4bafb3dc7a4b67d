import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commitments.models import MilestoneStatus, MilestoneUpdate
from tests import factories

pytestmark = pytest.mark.django_db

BODY = {
    "status": "finished",
    "note": "Se publicó el portal",
    "evidence": [{"title": "Portal", "url": "https://example.org/portal"}],
}


@pytest.fixture
def ours(institution):
    """A published commitment led by the implementer's institution."""
    commitment = factories.make_commitment(ogp_id="MXMEX0009", milestones=2, lead=institution)
    return commitment.milestones.get(number=1)


@pytest.fixture
def theirs():
    """A published commitment of another institution."""
    other = factories.make_institution(name="Otra institución")
    commitment = factories.make_commitment(ogp_id="MXMEX0010", milestones=1, lead=other)
    return commitment.milestones.get()


@pytest.fixture
def api():
    return APIClient()


def patch(api, milestone, body=BODY, **extra):
    return api.patch(f"/api/v1/milestones/{milestone.pk}/", body, format="json", **extra)


def unchanged(milestone) -> bool:
    milestone.refresh_from_db()
    return milestone.status == MilestoneStatus.NOT_REPORTED and not milestone.updates.exists()


def test_anonymous_cannot_change_a_status(api, ours):
    response = patch(api, ours)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert unchanged(ours)


def test_implementer_changes_its_institutions_milestone_through_the_service(
    api, implementer, institution, ours
):
    api.force_authenticate(implementer)
    response = patch(api, ours)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"], body["commitment"]) == (ours.pk, "finished", "MXMEX0009")
    assert body["last_update"] is not None
    ours.refresh_from_db()
    assert ours.status == MilestoneStatus.FINISHED
    update = MilestoneUpdate.objects.get(milestone=ours)
    assert (update.old_status, update.new_status, update.note) == (
        "not_reported",
        "finished",
        "Se publicó el portal",
    )
    assert (update.author, update.author_institution) == (implementer, institution)
    assert [(e.title, e.url) for e in update.evidence.all()] == [
        ("Portal", "https://example.org/portal")
    ]


def test_implementer_of_another_institution_is_forbidden(api, implementer, theirs):
    api.force_authenticate(implementer)
    response = patch(api, theirs)
    assert response.status_code == 403
    assert response.json()["error"] == {
        "status": 403,
        "code": "permission_denied",
        "message": "You may not update this milestone.",
        "fields": {},
    }
    assert unchanged(theirs)


def test_an_evaluator_gets_404_for_an_unpublished_milestone_and_403_for_a_published_one(
    api, evaluator, theirs
):
    hidden = factories.make_commitment(milestones=1, published=False).milestones.get()
    api.force_authenticate(evaluator)
    assert patch(api, hidden).status_code == 404
    assert patch(api, theirs).status_code == 403
    assert unchanged(hidden) and unchanged(theirs)


def test_staff_implementer_may_change_its_unpublished_milestone(api, implementer, institution):
    draft = factories.make_commitment(milestones=1, published=False, lead=institution)
    api.force_authenticate(implementer)
    assert patch(api, draft.milestones.get()).status_code == 200


def test_secretariat_changes_any_milestone_with_a_token(api, secretariat, ours, theirs):
    token = Token.objects.create(user=secretariat)
    for milestone in (ours, theirs):
        response = patch(api, milestone, HTTP_AUTHORIZATION=f"Token {token.key}")
        assert response.status_code == 200
        milestone.refresh_from_db()
        assert milestone.status == MilestoneStatus.FINISHED
    assert MilestoneUpdate.objects.filter(author=secretariat).count() == 2


def test_the_same_status_again_with_a_note_files_a_progress_report(api, secretariat, ours):
    api.force_authenticate(secretariat)
    patch(api, ours)
    assert patch(api, ours).status_code == 200
    assert list(ours.updates.order_by("pk").values_list("kind", flat=True)) == [
        "status_change",
        "progress_report",
    ]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"status": "done", "note": "x"}, ["status"]),
        ({}, ["note"]),
        ({"status": "finished"}, ["note"]),
        (
            {"status": "finished", "note": "x", "evidence": [{"url": "not a link"}]},
            ["evidence.0.url"],
        ),
        (
            {"status": "finished", "note": "x", "evidence": [{"url": "ftp://example.org/x"}]},
            ["evidence.0.url"],
        ),
        ({"status": "finished", "note": "x", "evidence": "https://example.org"}, ["evidence"]),
        ({"status": "finished", "note": "x" * 5001}, ["note"]),
        ({"note": "x", "happened_on": "15/04/2022"}, ["happened_on"]),
        ({"note": "x", "corrects": "first"}, ["corrects"]),
    ],
)
def test_bad_bodies_are_400_naming_the_field_and_change_nothing(
    api, secretariat, ours, body, fields
):
    api.force_authenticate(secretariat)
    response = patch(api, ours, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert sorted(error["fields"]) == fields
    assert unchanged(ours)


def test_session_authentication_requires_the_csrf_token(implementer, ours):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(implementer)
    refused = patch(api, ours)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]
    assert unchanged(ours)
    api.get("/api/v1/milestones/")  # any page sets the CSRF cookie for the session
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    api.cookies["csrftoken"] = secret
    accepted = patch(api, ours, HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret))
    assert accepted.status_code == 200


def test_only_json_and_multipart_bodies_are_accepted(api, secretariat, ours):
    api.force_authenticate(secretariat)
    response = api.patch(
        f"/api/v1/milestones/{ours.pk}/",
        "status=finished&note=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert unchanged(ours)


def test_secretariat_group_may_manage_api_tokens_in_the_admin(client, secretariat):
    assert secretariat.has_perm("authtoken.add_tokenproxy")
    assert secretariat.has_perm("authtoken.delete_tokenproxy")
    client.force_login(secretariat)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 200
