"""Every public page, in both languages and with real content, is valid HTML (Nu HTML Checker).

The checker is the npm package vnu-jar, installed by scripts/test-deps.sh and run with the
machine's Java. All pages are written to one folder and checked in one run: the JVM is slow
to start.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils import translation

from tests import factories as f
from tests.pages.content import build_portal, public_paths
from tests.pages.html import broken_references, tables_outside_a_scroll_container

pytestmark = pytest.mark.django_db

VNU_JAR = Path(settings.BASE_DIR) / ".npm-test/node_modules/vnu-jar/build/dist/vnu.jar"


def vnu_messages(folder: Path) -> list[dict]:
    """Errors and warnings the Nu HTML Checker finds in every .html file of ``folder``."""
    if not VNU_JAR.exists():
        pytest.fail(
            f"The Nu HTML Checker is missing ({VNU_JAR}): run `bash scripts/test-deps.sh`.",
            pytrace=False,
        )
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing: the Nu HTML Checker needs it (apt-get install default-jre).")
    files = sorted(str(path) for path in folder.glob("*.html"))
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        return json.loads(run.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"The Nu HTML Checker did not answer in JSON:\n{run.stdout}\n{run.stderr}")


def server_error_page(language: str) -> bytes:
    """What handler500 answers to a visitor of ``language`` (no address raises one on purpose)."""
    with translation.override(language):
        response = get_resolver().resolve_error_handler(500)(RequestFactory().get(f"/{language}/"))
    assert response.status_code == 500
    return response.content


def render_every_page(folder: Path) -> list[str]:
    """Write every public page (and the error pages) into ``folder``; return their names."""
    portal = build_portal()
    client = Client()
    names = []

    def save(name: str, content: bytes) -> None:
        (folder / f"{name}.html").write_bytes(content)
        names.append(name)

    for language in ("es", "en"):
        for name, path in public_paths(portal, language).items():
            response = client.get(path)
            expected = 404 if name == "not-found" else 200
            assert response.status_code == expected, path
            save(f"{language}-{name}", response.content)
        comment_url = f"/{language}/comments/commitments.commitment/{portal['commitment'].pk}/"
        response = client.post(comment_url, {"name": "", "email": "nope", "text": ""})
        assert response.status_code == 400
        save(f"{language}-comment-errors", response.content)
        response = Client(enforce_csrf_checks=True).post(comment_url, {"text": "Hola"})
        assert response.status_code == 403
        save(f"{language}-csrf-failure", response.content)
        response = client.get(f"/{language}/", headers={"host": "bad host"})
        assert response.status_code == 400
        save(f"{language}-bad-request", response.content)
        save(f"{language}-server-error", server_error_page(language))

    evaluator = f.make_evaluator()
    portal["end_of_commitment"].evaluators.add(evaluator)
    submitted = f.make_inception_report(evaluators=[evaluator], status="submitted")
    signed_in = Client()
    signed_in.force_login(evaluator)
    for language in ("es", "en"):
        response = signed_in.get(f"/{language}/evaluations/")
        assert response.status_code == 200
        save(f"{language}-evaluations", response.content)
        response = signed_in.post(f"/{language}/evaluations/inception/{submitted.pk}/", {})
        assert response.status_code == 403
        save(f"{language}-forbidden", response.content)
        response = signed_in.get(f"/{language}/accounts/two-factor/")
        assert response.status_code == 200
        save(f"{language}-two-factor-setup", response.content)

    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    save("api-docs", response.content)
    return names


def test_every_public_page_is_valid_html(tmp_path):
    names = render_every_page(tmp_path)
    assert {"es-home", "en-commitment", "en-server-error", "api-docs"} <= set(names)

    messages = vnu_messages(tmp_path)

    problems = [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f"  «{m.get('extract', '').strip()}»"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "warning"
    ]
    # What the checker leaves to the author: ids that the ARIA attributes, labels and in-page
    # links point at, and tables that would widen the page on a phone.
    for name in names:
        html = (tmp_path / f"{name}.html").read_text()
        problems += [f"{name}.html: {ref} points at no element" for ref in broken_references(html)]
        if wide := tables_outside_a_scroll_container(html):
            problems.append(f"{name}.html: {wide} table(s) outside a .table-scroll container")
    assert problems == [], "\n".join(problems)
