"""The portal's logo: accepted by its content, kept in the storages, sent by the portal."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.forms import modelform_factory

from ogptracker.storage import file_version
from portal.models import SiteSettings
from tests.reports import files

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
LogoForm = modelform_factory(SiteSettings, fields=["logo"])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


def logo_errors(name: str, content: bytes) -> list[str]:
    form = LogoForm(data={}, files={"logo": files.upload(name, content)}, instance=SiteSettings())
    form.is_valid()
    return form.errors.get("logo", [])


@pytest.mark.parametrize(
    ("name", "content"),
    [("logo.png", files.PNG), ("logo.JPG", files.JPEG), ("logo.webp", files.WEBP)],
)
def test_a_raster_logo_is_accepted(name, content):
    assert logo_errors(name, content) == []


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("logo.svg", SVG, "File extension “svg” is not allowed"),
        ("logo.png", SVG, "can carry script"),
        ("logo.png", b"<html><script>alert(1)</script></html>", "can carry script"),
        ("logo.png", files.JPEG, "is not a PNG, JPEG or WebP image"),
        ("logo.webp", files.PDF, "is not a PNG, JPEG or WebP image"),
        ("logo.png", files.EXECUTABLE, "is not a PNG, JPEG or WebP image"),
    ],
)
def test_a_logo_is_refused_unless_its_bytes_are_the_image_its_name_says(name, content, why):
    assert why in " ".join(logo_errors(name, content))


def test_a_logo_saved_through_the_model_is_checked_too():
    site = SiteSettings(logo=ContentFile(SVG, name="logo.png"))
    site.logo._committed = False
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert "can carry script" in " ".join(error.value.message_dict["logo"])


def save_logo(content: bytes = files.PNG, name: str = "logo.png") -> SiteSettings:
    site = SiteSettings.objects.filter(pk=1).first() or SiteSettings()
    site.logo.save(name, ContentFile(content), save=False)
    site.save()
    return site


def test_every_page_links_the_logo_through_the_portal(client):
    site = save_logo()
    address = f"/files/logo/{file_version(site.logo.name)}/"
    page = client.get("/en/").content.decode()
    assert f'src="{address}"' in page
    assert "/media/" not in page
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == files.PNG


def test_the_logo_is_read_through_its_storage(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "public": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    site = save_logo(files.WEBP, "logo.webp")
    assert not (settings.MEDIA_ROOT / site.logo.name).exists()
    response = client.get(f"/files/logo/{file_version(site.logo.name)}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert b"".join(response.streaming_content) == files.WEBP


def test_an_old_logo_address_leads_to_the_current_logo(client):
    old = save_logo().logo.url
    current = save_logo(files.JPEG, "new.jpg").logo.url
    assert old != current
    response = client.get(old)
    assert response.status_code == 302
    assert response["Location"] == current


def test_no_logo_is_a_404(client):
    assert client.get("/files/logo/0123456789abcdef/").status_code == 404


def test_a_stored_file_that_is_not_a_raster_image_is_never_sent(client):
    site = save_logo(SVG, "logo.png")  # stored before uploads were checked by their content
    assert client.get(site.logo.url).status_code == 404


def test_the_admin_shows_the_current_logo_by_its_portal_address(client, secretariat):
    site = save_logo()
    client.force_login(secretariat)
    response = client.get("/admin/portal/sitesettings/1/change/")
    assert response.status_code == 200
    assert f'href="{site.logo.url}"' in response.content.decode()
