"""Unpublished material never reaches the public: documents, meetings, files, drafts."""

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from plans.models import Document, Forum, Meeting
from reports.models import Attachment
from tests import factories as f
from tests.reports import files

pytestmark = pytest.mark.django_db

SCRIPT_PDF = b"%PDF-1.4\n<script>alert(document.cookie)</script>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _file_roots(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member():
    return f.make_member(slug="mexico-state")


@pytest.fixture
def drafts(member):
    """A member with one public document and documents of a draft plan and of a draft commitment."""
    draft_plan = f.make_plan(member, published=False, slug="draft-plan")
    hidden_commitment = f.make_commitment(f.make_plan(member), published=False)
    public = Document.objects.create(title="Public letter", member=member, year=2022)
    of_draft_plan = Document.objects.create(
        title="Draft plan annex", member=member, action_plan=draft_plan, year=2022
    )
    of_hidden_commitment = Document.objects.create(
        title="Unpublished commitment study",
        member=member,
        commitment=hidden_commitment,
        year=2022,
        file=ContentFile(files.PDF, name="study.pdf"),
    )
    return public, of_draft_plan, of_hidden_commitment


def test_one_queryset_method_says_which_documents_are_published(drafts):
    public, of_draft_plan, of_hidden_commitment = drafts
    assert list(Document.objects.published()) == [public]


def test_the_member_page_lists_no_document_of_drafts_for_the_public(client, drafts):
    response = client.get("/en/members/mexico-state/")
    assert response.status_code == 200
    assert b"Public letter" in response.content
    assert b"Draft plan annex" not in response.content
    assert b"Unpublished commitment study" not in response.content


@pytest.mark.parametrize("persona", ["anonymous", "implementer", "evaluator"])
def test_nobody_but_the_secretariat_sees_drafts_on_public_pages(client, drafts, persona):
    if persona == "implementer":
        # Staff of an institution that leads the unpublished commitment: still not public.
        institution = f.make_institution()
        drafts[2].commitment.institution_roles.create(institution=institution, role="lead")
        client.force_login(f.make_implementer(institution))
    elif persona == "evaluator":
        client.force_login(f.make_evaluator())
    commitment = drafts[2].commitment
    assert client.get("/en/plans/draft-plan/").status_code == 404
    assert client.get(f"/en/commitments/{commitment.pk}/").status_code == 404
    assert b"Draft plan annex" not in client.get("/en/members/mexico-state/").content


def test_the_secretariat_sees_drafts_and_their_documents(client, drafts, secretariat):
    client.force_login(secretariat)
    assert client.get("/en/plans/draft-plan/").status_code == 200
    page = client.get("/en/members/mexico-state/").content
    assert b"Draft plan annex" in page
    assert b"Unpublished commitment study" in page


def test_meetings_of_draft_plans_stay_off_the_secretariat_page(client, member, secretariat):
    forum = Forum.objects.create(member=member, name="Local Technical Secretariat", slug="stl")
    draft_plan = f.make_plan(member, published=False)
    today = datetime.date(2022, 3, 1)
    Meeting.objects.create(forum=forum, title="Ordinary session", date=today, kind="ordinary")
    secret = Meeting.objects.create(
        forum=forum,
        title="Co-creation of the draft",
        date=today,
        kind="ordinary",
        action_plan=draft_plan,
    )
    Document.objects.create(title="Draft minutes", meeting=secret)
    page = client.get("/en/secretariat/stl/").content
    assert b"Ordinary session" in page
    assert b"Co-creation of the draft" not in page
    assert b"Draft minutes" not in page
    assert list(Meeting.objects.published()) == [Meeting.objects.get(title="Ordinary session")]
    client.force_login(secretariat)
    page = client.get("/en/secretariat/stl/").content
    assert b"Co-creation of the draft" in page
    assert b"Draft minutes" in page


def test_the_api_and_the_pages_apply_the_same_rule(client, drafts):
    titles = {row["title"] for row in client.get("/api/v1/documents/").json()["results"]}
    assert titles == {"Public letter"}


def test_uploaded_documents_are_private_files_served_by_the_portal(client, settings):
    document = Document.objects.create(
        title="Minutes", member=f.make_member(), file=ContentFile(SCRIPT_PDF, name="minutes.pdf")
    )
    stored = Path(document.file.path)
    assert Path(settings.PRIVATE_MEDIA_ROOT) in stored.parents
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    assert document.link == f"/files/documents/{document.pk}/"
    # No URL of the public media path reaches it, under any name.
    assert client.get(f"/media/{document.file.name}").status_code == 404
    response = client.get(document.link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SCRIPT_PDF
    # A PDF with a script is a download, never a page of the portal's origin.
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    api = client.get(f"/api/v1/documents/{document.pk}/").json()
    assert api["link"] == f"{settings.SITE_URL}/files/documents/{document.pk}/"


def test_a_document_of_a_draft_is_a_404_to_the_public_and_served_to_the_secretariat(
    client, drafts, secretariat
):
    hidden = drafts[2]
    assert client.get(hidden.link).status_code == 404
    client.force_login(f.make_implementer(f.make_institution()))
    assert client.get(hidden.link).status_code == 404
    client.force_login(secretariat)
    assert client.get(hidden.link).status_code == 200


def test_a_document_without_a_file_or_with_a_lost_file_is_a_404(client, drafts):
    public = drafts[0]
    assert client.get(f"/files/documents/{public.pk}/").status_code == 404
    Document.objects.filter(pk=public.pk).update(file="documents/2022/lost.pdf")
    assert client.get(f"/files/documents/{public.pk}/").status_code == 404
    assert client.get("/files/documents/999999/").status_code == 404


def test_the_migration_moves_existing_files_out_of_the_public_media(settings, transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate([("plans", "0007_documents_in_private_storage")])
    public = FileSystemStorage(location=settings.MEDIA_ROOT)
    name = public.save("documents/2021/plan.pdf", ContentFile(files.PDF))
    old_apps = executor.loader.project_state(("plans", "0007_documents_in_private_storage")).apps
    old_apps.get_model("plans", "Document").objects.create(title="Plan", file=name)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    document = Document.objects.get(file=name)
    assert document.file.name == name
    assert document.file.read() == files.PDF
    assert not public.exists(name)


# Evaluator attachments: the workspace's rule


@pytest.fixture
def attached(evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    item = Attachment.objects.create(
        report=report,
        file=files.pdf("study.pdf"),
        original_name="study.pdf",
        content_type="application/pdf",
        size=len(files.PDF),
    )
    return report, item


def test_an_assigned_evaluator_reads_the_workspace_and_its_files(client, attached, evaluator):
    report, item = attached
    client.force_login(evaluator)
    assert client.get(report.get_workspace_url()).status_code == 200
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_evaluator_removed_from_the_group_loses_workspace_and_files(client, attached, evaluator):
    report, item = attached
    evaluator.groups.clear()
    client.force_login(evaluator)
    assert client.get(report.get_workspace_url()).status_code == 404
    assert client.get(item.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/admin/plans/document/{pk}/change/",
        "/admin/plans/document/",
        "/admin/plans/member/{member}/change/",
    ],
)
def test_the_admin_shows_a_documents_file_by_its_portal_address(client, secretariat, path):
    document = Document.objects.create(
        title="Minutes", member=f.make_member(), file=ContentFile(SCRIPT_PDF, name="minutes.pdf")
    )
    client.force_login(secretariat)
    response = client.get(path.format(pk=document.pk, member=document.member_id))
    assert response.status_code == 200
    if "/document/" in path and "change" in path:
        assert f'href="/files/documents/{document.pk}/"' in response.content.decode()
