"""A citizen's journey in Chromium: home → explorer → filter → search → MXMEX0009 → Spanish."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from plans.roles import EVALUATOR, IMPLEMENTER, SECRETARIAT
from tests.factories import make_commitment, make_mxmex0009, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal():
    # Transactional tests start from an empty database: restore the seeded rows they rely on.
    import_module("plans.migrations.0003_vocabularies").seed(apps, None)
    for name in (SECRETARIAT, IMPLEMENTER, EVALUATOR):
        Group.objects.get_or_create(name=name)
    commitment = make_mxmex0009()
    plan = commitment.action_plans.get()
    make_commitment(plan, title="Strengthening democracy", milestones=2, statuses=("stuck",))
    make_commitment(make_plan(), title="Institutional interoperability", milestones=1)
    # The transactional database starts empty: the portal's settings name its owner, as the demo's.
    from portal.models import SiteSettings

    SiteSettings.objects.get_or_create(pk=1)[0].owners.set([plan.member])
    return commitment


def watch_requests(page, live_server):
    """Collect every request to another origin and every console error (CSP violations)."""
    foreign, errors = [], []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else foreign.append(request.url)
        ),
    )
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    return foreign, errors


def test_a_citizen_follows_mxmex0009_from_home_to_spanish(page, live_server, portal):
    foreign, errors = watch_requests(page, live_server)
    page.goto("/en/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("What did Mexico State promise")
    page.get_by_role("link", name="Explore the commitments").click()
    expect(page).to_have_url(re.compile(r"/en/commitments/$"))
    expect(page.get_by_role("heading", name="3 commitments found")).to_be_visible()

    # The filters wait behind a disclosure, so a phone shows the results first.
    expect(page.get_by_label("Milestone status")).to_be_hidden()
    page.locator("summary", has_text="Filters").click()
    page.get_by_label("Milestone status").select_option("finished")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"status=finished"))
    expect(page.get_by_role("heading", name="1 commitment found")).to_be_visible()

    page.get_by_label("Milestone status").select_option("")
    page.get_by_label("Search titles and texts").fill("culture")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 commitment found")).to_be_visible()
    page.get_by_role("link", name="Open government culture").click()

    expect(page).to_have_url(re.compile(r"/en/commitments/MXMEX0009/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Open government culture (MXMEX0009)")
    milestones = page.locator(".milestone")
    expect(milestones).to_have_count(3)
    expect(milestones.nth(0)).to_contain_text("Construir un estudio de las condiciones")
    expect(milestones.nth(0)).to_contain_text("Finished")
    expect(milestones.nth(1)).to_contain_text("Overdue")
    expect(
        page.get_by_text("1 of 3 milestones finished · 2 not reported (33%)").first
    ).to_be_visible()
    history = page.locator(".timeline-item")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Not reported")
    expect(history.first).to_contain_text("The municipal openness study was delivered")
    expect(history.first.get_by_role("link", name="Estudio municipal")).to_be_visible()

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    expect(page).to_have_url(re.compile(r"/es/commitments/MXMEX0009/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Hitos")).to_be_visible()
    expect(page.get_by_text("1 de 3 hitos terminados · 2 sin reporte (33%)").first).to_be_visible()
    expect(page.get_by_role("heading", name="Deja una respuesta")).to_be_visible()

    assert foreign == []
    assert errors == []


def test_the_commitment_page_passes_a_keyboard_only_walk(page, portal):
    page.goto("/en/commitments/MXMEX0009/")
    focusable = page.evaluate(
        """() => Array.from(document.querySelectorAll(
            'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]'
        )).filter(el => el.tabIndex >= 0 && el.offsetParent !== null
            && (el.tagName === 'SUMMARY' || !el.closest('details:not([open])'))).length"""
    )
    seen = []
    for _ in range(focusable + 2):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {
                    key: Array.from(document.querySelectorAll('*')).indexOf(el) + ':' + el.outerHTML.slice(0, 80),
                    tag: el.tagName,
                    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                    name: (el.innerText || el.getAttribute('aria-label') || el.labels?.[0]?.innerText || '').trim(),
                };
            }"""
        )
        if info["tag"] == "BODY":
            break
        seen.append(info)
    # The first stop is the skip link, and it leads to the main content.
    assert "Skip to main content" in seen[0]["name"]
    # Every control is reached once, in order, none is skipped and none traps the focus.
    keys = [item["key"] for item in seen]
    assert len(keys) == len(set(keys))
    missing = page.evaluate(
        """(seen) => Array.from(document.querySelectorAll(
            'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]'
        )).filter(el => el.tabIndex >= 0 && el.offsetParent !== null
            && (el.tagName === 'SUMMARY' || !el.closest('details:not([open])')))
          .map(el => Array.from(document.querySelectorAll('*')).indexOf(el) + ':' + el.outerHTML.slice(0, 80))
          .filter(key => !seen.includes(key))""",
        keys,
    )
    assert len(seen) >= focusable, missing
    # Every stop shows a visible focus ring and has an accessible name.
    assert all(item["outline"] for item in seen), [i["key"] for i in seen if not i["outline"]]
    assert all(item["name"] for item in seen if item["tag"] in {"A", "BUTTON"})
    # The comment form is operable from the keyboard alone.
    names = [item["name"] for item in seen]
    assert "Post Comment" in names

    page.goto("/en/commitments/MXMEX0009/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_cached_page_arrives_compressed_and_its_comment_form_works(
    browser, page, live_server, portal, settings
):
    settings.PAGE_CACHE = True
    first = page.goto("/en/commitments/MXMEX0009/")  # stored
    assert first.headers["x-page-cache"] == "miss"
    # Asked again whether that copy is current, with its validator: it is (304).
    again = page.request.get(
        "/en/commitments/MXMEX0009/", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status == 304
    # A second visitor gets it from the cache, compressed, with a CSRF token of its own.
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    visitor = context.new_page()
    response = visitor.goto("/en/commitments/MXMEX0009/")
    assert response.headers["x-page-cache"] == "hit"
    assert response.headers["content-encoding"] == "gzip"
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Open government culture")
    form = visitor.locator("form.comment-form")
    form.get_by_label("Name *", exact=True).fill("Ana")
    form.get_by_label("Email *", exact=True).fill("ana@example.org")
    form.get_by_label("Comment *", exact=True).fill("Llegó comprimida")
    form.get_by_role("button", name="Post Comment").click()
    expect(visitor.locator(".messages")).to_contain_text("once it is approved")
    context.close()
    from commitments.models import Comment

    assert Comment.objects.filter(text="Llegó comprimida").exists()
