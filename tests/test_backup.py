"""The backup round trip: restore into an empty database and storage, and everything is back."""

import re
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython
from django.test import Client

from commitments.models import Comment, MilestoneUpdate
from commitments.services import change_milestone_status
from plans.models import Document, OGPValue
from reports.models import Attachment
from tests import factories as f
from tests.reports import files

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = [
    "/en/members/mexico-state/",
    "/en/plans/action-plan-2021/",
    "/en/commitments/MXMEX0009/",
    "/es/commitments/MXMEX0009/",
    "/en/institutions/infoem/",
    "/en/feeds/updates/",
    "/api/v1/milestone-updates/",
    "/api/v1/documents/",
    "/data/milestones.csv",
]


@pytest.fixture
def roots(settings, tmp_path):
    def point_at(name):
        settings.MEDIA_ROOT = tmp_path / name / "media"
        settings.PRIVATE_MEDIA_ROOT = tmp_path / name / "private-media"

    point_at("before")
    return point_at


def _portal():
    member = f.make_member(name="Mexico State", slug="mexico-state")
    plan = f.make_plan(member, title="Action plan 2021", slug="action-plan-2021")
    institution = f.make_institution(name="INFOEM", slug="infoem")
    implementer = f.make_implementer(institution, username="infoem-staff")
    commitment = f.make_commitment(
        plan, milestones=2, lead=institution, ogp_id="MXMEX0009", title_es="Justicia abierta"
    )
    milestone = commitment.milestones.get(number=1)
    for status in ("in_progress", "finished"):
        change_milestone_status(
            milestone=milestone, new_status=status, by=implementer, note=f"Now {status}."
        )
    document = Document.objects.create(
        title="Minutes",
        member=member,
        commitment=commitment,
        year=2022,
        file=ContentFile(files.PDF, name="minutes.pdf"),
    )
    report = f.make_end_of_commitment_report(commitment, evaluators=[f.make_evaluator("eva")])
    attachment = Attachment.objects.create(
        report=report,
        file=files.pdf("study.pdf"),
        original_name="study.pdf",
        content_type="application/pdf",
        size=len(files.PDF),
    )
    Comment.objects.create(
        target=commitment,
        name="Ana",
        email="ana@example.org",
        text="Thanks.",
        status="approved",
    )
    return document, attachment


def _freshly_migrated() -> None:
    """Empty every table, then run the migrations' data steps (groups, vocabularies, scales)."""
    call_command("flush", interactive=False, verbosity=0)
    loader = MigrationLoader(connection)
    editor = connection.schema_editor()
    # Some data steps set models_module on the app configs they are given (historical ones in
    # a real migrate); here they get the live registry, which must keep its own.
    modules = {config.label: config.models_module for config in global_apps.get_app_configs()}
    try:
        for key in [key for key in _plan(loader) if key[0] in {"plans", "commitments", "reports"}]:
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    try:
                        with transaction.atomic():
                            operation.code(global_apps, editor)
                    except DatabaseError:
                        pass  # SQL objects (search triggers) that flush leaves in place
    finally:
        for config in global_apps.get_app_configs():
            config.models_module = modules[config.label]
    assert OGPValue.objects.exists()


def _plan(loader) -> list[tuple[str, str]]:
    plan: list[tuple[str, str]] = []
    for leaf in loader.graph.leaf_nodes():
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    return plan


def _snapshot(client) -> dict[str, bytes]:
    pages = {}
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        # The only thing that differs between two renderings: the CSRF token of the forms.
        content = b"".join(response.streaming_content) if response.streaming else response.content
        pages[url] = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return pages


def _download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def test_a_backup_restored_into_an_empty_portal_brings_back_every_page_file_and_entry(
    roots, tmp_path, secretariat
):
    document, attachment = _portal()
    client, staff = Client(), Client()
    staff.force_login(secretariat)
    before = _snapshot(client)
    updates = list(MilestoneUpdate.objects.order_by("pk").values())
    files_before = {
        document.link: _download(client, document.link),
        attachment.get_absolute_url(): _download(staff, attachment.get_absolute_url()),
    }

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=StringIO())
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert {"manifest.json", "data.xml"} <= set(names)
    assert any(name.startswith("files/private-media/documents/") for name in names)

    # An empty database, as migrate leaves it, and empty storage.
    _freshly_migrated()
    roots("after")
    assert Client().get("/en/members/mexico-state/").status_code == 404

    call_command("restore", str(archive), stdout=StringIO())

    assert _snapshot(Client()) == before
    assert list(MilestoneUpdate.objects.order_by("pk").values()) == updates
    staff = Client()
    staff.force_login(type(secretariat).objects.get(username="secretariat"))
    assert _download(Client(), document.link) == files_before[document.link]
    url = attachment.get_absolute_url()
    assert _download(staff, url) == files_before[url]
    # Users, their groups and passwords are back: the implementer can sign in and work.
    assert type(secretariat).objects.get(username="infoem-staff").check_password("pw")


def test_restore_refuses_a_portal_with_content_and_changes_nothing(roots, tmp_path):
    _portal()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=StringIO())
    f.make_member(name="Added later", slug="added-later")
    with pytest.raises(CommandError, match="already hold content"):
        call_command("restore", str(archive))
    assert Client().get("/en/members/added-later/").status_code == 200
    # --replace empties it first: the later member is gone, the backup is back.
    call_command("restore", str(archive), replace=True, stdout=StringIO())
    assert Client().get("/en/members/added-later/").status_code == 404
    assert Client().get("/en/members/mexico-state/").status_code == 200


def test_restore_refuses_what_is_not_a_backup(roots, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a backup archive"):
        call_command("restore", str(junk))
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        (tmp_path / "manifest.json").write_text('{"format": "something else"}')
        tar.add(tmp_path / "manifest.json", arcname="manifest.json")
    with pytest.raises(CommandError, match="not a backup archive"):
        call_command("restore", str(evil))


def test_restore_dry_run_reads_the_manifest_only(roots, tmp_path, capsys):
    _portal()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=StringIO())
    call_command("restore", str(archive), dry_run=True)
    assert "holds" in capsys.readouterr().out
    assert not Path(tmp_path / "after").exists()
