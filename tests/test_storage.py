"""Uploaded files live in the storages of settings.STORAGES: local disk, or a private bucket."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from storages.backends.s3 import S3Storage

from commitments.models import EvidenceFile
from commitments.services import record_milestone_update
from dataimport.models import ImportJob
from plans.models import Document
from portal.models import SiteSettings
from reports.models import Attachment
from tests import factories as f
from tests.reports import files

pytestmark = pytest.mark.django_db

# Every uploaded file's field, and the storage alias (the bucket's key prefix) it belongs to.
FIELDS = [
    (Document, "file", "private"),
    (EvidenceFile, "file", "private"),
    (Attachment, "file", "private"),
    (ImportJob, "commitments_file", "imports"),
    (ImportJob, "milestones_file", "imports"),
    (SiteSettings, "logo", "public"),
]


def storage_of(model, field):
    return model._meta.get_field(field).storage


def configured_storages(monkeypatch, **environ) -> dict:
    """``STORAGES`` as ``ogptracker/settings.py`` builds it from ``environ``."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(django_settings.BASE_DIR) / "ogptracker" / "settings.py"))[
        "STORAGES"
    ]


@pytest.fixture
def bucket(settings, monkeypatch):
    settings.STORAGES = configured_storages(
        monkeypatch,
        AWS_STORAGE_BUCKET_NAME="ogp-files",
        AWS_S3_ENDPOINT_URL="https://objects.example.org",
        AWS_S3_REGION_NAME="us-east-1",
    )


@pytest.fixture
def in_memory(settings):
    """Files kept by a storage with no path on disk, as a bucket: what reads them must open them
    through the storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "public": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return storages


@pytest.mark.parametrize(("model", "field", "alias"), FIELDS)
def test_with_a_bucket_every_upload_is_a_private_key_under_its_kind_prefix(
    bucket, model, field, alias
):
    storage = storage_of(model, field)
    assert isinstance(storage, S3Storage)  # built without a request: nothing is uploaded
    assert storage.bucket_name == "ogp-files"
    assert storage.endpoint_url == "https://objects.example.org"
    assert storage.location == alias
    assert storage.default_acl == "private"
    assert storage.file_overwrite is False


@pytest.mark.parametrize(
    ("model", "field"), [(m, f) for m, f, alias in FIELDS if alias != "public"]
)
def test_files_in_the_bucket_get_no_address_of_their_own(bucket, model, field):
    with pytest.raises(ValueError):
        storage_of(model, field).url("documents/2024/minutes.pdf")


def test_the_logo_in_the_bucket_is_addressed_through_the_portal(bucket):
    address = storage_of(SiteSettings, "logo").url("portal/logo.png")
    assert address.startswith("/files/logo/")


def test_without_a_bucket_files_stay_on_local_disk_out_of_public_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.MEDIA_ROOT = tmp_path / "media"
    for model, field, alias in FIELDS:
        storage = storage_of(model, field)
        assert isinstance(storage, FileSystemStorage)
        assert not isinstance(storage, S3Storage)
        expected = {
            "private": tmp_path / "private-media",
            "imports": tmp_path / "private-media" / "imports",
            "public": tmp_path / "media",
        }[alias]
        assert Path(storage.location) == expected, (model, field)


def test_the_settings_without_a_bucket_name_no_s3_storage(monkeypatch):
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    configured = configured_storages(monkeypatch)
    assert all("s3" not in entry["BACKEND"] for entry in configured.values())
    assert configured["private"]["BACKEND"] == "ogptracker.storage.PrivateStorage"


def test_documents_are_read_through_the_storage_not_a_path(client, in_memory):
    document = Document.objects.create(
        title="Minutes", member=f.make_member(), file=ContentFile(files.PDF, name="minutes.pdf")
    )
    assert in_memory["private"].exists(document.file.name)
    response = client.get(f"/files/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF


def test_evidence_is_read_through_the_storage_not_a_path(
    client, in_memory, implementer, institution
):
    commitment = f.make_commitment(milestones=1, lead=institution)
    update = record_milestone_update(
        milestone=commitment.milestones.get(),
        by=implementer,
        note="Minutes",
        files=[files.upload("acta.pdf", files.PDF)],
    )
    item = update.files.get()
    assert in_memory["private"].exists(item.file.name)
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF


def test_report_attachments_are_read_through_the_storage_not_a_path(client, in_memory, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    item = Attachment.objects.create(
        report=report,
        file=ContentFile(files.PDF, name="estudio.pdf"),
        original_name="estudio.pdf",
        content_type="application/pdf",
        size=len(files.PDF),
        uploaded_by=evaluator,
    )
    assert in_memory["private"].exists(item.file.name)
    client.force_login(evaluator)
    response = client.get(f"/en/reports/end-of-commitment/{report.pk}/files/{item.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF
