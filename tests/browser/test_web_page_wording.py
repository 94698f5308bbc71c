"""What the page says about the figures: plain sentences, nothing that misleads."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from browser.conftest import PageOpener
from browser.test_web_page import expect

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route


def answer_with(changes: dict[str, Any]) -> Any:
    """A route handler: the real answer with ``changes`` applied on top."""

    def handler(route: Route) -> None:
        response = route.fetch()
        body = response.json()
        body.update(changes)
        route.fulfill(response=response, json=body)

    return handler


def sign_in(page: Page, token: str) -> None:
    page.locator("#token-input").fill(token)
    page.get_by_role("button", name="Sign in").click()


def test_a_scan_with_too_few_days_says_so_rather_than_no_unusual_days(
    open_page: PageOpener, token: str
) -> None:
    page = open_page().page
    page.route(
        "**/agent/tools/anomalies?**",
        answer_with({"anomalies": [], "note": "too few days to judge"}),
    )
    one_day = [{"date": "2026-11-20", "revenue": 1200.0, "cogs": 700.0}]
    page.route("**/agent/tools/sales?**", answer_with({"days": one_day}))
    sign_in(page, token)
    summary = page.locator("#chart-summary")
    expect(summary).to_contain_text("Unusual days: too few days to judge")
    expect(summary).to_contain_text("1 day of sales")
    assert "0 unusual days" not in summary.inner_text()
    assert "1 days" not in summary.inner_text()


def test_the_summary_says_which_days_the_unusual_days_scan_covered(
    open_page: PageOpener, token: str
) -> None:
    page = open_page().page
    with (
        page.expect_response("**/agent/tools/anomalies?**") as scan,
        page.expect_response("**/agent/tools/sales?**") as sales,
    ):
        sign_in(page, token)
    report = scan.value.json()
    first_sale = sales.value.json()["days"][0]["date"]
    start, end = (
        date.fromisoformat(day).strftime("%b %-d, %Y")
        for day in (max(report["start_date"], first_sale), report["end_date"])
    )
    # The chat's "any unusual days?" scans the last 60 days; the page says its own window.
    expect(page.locator("#chart-summary")).to_contain_text(
        f"unusual days in {start} \N{EN DASH} {end}"
    )


JARGON_NOTE = (
    "auto chose holt_winters: forecasting each of the last 28 days from the days before it, "
    "its errors were significantly lower than sma's and lowest of those that were (mean "
    "absolute error; paired t against sma, one-sided 5% critical value 1.67: sma 1,200.00, "
    "holt_winters 900.00 (t 2.10))"
)


def test_the_forecast_note_is_a_plain_sentence_with_the_statistics_one_click_away(
    open_page: PageOpener, token: str
) -> None:
    page = open_page().page
    page.route("**/agent/tools/cashflow?**", answer_with({"note": JARGON_NOTE}))
    sign_in(page, token)
    note = page.locator("#chart-summary .note")
    expect(note).to_be_visible()
    plain = note.locator(".note-text").inner_text()
    assert plain.startswith("auto chose holt_winters")
    assert plain.endswith("lowest of those that were")
    for jargon in ("paired t", "critical value", "(t 2.10)"):
        assert jargon not in plain
    assert note.get_attribute("title") == JARGON_NOTE
    note.get_by_text("How it was chosen").click()
    expect(note.locator("details")).to_contain_text("critical value 1.67")


def test_a_server_error_shows_its_request_id_to_quote(open_page: PageOpener, token: str) -> None:
    page = open_page().page
    page.route(
        "**/agent/tools/kpis?**",
        lambda route: route.fulfill(
            status=500,
            json={"error": "internal_error", "message": "internal error", "request_id": "req-7f3a"},
        ),
    )
    sign_in(page, token)
    expect(page.locator("#kpi-error")).to_contain_text("Internal error (request id req-7f3a).")


def test_a_chat_error_is_not_read_out_as_the_agent_speaking(
    open_page: PageOpener, token: str
) -> None:
    page = open_page().page
    page.route("**/agent/chat", lambda route: route.abort("connectionrefused"))
    sign_in(page, token)
    page.get_by_label("Your question").fill("Who owes us the most?")
    page.keyboard.press("Enter")
    bubble = page.locator(".bubble-error")
    expect(bubble).to_contain_text("could not answer")
    assert bubble.locator(".bubble-who").text_content() == "Not answered:"
