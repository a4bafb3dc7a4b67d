import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.models import Commitment, Milestone
from tests import factories
from tests.data.helpers import build_portal, content, read_csv, write_csv

pytestmark = pytest.mark.django_db

IMPORT = "/admin/commitments/commitment/import/"
CONFIRM = "/admin/commitments/commitment/import/confirm/"


def upload(client, data: bytes, name="commitments.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, "text/csv")})


@pytest.fixture
def edited_export(client):
    build_portal()
    rows = read_csv(content(client.get("/data/commitments.csv")))
    rows[0]["Commitment Title"] = "Título corregido"
    new = dict(
        rows[1],
        **{"Commitment Unique Identifier": "MXMEX0050", "Commitment Title": "Nuevo compromiso"},
    )
    return write_csv([*rows, new])


def test_changelist_has_an_import_button(client, secretariat):
    client.force_login(secretariat)
    page = client.get("/admin/commitments/commitment/").content.decode()
    assert f'href="{IMPORT}"' in page


def test_secretariat_previews_then_confirms_an_import(client, secretariat, edited_export):
    client.force_login(secretariat)
    preview = upload(client, edited_export)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Preview of commitments.csv" in page
    assert "Nothing has been written yet" in page
    assert "Commitment Title" in page  # the changed column of the updated row
    assert "MXMEX0050" in page
    # Nothing is written by the preview.
    assert not Commitment.objects.filter(ogp_id="MXMEX0050").exists()
    assert Commitment.objects.get(ogp_id="MXMEX0009").title != "Título corregido"

    fingerprint = preview.context["fingerprint"]
    done = client.post(CONFIRM, {"fingerprint": fingerprint}, follow=True)
    assert done.redirect_chain[-1][0] == "/admin/commitments/commitment/"
    assert (
        "Imported commitments.csv: 1 commitments created, 1 updated, 1 unchanged; "
        "0 milestones created, 0 updated, 0 unchanged." in done.content.decode()
    )
    assert Commitment.objects.get(ogp_id="MXMEX0009").title == "Título corregido"
    assert Commitment.objects.filter(ogp_id="MXMEX0050").exists()
    # The stored file is used once.
    again = client.post(CONFIRM, {"fingerprint": fingerprint}, follow=True)
    assert "The preview expired" in again.content.decode()


def test_a_bad_file_shows_every_problem_and_offers_no_confirmation(client, secretariat):
    build_portal()
    rows = read_csv(content(client.get("/data/commitments.csv")))
    rows[0]["Policy Area"] = "Astrology"
    rows[1]["End"] = "nunca"
    client.force_login(secretariat)
    response = upload(client, write_csv(rows))
    page = response.content.decode()
    assert "has 2 problems: nothing was imported" in page
    assert "Unknown policy area “Astrology”" in page
    assert "“nunca” is not a month" in page
    assert CONFIRM not in page
    assert client.post(CONFIRM, {"fingerprint": "x"}).status_code == 302  # nothing stored


def test_both_files_at_once_with_status_changes_in_the_secretariats_name(client, secretariat):
    build_portal()
    commitments = content(client.get("/data/commitments.csv"))
    milestones = read_csv(content(client.get("/data/milestones.csv")))
    milestones[1]["Status"] = "finished"
    client.force_login(secretariat)
    preview = client.post(
        IMPORT,
        {
            "file": SimpleUploadedFile("c.csv", commitments, "text/csv"),
            "milestones": SimpleUploadedFile("m.csv", write_csv(milestones), "text/csv"),
        },
    )
    page = preview.content.decode()
    assert "Milestones: 0 to create, 1 to update, 3 unchanged." in page
    assert Milestone.objects.filter(status="finished").count() == 1  # the preview wrote nothing
    client.post(CONFIRM, {"fingerprint": preview.context["fingerprint"]})
    second = Milestone.objects.get(commitment__ogp_id="MXMEX0009", number=2)
    assert second.status == "finished"
    assert second.updates.get().author == secretariat


def test_a_form_without_any_file_says_so(client, secretariat):
    client.force_login(secretariat)
    page = client.post(IMPORT, {}).content.decode()
    assert "Choose a commitments file, a milestones file, or both." in page


def test_a_different_file_cannot_be_confirmed_with_anothers_preview(
    client, secretariat, edited_export
):
    client.force_login(secretariat)
    upload(client, edited_export)
    response = client.post(CONFIRM, {"fingerprint": "0" * 64}, follow=True)
    assert "The preview expired" in response.content.decode()
    assert not Commitment.objects.filter(ogp_id="MXMEX0050").exists()


def test_the_admin_import_is_in_spanish(client, secretariat, edited_export):
    client.force_login(secretariat)
    client.cookies["django_language"] = "es"
    response = client.post(
        IMPORT,
        {"file": SimpleUploadedFile("c.csv", edited_export, "text/csv")},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert "Vista previa de c.csv" in response.content.decode()


def test_implementers_and_anonymous_cannot_import(client, implementer, edited_export):
    assert client.get(IMPORT).status_code == 302  # to the admin login
    client.force_login(implementer)
    assert client.get(IMPORT).status_code == 403
    assert upload(client, edited_export).status_code == 403
    assert not Commitment.objects.filter(ogp_id="MXMEX0050").exists()


def test_a_file_over_5_mb_is_refused(client, secretariat, settings):
    client.force_login(secretariat)
    response = upload(client, b"x" * (5 * 1024 * 1024 + 1))
    assert "larger than 5 MB" in response.content.decode()


def test_import_page_query_count(client, secretariat, django_assert_num_queries):
    for _ in range(3):
        factories.make_commitment()
    client.force_login(secretariat)
    # 1. session  2. user  3. the user's groups (secretariat check)
    # 4. the user's own permissions  5. its groups' permissions
    with django_assert_num_queries(5):
        assert client.get(IMPORT).status_code == 200
