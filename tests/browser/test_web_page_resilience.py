"""The web page when the API is slow, down, or comes back: it never waits forever nor
shows figures for a choice it could not load."""

from __future__ import annotations

from typing import TYPE_CHECKING

from browser.conftest import PageOpener
from browser.test_web_page import REMINDER_PATH, expect, overdue_row, wait_until_loaded

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route


def never_answer(route: Route) -> None:
    """A paused server: the request is taken and no answer ever comes."""


def signed_in_with_a_fake_clock(open_page: PageOpener, token: str) -> Page:
    page = open_page(token).page
    wait_until_loaded(page)
    page.clock.install()
    page.reload()  # the token is in the tab's storage: signed in again, now on the fake clock
    wait_until_loaded(page)
    return page


def test_a_reminder_the_server_never_answers_gives_up_and_can_be_sent_again(
    open_page: PageOpener, token: str
) -> None:
    page = signed_in_with_a_fake_clock(open_page, token)
    keys: list[str | None] = []

    def hang(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key"))

    page.route(f"**{REMINDER_PATH}", hang)
    _, button = overdue_row(page, 3)
    button.click()
    expect(button).to_have_text("Sending…")
    page.clock.run_for(16_000)
    expect(page.locator("#reminder-status")).to_contain_text("Cannot reach the API")
    expect(page.locator("#reminder-status")).to_contain_text("not confirmed")
    expect(button).to_have_text("Send reminder")
    with page.expect_request(f"**{REMINDER_PATH}"):
        button.click()
    expect(button).to_have_text("Sending…")
    assert len(keys) == 2
    assert keys[0]
    assert keys[0] == keys[1]  # the retry cannot record it twice


def test_a_chat_answer_that_never_comes_gives_up_after_a_minute(
    open_page: PageOpener, token: str
) -> None:
    page = signed_in_with_a_fake_clock(open_page, token)
    page.route("**/agent/chat", never_answer)
    page.get_by_label("Your question").fill("Who owes us the most?")
    page.keyboard.press("Enter")
    expect(page.locator(".bubble-waiting")).to_have_count(1)
    page.clock.run_for(20_000)  # longer than the figures wait: a model may be slow
    expect(page.locator(".bubble-waiting")).to_have_count(1)
    page.clock.run_for(41_000)
    expect(page.locator(".bubble-waiting")).to_have_count(0)
    expect(page.locator(".bubble-error")).to_contain_text("Cannot reach the API")
    assert page.locator("#chat-send").get_attribute("aria-disabled") is None
    assert page.get_by_label("Your question").input_value() == "Who owes us the most?"


def test_figures_the_server_never_answers_end_in_the_not_reachable_message(
    open_page: PageOpener, token: str
) -> None:
    page = signed_in_with_a_fake_clock(open_page, token)
    page.route("**/agent/tools/kpis?**", never_answer)
    page.locator('label[for="period-7"]').click()
    expect(page.locator("#kpis")).to_have_attribute("aria-busy", "true")
    page.clock.run_for(16_000)
    expect(page.locator("#kpi-error")).to_contain_text("Cannot reach the API")
    expect(page.locator("#kpis")).to_have_attribute("aria-busy", "false")


def refuse(route: Route) -> None:
    """The server is down."""
    route.abort("connectionrefused")


def test_a_period_that_cannot_be_loaded_leaves_the_picker_on_the_figures_shown(
    open_page: PageOpener, token: str
) -> None:
    page = open_page(token).page
    wait_until_loaded(page)
    with page.expect_response("**/agent/tools/kpis?period=last_60d"):
        page.locator('label[for="period-60"]').click()
    page.wait_for_function(
        "() => document.getElementById('kpis').getAttribute('aria-busy') === 'false'"
    )
    revenue = page.locator('[data-kpi="revenue"] .kpi-value').inner_text()
    page.route("**/agent/tools/kpis?**", refuse)
    page.locator('label[for="period-7"]').click()
    error = page.locator("#kpi-error")
    expect(error).to_contain_text(
        "The last 7 days could not be loaded; still showing the last 60 days."
    )
    expect(error).to_contain_text("Cannot reach the API")
    assert page.locator("#period-60").is_checked()
    assert not page.locator("#period-7").is_checked()
    assert page.locator('[data-kpi="revenue"] .kpi-value').inner_text() == revenue


def test_a_horizon_that_cannot_be_loaded_leaves_the_picker_on_the_forecast_shown(
    open_page: PageOpener, token: str
) -> None:
    page = open_page(token).page
    wait_until_loaded(page)
    summary = page.locator("#chart-summary")
    expect(summary).to_contain_text("Next 30 days")
    page.route("**/agent/tools/cashflow?**", refuse)
    page.locator("#horizon").select_option("7")
    error = page.locator("#chart-error")
    expect(error).to_contain_text(
        "the next 7 days could not be loaded; still showing the next 30 days."
    )
    assert page.locator("#horizon").input_value() == "30"
    expect(summary).to_contain_text("Next 30 days")


def test_when_the_server_comes_back_every_panel_in_error_loads_again(
    open_page: PageOpener, token: str
) -> None:
    page = open_page(token).page
    wait_until_loaded(page)
    page.route("**/agent/**", refuse)
    page.get_by_role("button", name="Refresh").click()
    expect(page.locator("#actions-error")).to_contain_text("Cannot reach the API")
    page.locator('label[for="period-7"]').click()
    expect(page.locator("#kpi-error")).to_contain_text("Cannot reach the API")
    page.unroute("**/agent/**")
    # One panel's "Try again" succeeds: the other panel in error loads again by itself.
    with page.expect_response("**/agent/tools/kpis?**"):
        page.locator("#actions-error").get_by_role("button", name="Try again").click()
    expect(page.locator("#actions-error")).to_be_hidden()
    expect(page.locator("#kpi-error")).to_be_hidden()
    assert page.locator("#actions-list li.action").count() > 0


def test_a_failed_anomaly_scan_stays_said_until_the_unusual_days_load(
    open_page: PageOpener, token: str
) -> None:
    page = open_page().page  # signed out: the scan can fail from the first load
    page.route("**/agent/tools/anomalies?**", refuse)
    page.locator("#token-input").fill(token)
    page.get_by_role("button", name="Sign in").click()
    error = page.locator("#chart-error")
    expect(error).to_contain_text("Unusual days: Cannot reach the API")
    with page.expect_response("**/agent/tools/cashflow?**"):
        page.locator("#horizon").select_option("14")
    expect(page.locator("#chart-summary")).to_contain_text("Next 14 days")
    page.wait_for_timeout(300)
    expect(error).to_contain_text("Unusual days: Cannot reach the API")
    page.unroute("**/agent/tools/anomalies?**")
    page.locator("#horizon").select_option("7")
    expect(error).to_be_hidden()
    expect(page.locator("#chart .anomaly-marker").first).to_be_attached()


def test_a_route_that_keeps_failing_is_not_asked_again_and_again(
    open_page: PageOpener, token: str
) -> None:
    page = open_page(token).page
    wait_until_loaded(page)
    asked: list[str] = []

    def count_and_refuse(route: Route) -> None:
        asked.append(route.request.url)
        route.abort("connectionrefused")

    page.route("**/agent/tools/kpis?**", count_and_refuse)
    page.locator('label[for="period-7"]').click()
    expect(page.locator("#kpi-error")).to_contain_text("Cannot reach the API")
    # Other panels keep answering: the figures are asked for once more, not at every answer.
    for _ in range(4):
        with page.expect_response("**/agent/actions?**"):
            page.get_by_role("button", name="Refresh").click()
    page.wait_for_timeout(300)
    assert len(asked) == 2
    expect(page.locator("#kpi-error").get_by_role("button", name="Try again")).to_be_visible()
