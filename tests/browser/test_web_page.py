"""The web page as a finance lead uses it, in headless Chromium against ``finance-agent serve``."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from browser.conftest import (
    LAPTOP,
    PHONE,
    LocalServer,
    PageOpener,
    printed_link,
    screenshot,
)
from e2e.conftest import make_token

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request, Route

REMINDER_PATH = "/agent/actions/collection-reminder"


def expect(target: Any) -> Any:
    """Playwright's ``expect``, imported late: without Playwright the tests skip, not fail."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def wait_until_loaded(page: Page) -> None:
    """Every panel has drawn what the API answered."""
    page.wait_for_selector('[data-kpi="revenue"] .kpi-value[data-value]')
    page.wait_for_selector("#chart svg.chart-svg")
    page.wait_for_selector("#ar-table tbody tr")
    page.wait_for_selector("#actions-list li")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[aria-busy]')]"
        ".every(e => e.getAttribute('aria-busy') === 'false')"
    )


def lists_method(server: LocalServer, path: str) -> bool:
    document = httpx.get(f"{server.url}/openapi.json", timeout=10).json()
    parameters = document["paths"][path]["get"].get("parameters", [])
    return any(p["name"] == "method" and p["in"] == "query" for p in parameters)


def all_actions(api: httpx.Client) -> list[dict[str, Any]]:
    response = api.get("/agent/actions", params={"limit": 100})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def overdue_row(page: Page, index: int) -> tuple[str, Any]:
    row = page.locator("#ar-table tbody tr").nth(index)
    customer = row.get_attribute("data-customer")
    assert customer
    return customer, row.get_by_role("button", name=re.compile("reminder", re.I))


def reminder_posts(page: Page) -> list[Request]:
    posts: list[Request] = []

    def record(request: Request) -> None:
        if request.method == "POST" and request.url.endswith(REMINDER_PATH):
            posts.append(request)

    page.on("request", record)
    return posts


# -- loading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop-1280", "phone-390"])
def test_the_printed_link_opens_the_page_with_no_console_errors(
    browser: Any, web_server: LocalServer, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, locale="en-US", timezone_id="UTC")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        page.goto(printed_link(web_server))
        wait_until_loaded(page)
        page.wait_for_timeout(300)  # late errors, if any
        assert errors == []
        # The token left the address bar and stays in this tab's session storage only.
        assert page.evaluate("location.hash") == ""
        stored = page.evaluate("Object.keys(sessionStorage).join(' ')")
        assert "finance-agent:token:" in stored
        assert page.locator("#signin").is_hidden()
        assert "local@finance-agent.local" in page.locator("#who").inner_text()
        # Nothing wider than the screen: the page reads without sideways scrolling.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        path = screenshot(page, f"web-page-{viewport['width']}")
        assert path.stat().st_size > 10_000
    finally:
        context.close()


def test_the_kpi_cards_show_the_figures_the_api_returns(
    open_page: PageOpener, token: str, api: httpx.Client
) -> None:
    opened = open_page(token)
    page = opened.page
    wait_until_loaded(page)
    for days in (7, 60, 90, 30):
        with page.expect_response(lambda r, d=days: f"period=last_{d}d" in r.url):
            page.locator(f'label[for="period-{days}"]').click()
        page.wait_for_function(
            "() => document.getElementById('kpis').getAttribute('aria-busy') === 'false'"
        )
        kpis = api.get("/agent/tools/kpis", params={"period": f"last_{days}d"}).json()
        for name in ("revenue", "gross_margin", "ar_total", "ar_over_60"):
            value = page.locator(f'[data-kpi="{name}"] .kpi-value')
            assert float(value.get_attribute("data-value") or "nan") == kpis[name], name
            shown = value.inner_text()
            if name == "gross_margin":
                assert shown == f"{kpis[name] * 100:.1f}%"
            else:
                assert shown == f"${kpis[name]:,.2f}"
        revenue_change = page.locator('[data-kpi="revenue"] .kpi-change').inner_text()
        margin_change = page.locator('[data-kpi="gross_margin"] .kpi-change').inner_text()
        covered = kpis["previous"]["days_with_sales"]
        if covered < days:  # the demo's 120 days cover only 30 of the 90 before last_90d
            expected = f"the previous {days} days have sales on only {covered}"
            assert expected in revenue_change
            assert expected in margin_change
            continue
        assert f"vs previous {days} days" in revenue_change
        assert f"${kpis['previous']['revenue']:,.2f}" in revenue_change
        assert f"{kpis['previous']['gross_margin'] * 100:.1f}%" in margin_change
    assert opened.errors == []


# -- chart -------------------------------------------------------------------------------------


def test_a_day_of_a_level_shift_is_tagged_as_one(open_page: PageOpener, token: str) -> None:
    opened = open_page()  # signed out: the answer can be changed before it is asked for
    page = opened.page

    def mark_a_shift(route: Route) -> None:
        response = route.fetch()
        body = response.json()
        first = body["anomalies"][0]
        first["level_shift"] = {
            "start_date": first["date"],
            "end_date": first["date"],
            "days": 1,
            "mean_score": first["z_score"],
        }
        route.fulfill(response=response, json=body)

    page.route("**/agent/tools/anomalies?**", mark_a_shift)
    page.locator("#token-input").fill(token)
    page.get_by_role("button", name="Sign in").click()
    wait_until_loaded(page)
    # The table sits in a closed <details>: its text, not its rendered text.
    tags = page.locator("#anomaly-table tbody tr .tag").all_text_contents()
    assert len(tags) >= 2, "the demo data has unusual days"
    assert sum(tag.endswith(" · shift") for tag in tags) == 1
    assert {tag.split(" ")[0] for tag in tags} <= {"Low", "High"}
    assert not opened.errors


def test_the_chart_marks_each_anomaly_the_api_returns(
    open_page: PageOpener, token: str, web_server: LocalServer
) -> None:
    robust = lists_method(web_server, "/agent/tools/anomalies")
    auto = lists_method(web_server, "/agent/tools/cashflow")
    opened = open_page()  # signed out: nothing is requested yet
    page = opened.page
    with (
        page.expect_response("**/agent/tools/anomalies?**") as anomalies_info,
        page.expect_response("**/agent/tools/cashflow?**") as forecast_info,
    ):
        page.locator("#token-input").fill(token)
        page.get_by_role("button", name="Sign in").click()
    wait_until_loaded(page)
    anomalies_response = anomalies_info.value
    forecast_response = forecast_info.value
    # The better methods are asked for only where the API documents them.
    assert ("method=robust" in anomalies_response.url) == robust
    assert ("method=auto" in forecast_response.url) == auto
    report = anomalies_response.json()
    forecast = forecast_response.json()

    markers = page.locator("#chart .anomaly-marker")
    assert markers.count() == len(report["anomalies"])
    assert {markers.nth(i).get_attribute("data-date") for i in range(markers.count())} == {
        a["date"] for a in report["anomalies"]
    }
    has_band = all("lo80" in p and "hi80" in p for p in forecast["points"])
    assert page.locator("#chart .band80").count() == (1 if has_band else 0)
    assert page.locator("#chart .line-forecast").count() == 1
    assert page.locator("#anomaly-table tbody tr").count() == len(report["anomalies"])

    if report["anomalies"]:
        first = report["anomalies"][0]
        marker = page.locator(f'#chart .anomaly-marker[data-date="{first["date"]}"]')
        marker.locator(".anomaly-hit").hover()
        tip = page.locator("#chart-tip")
        expect(tip).to_be_visible()
        text = tip.inner_text()
        assert f"${first['value']:,.2f}" in text
        if "expected" in first:
            assert f"Expected: ${first['expected']:,.2f}" in text
        if "reason" in first:
            assert first["reason"] in text
        # The keyboard reaches the same explanation.
        page.mouse.move(0, 0)
        expect(tip).to_be_hidden()
        marker.focus()
        expect(tip).to_be_visible()
        assert first["date"] in (marker.get_attribute("data-date") or "")
        page.keyboard.press("Escape")
        expect(tip).to_be_hidden()

    # Another horizon draws another forecast.
    with page.expect_response(lambda r: "horizon=7" in r.url) as seven:
        page.locator("#horizon").select_option("7")
    assert len(seven.value.json()["points"]) == 7
    expect(page.locator("#chart-summary")).to_contain_text("Next 7 days")
    assert opened.errors == []


# -- reminders and actions ---------------------------------------------------------------------


def test_a_double_click_on_send_reminder_records_one_action(
    open_page: PageOpener, token: str, api: httpx.Client
) -> None:
    opened = open_page(token)
    page = opened.page
    wait_until_loaded(page)
    before = all_actions(api)
    posts = reminder_posts(page)
    customer, button = overdue_row(page, 0)

    button.dblclick()
    status = page.locator("#reminder-status")
    expect(status).to_contain_text("recorded")
    expect(page.locator("#actions-list li.action-new")).to_have_count(1)
    # A third click straight after is the same intent: same key, the API replays.
    button.click()
    page.wait_for_function(
        "() => document.querySelector('#ar-table tbody tr button').textContent === 'Send reminder'"
    )
    page.wait_for_timeout(200)

    after = all_actions(api)
    assert len(after) == len(before) + 1
    newest = after[0]
    assert newest["payload"]["customer_id"] == customer
    assert newest["performed_by"] == "tester@example.com"
    keys = {request.headers.get("idempotency-key") for request in posts}
    assert len(posts) >= 1
    assert len(keys) == 1
    assert None not in keys
    # The actions list shows it first, marked as new.
    first_item = page.locator("#actions-list li").first
    assert first_item.get_attribute("data-action") == newest["action_id"]
    assert "action-new" in (first_item.get_attribute("class") or "")
    expect(page.locator(f'#ar-table tr[data-customer="{customer}"] .row-status')).to_have_text(
        "Reminder recorded"
    )
    assert opened.errors == []


def test_a_retry_after_a_lost_answer_reuses_the_key_and_records_once(
    open_page: PageOpener, token: str, api: httpx.Client
) -> None:
    opened = open_page(token)
    page = opened.page
    wait_until_loaded(page)
    before = all_actions(api)
    keys: list[str | None] = []

    def lose_the_first_answer(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server records the reminder...
            route.abort("connectionreset")  # ...and the answer never arrives
        else:
            route.continue_()

    page.route(f"**{REMINDER_PATH}", lose_the_first_answer)
    customer, button = overdue_row(page, 1)
    button.click()
    status = page.locator("#reminder-status")
    expect(status).to_contain_text("not confirmed")
    assert len(all_actions(api)) == len(before) + 1  # recorded, though the page could not know
    page.wait_for_timeout(3200)  # a retry long after is still the same intent
    button.click()
    expect(status).to_contain_text("recorded")
    assert len(keys) == 2
    assert keys[0]
    assert keys[0] == keys[1]
    after = all_actions(api)
    assert len(after) == len(before) + 1
    assert after[0]["payload"]["customer_id"] == customer


def test_a_token_without_the_actions_scope_gets_the_refusal(
    open_page: PageOpener, api: httpx.Client
) -> None:
    read_only = make_token(scope=None, email="viewer@example.com")
    opened = open_page(read_only)
    page = opened.page
    wait_until_loaded(page)
    before = all_actions(api)
    customer, button = overdue_row(page, 2)
    with page.expect_response(f"**{REMINDER_PATH}") as answer:
        button.click()
    assert answer.value.status == 403
    message = answer.value.json()["message"]
    status = page.locator("#reminder-status")
    expect(status).to_contain_text("You cannot send reminders")
    expect(status).to_contain_text(message[:40])
    assert status.get_attribute("role") == "alert"
    expect(page.locator(f'#ar-table tr[data-customer="{customer}"] .row-status')).to_have_text(
        "Not allowed"
    )
    assert len(all_actions(api)) == len(before)
    # Still signed in, the figures still there.
    assert page.locator("#main").is_visible()
    screenshot(page, "web-page-refused-1280")


# -- auth ----------------------------------------------------------------------------------------


def test_an_expired_token_shows_the_sign_in_message(open_page: PageOpener) -> None:
    expired = make_token(expires_in=timedelta(minutes=-5))
    opened = open_page(expired)
    page = opened.page
    signin = page.locator("#signin")
    expect(signin).to_be_visible()
    expect(page.locator("#signin-message")).to_contain_text("expired")
    assert page.locator("#main").is_hidden()
    assert page.evaluate("location.hash") == ""
    assert page.evaluate("Object.keys(sessionStorage).length") == 0
    expect(page.locator("#token-input")).to_be_visible()
    page.set_viewport_size(PHONE)
    screenshot(page, "web-page-expired-390")


def test_without_a_token_the_page_asks_for_one_and_takes_a_pasted_token(
    open_page: PageOpener, token: str
) -> None:
    opened = open_page()
    page = opened.page
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-message")).to_contain_text("Sign in")
    page.get_by_label("Access token").fill("not a token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-message")).to_contain_text("does not look like a token")
    page.get_by_label("Access token").fill(f"Bearer {token}")
    page.get_by_role("button", name="Sign in").click()
    wait_until_loaded(page)
    assert opened.errors == []
    # Signing out forgets the token; a reload asks again.
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#signin")).to_be_visible()
    page.reload()
    expect(page.locator("#signin")).to_be_visible()


def test_a_garbage_token_gets_the_sign_in_message_not_a_blank_page(
    open_page: PageOpener,
) -> None:
    forged = make_token(secret="another-secret-that-the-server-does-not-know-0123456789abcdef")
    page = open_page(forged).page
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-message")).to_contain_text("Sign in again")


# -- chat ----------------------------------------------------------------------------------------


def test_the_chat_answers_a_revenue_question_and_keeps_the_session(
    open_page: PageOpener, token: str, api: httpx.Client
) -> None:
    opened = open_page(token)
    page = opened.page
    wait_until_loaded(page)
    bodies: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            bodies.append(json.loads(r.post_data or "{}"))
            if r.method == "POST" and r.url.endswith("/agent/chat")
            else None
        ),
    )
    with page.expect_response("**/agent/chat") as first:
        page.get_by_label("Your question").fill("What was revenue in the last 30 days?")
        page.keyboard.press("Enter")
    assert first.value.status == 200, first.value.text()
    answer = first.value.json()
    bubble = page.locator(".bubble-answer").last
    expect(bubble).to_contain_text(answer["reply"][:60])
    revenue = api.get("/agent/tools/kpis", params={"period": "last_30d"}).json()["revenue"]
    assert f"{revenue:,.2f}" in answer["reply"]
    meta = bubble.locator(".bubble-meta")
    expect(meta).to_contain_text(f"Answered by {answer['provider']}")
    assert answer["provider"] == "local"
    for tool in answer["tools_used"]:
        expect(meta.locator(".tool", has_text=tool)).to_have_count(1)
    assert answer["tools_used"]

    with page.expect_response("**/agent/chat") as second:
        page.locator("#chat-suggestions .chip", has_text="owes").click()
    assert second.value.status == 200
    assert "session_id" not in bodies[0]
    assert bodies[1]["session_id"] == answer["session_id"]
    expect(page.locator(".bubble-answer")).to_have_count(2)
    assert opened.errors == []


# -- accessibility ---------------------------------------------------------------------------


def test_controls_are_labelled_and_the_page_works_from_the_keyboard(
    open_page: PageOpener, token: str
) -> None:
    page = open_page(token).page
    wait_until_loaded(page)
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea, button')]
            .filter(e => e.offsetParent !== null || e.type === 'radio')
            .filter(e => {
              const name = (e.labels && e.labels.length ? e.labels[0].textContent : '')
                || e.getAttribute('aria-label') || (e.tagName === 'BUTTON' ? e.textContent : '');
              return !name.trim();
            }).map(e => e.outerHTML.slice(0, 80))"""
    )
    assert unlabelled == []
    headers = page.locator("#ar-table thead th[scope=col]").count()
    assert headers == 9
    assert page.locator("#ar-table tbody th[scope=row]").count() >= 1
    # The period picker answers the arrow keys.
    page.locator("#period-30").focus()
    with page.expect_response(lambda r: "period=last_60d" in r.url):
        page.keyboard.press("ArrowRight")
    assert page.locator("#period-60").is_checked()
    # Tab reaches an anomaly marker, which explains itself.
    markers = page.locator("#chart .anomaly-marker")
    if markers.count():
        page.locator("#horizon").focus()
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('anomaly-marker')"):
                break
        assert page.evaluate("document.activeElement.classList.contains('anomaly-marker')")
        expect(page.locator("#chart-tip")).to_be_visible()
    # A focused control shows a visible focus ring.
    page.locator("#horizon").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


# -- serving -------------------------------------------------------------------------------------


def test_the_server_serves_the_page_to_browsers_and_json_to_programs(
    web_server: LocalServer,
) -> None:
    page = httpx.get(f"{web_server.url}/", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<script type="module" src="app.js">' in page.text
    for name, kind in [
        ("app.js", "text/javascript"),
        ("api.js", "text/javascript"),
        ("chart.js", "text/javascript"),
        ("config.js", "text/javascript"),
        ("styles.css", "text/css"),
    ]:
        asset = httpx.get(f"{web_server.url}/{name}", timeout=10)
        assert asset.status_code == 200, name
        assert asset.headers["content-type"].startswith(kind), name
        assert asset.headers["x-content-type-options"] == "nosniff"
    program = httpx.get(f"{web_server.url}/", timeout=10)
    assert program.json()["openapi"] == "/openapi.json"
    assert httpx.get(f"{web_server.url}/nope.js", timeout=10).status_code == 404
    assert printed_link(web_server).startswith(f"{web_server.url}/#token=")
