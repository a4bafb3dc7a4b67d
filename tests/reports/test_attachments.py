from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from reports.forms import check_attachment
from reports.models import Attachment
from tests import factories as f
from tests.reports import files

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def eoc_url(report) -> str:
    return f"/en/evaluations/end-of-commitment/{report.pk}/"


def post_files(client, report, *uploads, **extra):
    data = {"version": report.version, "action": "save", "new_attachments": list(uploads)}
    data.update(extra)
    return client.post(eoc_url(report), data)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", files.PDF),
        ("photo.png", files.PNG),
        ("photo.JPG", files.JPEG),
        ("photo.jpeg", files.JPEG),
        ("chart.gif", files.GIF),
        ("chart.webp", files.WEBP),
        ("minutes.docx", files.ooxml()),
        ("budget.xlsx", files.ooxml()),
        ("minutes.odt", files.odf()),
        ("budget.ods", files.odf("application/vnd.oasis.opendocument.spreadsheet")),
        ("old.doc", files.OLE2),
        ("old.xls", files.OLE2),
        ("data.csv", b"municipio,avance\nToluca,3\nMetepec,2\n"),
        ("datos.csv", "municipio,año\nTlalnepantla,2022\n".encode("cp1252")),
    ],
)
def test_accepted_types_pass_by_name_and_content(name, content):
    assert check_attachment(files.upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("setup.pdf", files.EXECUTABLE, "does not contain what its name says"),
        ("photo.png", files.JPEG, "does not contain what its name says"),
        ("minutes.docx", files.plain_zip(), "does not contain what its name says"),
        (
            "minutes.odt",
            files.odf("application/vnd.oasis.opendocument.spreadsheet"),
            "does not contain",
        ),
        ("data.csv", b"a,b\x00\x01\x02", "does not contain what its name says"),
        ("empty.pdf", b"", "does not contain what its name says"),
        ("setup.exe", files.EXECUTABLE, "is not an accepted type"),
        ("page.html", b"<html></html>", "is not an accepted type"),
        ("noextension", files.PDF, "is not an accepted type"),
    ],
)
def test_refused_files_say_why(name, content, why):
    with pytest.raises(ValidationError) as error:
        check_attachment(files.upload(name, content))
    assert why in " ".join(error.value.messages)


def test_evaluator_attaches_a_file_stored_outside_public_media(client, evaluator, settings):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    response = post_files(client, report, files.pdf("Estudio de apertura.pdf"))
    assert response.status_code == 302
    item = Attachment.objects.get(report=report)
    assert item.original_name == "Estudio de apertura.pdf"
    assert item.content_type == "application/pdf"
    stored = Path(item.file.path)
    assert stored.is_file()
    assert Path(settings.PRIVATE_MEDIA_ROOT) in stored.parents
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    assert "Estudio" not in stored.name  # stored under a random name


def test_a_fourth_file_is_refused(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    assert (
        post_files(
            client, report, files.pdf("1.pdf"), files.pdf("2.pdf"), files.pdf("3.pdf")
        ).status_code
        == 302
    )
    report.refresh_from_db()
    response = post_files(client, report, files.pdf("4.pdf"), lessons="Kept")
    assert response.status_code == 200
    assert "A report takes at most 3 files; it would have 4." in response.content.decode()
    assert report.attachments.count() == 3
    report.refresh_from_db()
    assert report.lessons == ""  # nothing of the refused post was saved


def test_four_files_at_once_are_refused(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    response = post_files(client, report, *[files.pdf(f"{i}.pdf") for i in range(4)])
    assert response.status_code == 200
    assert b"at most 3 files" in response.content
    assert not Attachment.objects.exists()


def test_removing_a_file_makes_room_for_another(
    client, evaluator, django_capture_on_commit_callbacks
):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    post_files(client, report, files.pdf("1.pdf"), files.pdf("2.pdf"), files.pdf("3.pdf"))
    report.refresh_from_db()
    first = report.attachments.get(original_name="1.pdf")
    path = Path(first.file.path)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        response = post_files(client, report, files.pdf("4.pdf"), remove_attachments=[first.pk])
    assert response.status_code == 302
    assert sorted(report.attachments.values_list("original_name", flat=True)) == [
        "2.pdf",
        "3.pdf",
        "4.pdf",
    ]
    assert not path.exists()


def test_an_11_mb_file_is_refused(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    big = files.upload("big.pdf", files.PDF + b"0" * (11 * MB), "application/pdf")
    response = post_files(client, report, big)
    assert response.status_code == 200
    assert "each file may be at most 10.0\xa0MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_executable_renamed_pdf_is_refused(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    response = post_files(
        client, report, files.upload("evidence.pdf", files.EXECUTABLE, "application/pdf")
    )
    assert response.status_code == 200
    assert "does not contain what its name says (a .pdf file)" in response.content.decode()
    assert not Attachment.objects.exists()


# --- who may download -------------------------------------------------------------------------


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


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_files_of_an_unpublished_report_are_404_for_the_public(client, attached, status):
    report, item = attached
    type(report).objects.filter(pk=report.pk).update(status=status)
    assert client.get(item.get_absolute_url()).status_code == 404
    client.force_login(f.make_evaluator())  # an evaluator of other reports
    assert client.get(item.get_absolute_url()).status_code == 404
    client.force_login(f.make_implementer())
    assert client.get(item.get_absolute_url()).status_code == 404


def test_no_media_url_reaches_private_files(client, attached, settings):
    report, item = attached
    # Development serves MEDIA_URL from MEDIA_ROOT; the file is not there under any name.
    assert client.get(f"{settings.MEDIA_URL}{item.file.name}").status_code == 404
    assert client.get(f"/media/../private-media/{item.file.name}").status_code == 404
    with pytest.raises(ValueError):
        item.file.url  # noqa: B018 (there is deliberately no public URL)


def test_assigned_evaluator_and_secretariat_download(client, attached, evaluator, secretariat):
    report, item = attached
    client.force_login(evaluator)
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    client.force_login(secretariat)
    assert client.get(item.get_absolute_url()).status_code == 200


def test_files_of_a_published_report_are_public(client, attached):
    report, item = attached
    type(report).objects.filter(pk=report.pk).update(status="published")
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert 'filename="study.pdf"' in response["Content-Disposition"]


def test_attachment_url_must_match_its_report(client, attached, secretariat):
    report, item = attached
    other = f.make_end_of_commitment_report(status="published")
    client.force_login(secretariat)
    url = f"/en/reports/end-of-commitment/{other.pk}/files/{item.pk}/"
    assert client.get(url).status_code == 404


def test_office_files_download_as_attachments(client, evaluator):
    report = f.make_end_of_commitment_report(evaluators=[evaluator])
    client.force_login(evaluator)
    post_files(client, report, files.upload("data.csv", b"a,b\n1,2\n", "text/csv"))
    item = Attachment.objects.get()
    response = client.get(item.get_absolute_url())
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith("attachment;")
