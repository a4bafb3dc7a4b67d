"""Settings from the environment: EMAIL_URL or the EMAIL_* variables, PostgreSQL planner options."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from ogptracker.settings import CONSOLE_BACKEND, SMTP_BACKEND, email_mailer


def test_an_smtp_url_with_starttls():
    mailer = email_mailer("smtp://portal%40example.org:s%3Acret@mail.example.org:2525?tls=1")
    assert mailer["BACKEND"] == SMTP_BACKEND
    options = mailer["OPTIONS"]
    assert options["host"] == "mail.example.org" and options["port"] == 2525
    assert options["username"] == "portal@example.org" and options["password"] == "s:cret"
    assert options["use_tls"] is True and options["use_ssl"] is False


def test_an_smtps_url_defaults_to_port_465():
    options = email_mailer("smtps://u:p@mail.example.org")["OPTIONS"]
    assert options["port"] == 465 and options["use_ssl"] is True and options["use_tls"] is False


def test_the_console_and_bad_urls():
    assert email_mailer("console://") == {"BACKEND": CONSOLE_BACKEND}
    with pytest.raises(ImproperlyConfigured):
        email_mailer("http://mail.example.org")


def test_the_email_variables_without_a_url(monkeypatch):
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("EMAIL_PORT", "587")
    monkeypatch.setenv("EMAIL_HOST_USER", "portal")
    monkeypatch.setenv("EMAIL_HOST_PASSWORD", "secret")
    monkeypatch.setenv("EMAIL_USE_TLS", "1")
    options = email_mailer("")["OPTIONS"]
    assert (options["host"], options["port"], options["use_tls"]) == ("smtp.example.org", 587, True)
    assert (options["username"], options["password"]) == ("portal", "secret")


def test_the_development_console_prints_links_whole():
    import io

    from django.core.mail import EmailMultiAlternatives

    from ogptracker.console_email import EmailBackend

    link = "http://127.0.0.1:8000/es/follow/confirm/" + "a" * 120 + "/"
    message = EmailMultiAlternatives("Confirma “MXMEX0009”", f"Abre: {link}", to=["a@example.org"])
    message.attach_alternative("<p>x</p>", "text/html")
    stream = io.StringIO()
    EmailBackend(stream=stream, alias="default").send_messages([message])
    printed = stream.getvalue()
    assert link in printed and "Subject: Confirma “MXMEX0009”" in printed
    assert "Parts: text/plain, text/html" in printed


def test_postgresql_planner_options_from_the_environment():
    from ogptracker.settings import postgres_planner_options

    assert postgres_planner_options({}) == "-c jit=off -c random_page_cost=1.1"
    assert postgres_planner_options({"DATABASE_JIT": "1"}) == "-c random_page_cost=1.1"
    assert postgres_planner_options({"DATABASE_RANDOM_PAGE_COST": "4"}) == (
        "-c jit=off -c random_page_cost=4"
    )
    assert postgres_planner_options({"DATABASE_JIT": "1", "DATABASE_RANDOM_PAGE_COST": ""}) == ""
    for wrong in ("fast", "-1", "0", "nan", "1e9"):
        with pytest.raises(ImproperlyConfigured, match="DATABASE_RANDOM_PAGE_COST"):
            postgres_planner_options({"DATABASE_RANDOM_PAGE_COST": wrong})
