"""Evidence files through the API: ``PATCH /api/v1/milestones/{id}/`` as multipart/form-data.

The files go through the same service and the same checks as the admin's; a refused file means
no entry and nothing stored."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commitments.models import EvidenceFile, MilestoneStatus, MilestoneUpdate
from ogptracker.uploads import PrivateStorage
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
CSV = "Hito,Avance\nPortal,100 %\n".encode("cp1252")


def docx() -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return data.getvalue()


def upload(name: str, content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings.PRIVATE_MEDIA_ROOT


def stored(root: Path) -> list[Path]:
    """Every file in private storage."""
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def ours(institution):
    """A milestone of a published commitment led by the implementer's institution."""
    commitment = factories.make_commitment(ogp_id="MXMEX0009", milestones=1, lead=institution)
    return commitment.milestones.get()


@pytest.fixture
def theirs():
    """A milestone of a published commitment of another institution."""
    other = factories.make_institution(name="Otra institución")
    commitment = factories.make_commitment(ogp_id="MXMEX0010", milestones=1, lead=other)
    return commitment.milestones.get()


@pytest.fixture
def api():
    return APIClient()


def send(api, milestone, **fields):
    return api.patch(f"/api/v1/milestones/{milestone.pk}/", fields, format="multipart")


def unchanged(milestone, root: Path) -> bool:
    """No entry, no status change, no file row and nothing in storage."""
    milestone.refresh_from_db()
    return (
        milestone.status == MilestoneStatus.NOT_REPORTED
        and not MilestoneUpdate.objects.filter(milestone=milestone).exists()
        and not EvidenceFile.objects.exists()
        and stored(root) == []
    )


# Accepted ------------------------------------------------------------------------------------


def test_implementer_attaches_a_file_to_a_status_change(
    api, implementer, institution, ours, private_media
):
    api.force_authenticate(implementer)
    response = send(
        api,
        ours,
        status="finished",
        note="Se publicó el portal",
        files=[upload("../../Acta  de\x00 cierre.pdf")],
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "finished"
    ours.refresh_from_db()
    assert ours.status == MilestoneStatus.FINISHED
    update = MilestoneUpdate.objects.get(milestone=ours)
    assert (update.kind, update.old_status, update.new_status) == (
        "status_change",
        "not_reported",
        "finished",
    )
    assert (update.author, update.author_institution) == (implementer, institution)
    item = update.files.get()
    assert (item.original_name, item.content_type, item.size) == (
        "Acta de cierre.pdf",
        "application/pdf",
        len(PDF),
    )
    assert [path.read_bytes() for path in stored(private_media)] == [PDF]
    assert "cierre" not in item.file.name  # stored under a name of the portal's own


def test_several_files_and_links_with_a_progress_report_are_listed_with_their_addresses(
    api, implementer, ours, private_media
):
    api.force_authenticate(implementer)
    files = [
        upload("acta.pdf"),
        upload("foto.png", PNG),
        upload("informe.docx", docx()),
        upload("avance.csv", CSV),
        upload("minuta.pdf"),
    ]
    response = send(
        api,
        ours,
        note="Avance: se instaló la mesa",
        happened_on="2022-03-15",
        evidence=["Minuta | https://example.org/minuta", "https://example.org/video"],
        files=files,
    )
    assert response.status_code == 200, response.content
    update = MilestoneUpdate.objects.get(milestone=ours)
    assert (update.kind, update.new_status, str(update.happened_on)) == (
        "progress_report",
        "not_reported",
        "2022-03-15",
    )
    assert [(link.title, link.url) for link in update.evidence.all()] == [
        ("Minuta", "https://example.org/minuta"),
        ("", "https://example.org/video"),
    ]
    assert len(stored(private_media)) == 5

    history = Client().get(f"/api/v1/milestone-updates/?milestone={ours.pk}").json()
    (entry,) = history["results"]
    assert [(f["name"], f["content_type"], f["size"]) for f in entry["files"]] == [
        ("acta.pdf", "application/pdf", len(PDF)),
        ("foto.png", "image/png", len(PNG)),
        (
            "informe.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            len(docx()),
        ),
        ("avance.csv", "text/csv", len(CSV)),
        ("minuta.pdf", "application/pdf", len(PDF)),
    ]
    first = entry["files"][0]["url"]
    assert first == f"http://testserver/en/evidence/{update.pk}/{update.files.first().pk}/"
    download = Client().get(first)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="acta.pdf"')
    assert b"".join(download.streaming_content) == PDF
    assert (
        Client().get(f"/api/v1/milestone-updates/{update.pk}/").json()["files"] == (entry["files"])
    )


def test_a_correction_may_carry_files_too(api, secretariat, ours):
    api.force_authenticate(secretariat)
    assert send(api, ours, status="stuck", note="Sin presupuesto").status_code == 200
    first = ours.updates.get()
    response = send(
        api,
        ours,
        status="in_progress",
        note="No estaba estancado: hay contrato",
        corrects=str(first.pk),
        files=[upload("contrato.pdf")],
    )
    assert response.status_code == 200, response.content
    correction = ours.updates.get(kind="correction")
    assert correction.corrects == first
    assert [f.original_name for f in correction.files.all()] == ["contrato.pdf"]


def test_the_secretariat_attaches_files_with_a_token_to_any_milestone(
    api, secretariat, ours, theirs
):
    token = Token.objects.create(user=secretariat)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for milestone in (ours, theirs):
        response = send(api, milestone, note="Acta de la sesión", files=[upload("acta.pdf")])
        assert response.status_code == 200, response.content
    assert EvidenceFile.objects.filter(update__author=secretariat).count() == 2


# Refused: each case leaves the database and the storage as they were -----------------------


TOO_BIG = PDF + b"0" * (10 * 1024 * 1024)


@pytest.mark.parametrize(
    ("files", "messages"),
    [
        pytest.param(
            [upload("grande.pdf", TOO_BIG)],
            ["“grande.pdf” is 10.0\xa0MB; each file may be at most 10.0\xa0MB."],
            id="too-large",
        ),
        pytest.param(
            [upload(f"acta{i}.pdf") for i in range(6)],
            ["Attach at most 5 files to one entry; 6 were sent."],
            id="too-many",
        ),
        pytest.param(
            [upload("setup.exe", EXE)],
            [
                "“setup.exe” is not an accepted type. Attach PDF, images (PNG, JPEG, GIF, WebP), "
                "office documents (Word, Excel, PowerPoint, OpenDocument) or plain text (TXT, CSV)."
            ],
            id="type-not-allowed",
        ),
        pytest.param(
            [upload("informe.pdf", EXE)],
            [
                "“informe.pdf” does not contain what its name says (a .pdf file): it is a program, "
                "and programs are not accepted."
            ],
            id="renamed-executable",
        ),
        pytest.param(
            [upload("grafica.svg", SVG)],
            [
                "“grafica.svg” is not an accepted type: an SVG image can carry script. Attach it "
                "as PNG or PDF."
            ],
            id="svg",
        ),
        pytest.param(
            [upload("grafica.png", SVG)],
            [
                "“grafica.png” does not contain what its name says (a .png file): it holds web "
                "markup or script (such as SVG or HTML), which is not accepted."
            ],
            id="svg-with-script-renamed",
        ),
        pytest.param(
            [upload("foto.pdf", PNG)],
            ["“foto.pdf” does not contain what its name says (a .pdf file)."],
            id="other-content",
        ),
        pytest.param(
            [upload("acta.pdf"), upload("informe.pdf", EXE), upload("notas.txt", SVG)],
            [
                "“informe.pdf” does not contain what its name says (a .pdf file): it is a "
                "program, and programs are not accepted.",
                "“notas.txt” does not contain what its name says (a .txt file): it holds web "
                "markup or script (such as SVG or HTML), which is not accepted.",
            ],
            id="good-and-bad-together",
        ),
    ],
)
def test_a_refused_file_is_a_400_naming_it_and_nothing_is_written_or_stored(
    api, implementer, ours, private_media, files, messages
):
    api.force_authenticate(implementer)
    response = send(api, ours, status="finished", note="Terminado", files=files)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == {
        "status": 400,
        "code": "invalid",
        "message": "The request has invalid values; see “fields”.",
        "fields": {"files": messages},
    }
    assert unchanged(ours, private_media)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"status": "finished"}, ["note"]),
        # A text value where a file belongs (the parsed form lists text before files).
        ({"note": "Acta", "files": "no es un archivo"}, ["files.0"]),
        ({"note": "Acta", "evidence": "ftp://example.org/acta"}, ["evidence.0"]),
        ({"note": "Acta", "evidence": ["https://example.org", "Acta | no"]}, ["evidence.1"]),
        ({"note": "Acta", "status": "done"}, ["status"]),
        ({"note": "Acta", "happened_on": "15/03/2022"}, ["happened_on"]),
        ({"note": "Acta", "happened_on": "2999-01-01"}, ["happened_on"]),
        ({"note": "Acta", "corrects": "999999"}, ["corrects"]),
    ],
)
def test_bad_form_fields_are_400_naming_the_field_and_store_nothing(
    api, implementer, ours, private_media, fields, errors
):
    api.force_authenticate(implementer)
    fields = {
        **fields,
        "files": [upload("acta.pdf"), *([fields["files"]] if "files" in fields else [])],
    }
    response = send(api, ours, **fields)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert sorted(error["fields"]) == errors
    assert unchanged(ours, private_media)


def test_files_in_a_json_body_are_refused_rather_than_ignored(
    api, implementer, ours, private_media
):
    api.force_authenticate(implementer)
    response = api.patch(
        f"/api/v1/milestones/{ours.pk}/",
        {"note": "Acta", "files": ["JVBERi0xLjQK"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "files": [
            "Evidence files are sent as multipart/form-data, one “files” field per file, not in "
            "a JSON body."
        ]
    }
    assert unchanged(ours, private_media)


def test_a_file_sent_for_a_milestone_changed_since_it_was_read_is_a_409_and_not_stored(
    api, implementer, secretariat, ours, private_media
):
    api.force_authenticate(implementer)
    read = api.get(f"/api/v1/milestones/{ours.pk}/")
    api.force_authenticate(secretariat)
    assert send(api, ours, status="stuck", note="Sin presupuesto").status_code == 200
    api.force_authenticate(implementer)
    response = api.patch(
        f"/api/v1/milestones/{ours.pk}/",
        {"note": "Acta", "files": [upload("acta.pdf")]},
        format="multipart",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert ours.updates.count() == 1 and not EvidenceFile.objects.exists()
    assert stored(private_media) == []


def test_a_request_over_the_size_limit_is_a_413_before_any_file_is_read(
    api, implementer, ours, settings, private_media
):
    settings.MAX_REQUEST_BYTES = 64 * 1024
    api.force_authenticate(implementer)
    response = send(api, ours, note="Acta", files=[upload("acta.pdf", PDF + b"0" * 70_000)])
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert unchanged(ours, private_media)


def test_more_file_fields_than_django_reads_is_a_400(
    api, implementer, ours, settings, private_media
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    api.force_authenticate(implementer)
    response = send(api, ours, note="Actas", files=[upload(f"a{i}.pdf") for i in range(4)])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert unchanged(ours, private_media)


def test_a_storage_failure_half_way_leaves_no_entry_and_no_file(
    api, implementer, ours, private_media, monkeypatch
):
    original = PrivateStorage._save
    calls = []

    def fail_on_the_second(self, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("No space left on device")
        return original(self, name, content)

    monkeypatch.setattr(PrivateStorage, "_save", fail_on_the_second)
    api.force_authenticate(implementer)
    with pytest.raises(OSError, match="No space left"):
        send(api, ours, note="Actas", files=[upload("a.pdf"), upload("b.pdf")])
    assert len(calls) == 2
    assert unchanged(ours, private_media)


# Permissions, both ways ----------------------------------------------------------------------


def test_anonymous_cannot_attach_files(api, ours, private_media):
    response = send(api, ours, note="Acta", files=[upload("acta.pdf")])
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert unchanged(ours, private_media)


def test_an_implementer_cannot_attach_files_to_another_institutions_milestone(
    api, implementer, theirs, private_media
):
    api.force_authenticate(implementer)
    response = send(api, theirs, note="Acta", files=[upload("acta.pdf")])
    assert response.status_code == 403
    assert response.json()["error"] == {
        "status": 403,
        "code": "permission_denied",
        "message": "You may not update this milestone.",
        "fields": {},
    }
    assert unchanged(theirs, private_media)


def test_an_implementer_gets_404_for_another_institutions_unpublished_milestone(
    api, implementer, private_media
):
    other = factories.make_institution(name="Otra institución")
    hidden = factories.make_commitment(milestones=1, published=False, lead=other)
    milestone = hidden.milestones.get()
    api.force_authenticate(implementer)
    response = send(api, milestone, note="Acta", files=[upload("acta.pdf")])
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert unchanged(milestone, private_media)


def test_an_evaluator_gets_404_unpublished_and_403_published(api, evaluator, theirs, private_media):
    hidden = factories.make_commitment(milestones=1, published=False).milestones.get()
    api.force_authenticate(evaluator)
    assert send(api, hidden, note="Acta", files=[upload("acta.pdf")]).status_code == 404
    assert send(api, theirs, note="Acta", files=[upload("acta.pdf")]).status_code == 403
    assert unchanged(hidden, private_media) and unchanged(theirs, private_media)


def test_files_of_an_unpublished_commitment_stay_404_to_the_public(
    api, implementer, secretariat, institution
):
    draft = factories.make_commitment(milestones=1, published=False, lead=institution)
    milestone = draft.milestones.get()
    api.force_authenticate(implementer)
    response = send(api, milestone, note="Acta", files=[upload("acta.pdf")])
    assert response.status_code == 200, response.content
    item = EvidenceFile.objects.get(update__milestone=milestone)
    url = item.get_absolute_url()
    public = Client()
    assert public.get(url).status_code == 404
    assert public.get(f"/api/v1/milestone-updates/{item.update_id}/").status_code == 404
    assert public.get("/api/v1/milestone-updates/").json()["results"] == []
    staff = Client()
    staff.force_login(secretariat)
    assert staff.get(url).status_code == 200
    draft.is_published = True
    draft.save()
    assert public.get(url).status_code == 200


# The schema ----------------------------------------------------------------------------------


def test_the_schema_documents_the_multipart_body_beside_json(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    body = schema["paths"]["/api/v1/milestones/{id}/"]["patch"]["requestBody"]
    assert set(body["content"]) == {"application/json", "multipart/form-data"}
    json_ref = body["content"]["application/json"]["schema"]["$ref"]
    form_ref = body["content"]["multipart/form-data"]["schema"]["$ref"]
    assert json_ref == "#/components/schemas/MilestoneStatusChangeRequest"
    form = schema["components"]["schemas"][form_ref.rsplit("/", 1)[-1]]
    assert form["required"] == ["note"]
    assert form["properties"]["files"]["type"] == "array"
    assert form["properties"]["files"]["items"] == {"type": "string", "format": "binary"}
    assert form["properties"]["evidence"]["items"]["type"] == "string"
    json_fields = set(schema["components"]["schemas"]["MilestoneStatusChangeRequest"]["properties"])
    assert set(form["properties"]) == json_fields | {"files"}
    assert (
        "multipart/form-data" in schema["paths"]["/api/v1/milestones/{id}/"]["patch"]["description"]
    )
