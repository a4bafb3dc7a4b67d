"""400, 403, the CSRF failure, 404 and 500 are the portal's own pages, in the visitor's language."""

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils import translation
from django.utils.translation import gettext

from tests import factories as f
from tests.pages.html import Elements

pytestmark = pytest.mark.django_db

LANGUAGES = ["es", "en"]


def heading(text: str, language: str) -> str:
    with translation.override(language):
        return f"<h1>{gettext(text)}</h1>"


def language_switch(html: str) -> dict[str, str]:
    """The header's language links: code → address."""
    return {
        a["hreflang"]: a["href"]
        for a in Elements(html).with_tag("a")
        if "hreflang" in a and "lang" in a
    }


def assert_portal_error_page(response, status: int, language: str, title: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading(title, language) in html
    assert 'class="brand"' in html  # the portal's header, not Django's bare page
    # An error page is nobody's canonical address, in no language.
    assert '<meta name="robots" content="noindex">' in html
    assert 'rel="canonical"' not in html
    assert '<link rel="alternate" hreflang' not in html
    return html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_404_is_in_the_language_of_its_address(client, language):
    response = client.get(f"/{language}/commitments/NOPE0000/")
    assert_portal_error_page(response, 404, language, "Page not found")


def test_the_404_language_switch_keeps_the_address():
    client = Client()
    for path in ["/en/no-such-section/?page=2", "/en/commitments/NOPE0000/"]:
        html = client.get(path).content.decode()
        assert language_switch(html) == {"es": path.replace("/en/", "/es/", 1), "en": path}
    html = client.get("/es/planes-de-accion/").content.decode()
    assert language_switch(html) == {"es": "/es/planes-de-accion/", "en": "/en/planes-de-accion/"}


def test_an_address_without_a_language_gets_a_404_in_the_browsers_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    html = assert_portal_error_page(response, 404, "en", "Page not found")
    assert language_switch(html) == {"es": "/es/no-such-page/", "en": "/en/no-such-page/"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_request_is_the_portals_own_page(client, language):
    # Rendered by handler400 without a request: the language is the address's all the same.
    response = client.get(f"/{language}/", headers={"host": "not a host"})
    html = assert_portal_error_page(response, 400, language, "Bad request")
    assert language_switch(html) == {"es": "/es/", "en": "/en/"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_forbidden_action_is_the_portals_own_page(client, language):
    evaluator = f.make_evaluator()
    report = f.make_inception_report(evaluators=[evaluator], status="submitted")
    client.force_login(evaluator)
    response = client.post(f"/{language}/evaluations/inception/{report.pk}/", {})
    assert_portal_error_page(response, 403, language, "Access denied")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_form_explains_the_csrf_failure_in_the_visitors_language(language):
    commitment = f.make_commitment()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/{language}/comments/commitments.commitment/{commitment.pk}/", {"text": "Hola"}
    )
    assert_portal_error_page(response, 403, language, "The form could not be sent")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_server_error_page_stands_alone(language, django_assert_num_queries):
    handler500 = get_resolver().resolve_error_handler(500)
    request = RequestFactory().get(f"/{language}/")
    # handler500 renders without a request context; a broken database must not break it too.
    with translation.override(language), django_assert_num_queries(0):
        response = handler500(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html
    assert heading("Something went wrong", language) in html
    assert f'<a href="/{language}/">' in html
    assert language_switch(html) == {"es": "/es/", "en": "/en/"}


def test_the_demo_shows_the_portals_404_for_a_missing_object(client, settings):
    settings.DEBUG = True
    response = client.get("/en/commitments/NOPE0000/")
    assert_portal_error_page(response, 404, "en", "Page not found")
    # An address no pattern matches keeps Django's debug page and its list of patterns.
    response = client.get("/en/no-such-section/")
    assert response.status_code == 404
    assert "Using the URLconf defined in" in response.content.decode()
