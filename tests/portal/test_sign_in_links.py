"""The sign-in page leads to the password reset."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Forgot your password?"), ("es", "¿Olvidaste tu contraseña?")],
)
def test_the_sign_in_page_links_to_the_password_reset(client, language, text):
    page = client.get(f"/{language}/accounts/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<a href="/{language}/accounts/password-reset/">{text}</a>' in html
