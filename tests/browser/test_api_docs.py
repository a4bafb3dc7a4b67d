import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_the_operations_from_the_portals_own_files(page, live_server):
    factories.make_commitment(ogp_id="MXMEX0009", milestones=1)
    requests, violations, errors = [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))

    response = page.goto("/api/v1/docs/")
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp

    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/commitments/" in [p.strip() for p in paths]
    assert any("/api/v1/milestones/{id}/" in p for p in paths)
    assert page.locator(".opblock-patch").count() == 1

    # Every file came from the portal: no CDN, no third party, nothing blocked by the CSP.
    assert requests and all(url.startswith(live_server.url) for url in requests), requests
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in url for url in requests)
    assert any(url.endswith("/api/v1/docs/?script=") for url in requests)
    assert violations == []
    assert errors == []


def test_try_it_out_calls_the_api(page, live_server):
    factories.make_commitment(ogp_id="MXMEX0009", milestones=1)
    page.goto("/api/v1/docs/#/commitments/commitments_retrieve")
    operation = page.locator("#operations-commitments-commitments_retrieve")
    operation.locator(".opblock-summary").first.wait_for()
    if not operation.locator(".try-out__btn").is_visible():
        operation.locator(".opblock-summary").first.click()
    operation.locator(".try-out__btn").click()
    operation.locator("input[placeholder='key']").fill("MXMEX0009")
    with page.expect_response(lambda r: "/api/v1/commitments/MXMEX0009/" in r.url) as answer:
        operation.locator(".execute").click()
    assert answer.value.status == 200
    operation.locator(".live-responses-table .response-col_status").first.wait_for()
    assert "MXMEX0009" in operation.locator(".live-responses-table").inner_text()
