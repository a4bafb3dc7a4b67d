"""Every public page fits a phone, and the citizen journey passes axe-core, at 1280 and 360 px."""

from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group

from plans.roles import EVALUATOR, IMPLEMENTER, SECRETARIAT
from tests.pages.content import build_portal, public_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / ".npm-test/node_modules/axe-core/axe.min.js"
# WCAG 2.2 A and AA, plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
JOURNEY = [
    "home",
    "explorer",
    "explorer-filtered",
    "commitment",
    "plan",
    "member",
    "institution",
    "search",
]


@pytest.fixture
def portal():
    # Transactional tests start from an empty database: restore the seeded rows they rely on.
    import_module("plans.migrations.0003_vocabularies").seed(apps, None)
    import_module("reports.migrations.0002_answer_scales").seed(apps, None)
    for name in (SECRETARIAT, IMPLEMENTER, EVALUATOR):
        Group.objects.get_or_create(name=name)
    return build_portal()


@pytest.fixture
def screen(browser, live_server, settings):
    """A page of a fresh browser context; axe-core is loaded into every document it opens."""
    settings.DEBUG = False
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): run `bash scripts/test-deps.sh`.", pytrace=False)
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    # An init script, not a <script> tag: the portal's CSP forbids inline script, and the
    # test must not loosen the policy the pages are checked under.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def every_public_path(portal) -> list[str]:
    paths = [path for language in ("es", "en") for path in public_paths(portal, language).values()]
    return [*paths, "/api/v1/docs/"]


def test_no_public_page_scrolls_sideways_on_a_phone(screen, portal):
    wide = {}
    for width in (360, 320):
        screen.set_viewport_size({"width": width, "height": 720})
        for path in every_public_path(portal):
            screen.goto(path)
            scroll_width = screen.evaluate("document.documentElement.scrollWidth")
            if scroll_width > screen.evaluate("window.innerWidth"):
                wide[f"{path} at {width} px"] = scroll_width
    assert wide == {}


def axe_violations(page) -> list[str]:
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 360])
def test_the_citizen_journey_has_no_axe_violations(screen, portal, width):
    screen.set_viewport_size({"width": width, "height": 800})
    found = {}
    for language in ("en", "es"):
        paths = public_paths(portal, language)
        for name in JOURNEY:
            screen.goto(paths[name])
            if violations := axe_violations(screen):
                found[paths[name]] = violations
    assert found == {}
