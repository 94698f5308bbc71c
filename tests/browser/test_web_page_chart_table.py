"""The chart's days as a table, for keyboard and screen-reader users."""

from __future__ import annotations

import pytest

from browser.conftest import LAPTOP, PHONE, PageOpener
from browser.test_web_page import expect, wait_until_loaded


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop-1280", "phone-390"])
def test_every_day_of_the_chart_can_be_read_from_the_keyboard(
    open_page: PageOpener, token: str, viewport: dict[str, int]
) -> None:
    page = open_page(viewport=viewport).page
    with (
        page.expect_response("**/agent/tools/sales?**") as sales_info,
        page.expect_response("**/agent/tools/cashflow?**") as forecast_info,
    ):
        page.locator("#token-input").fill(token)
        page.get_by_role("button", name="Sign in").click()
    wait_until_loaded(page)
    days = sales_info.value.json()["days"]
    points = forecast_info.value.json()["points"]
    summary = page.locator("#chart-table-summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator("#chart-table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(days) + len(points))
    last = days[-1]
    row = rows.nth(len(days) - 1)
    assert f"${last['revenue']:,.2f}" in row.inner_text()
    first = points[0]
    first_forecast = rows.nth(len(days)).inner_text()
    if "lo80" in first:
        assert f"${first['lo80']:,.2f} \N{EN DASH} ${first['hi80']:,.2f}" in first_forecast
    # The open table scrolls inside its box: the page itself never scrolls sideways.
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
