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
    with page.expect_response("**/agent/tools/anomalies?**") as scan:
        sign_in(page, token)
    report = scan.value.json()
    start, end = (
        date.fromisoformat(report[k]).strftime("%b %-d, %Y") for k in ("start_date", "end_date")
    )
    # The chat's "any unusual days?" scans the last 60 days; the page says its own window.
    expect(page.locator("#chart-summary")).to_contain_text(
        f"unusual days in {start} \N{EN DASH} {end}"
    )
