"""The page on an empty or nearly empty store: nothing repeated, nothing misleading."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from browser.conftest import PageOpener
from browser.test_web_page import expect
from browser.test_web_page_wording import answer_with

if TYPE_CHECKING:
    from playwright.sync_api import Page

TODAY = date(2026, 11, 26)


def flat_forecast(days: int) -> dict[str, Any]:
    points = [
        {"date": (TODAY + timedelta(days=i + 1)).isoformat(), "amount": 0.0}
        | dict.fromkeys(("lo80", "hi80", "lo95", "hi95"), 0.0)
        for i in range(days)
    ]
    return {"points": points, "total": 0.0, "note": "no history: the forecast is zero"}


def open_with(page: Page, token: str, sales: list[dict[str, Any]]) -> None:
    page.route("**/agent/tools/sales?**", answer_with({"days": sales}))
    page.route("**/agent/tools/anomalies?**", answer_with({"anomalies": []}))
    page.route("**/agent/tools/cashflow?**", answer_with(flat_forecast(30)))
    revenue = sum(d["revenue"] for d in sales)
    page.route(
        "**/agent/tools/kpis?**",
        answer_with({"revenue": revenue, "gross_margin": 0.0 if not revenue else 0.4}),
    )
    page.locator("#token-input").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#chart svg.chart-svg")


@pytest.mark.parametrize("revenue", [None, 3.0, 1.0], ids=["empty", "three-dollars", "one-dollar"])
def test_the_y_axis_never_repeats_a_label(
    open_page: PageOpener, token: str, revenue: float | None
) -> None:
    page = open_page().page
    sales = (
        [] if revenue is None else [{"date": TODAY.isoformat(), "revenue": revenue, "cogs": 0.0}]
    )
    open_with(page, token, sales)
    labels = page.locator("#chart .axis-y").all_text_contents()
    assert len(labels) >= 2
    assert len(set(labels)) == len(labels), labels


def test_an_empty_store_says_no_sales_and_no_margin(open_page: PageOpener, token: str) -> None:
    opened = open_page()
    page = opened.page
    open_with(page, token, [])
    expect(page.locator("#chart")).to_contain_text("No sales recorded yet.")
    legend = page.locator("#chart-legend")
    expect(legend).to_contain_text("Forecast")
    assert "Daily revenue" not in legend.inner_text()
    expect(page.locator('[data-kpi="gross_margin"] .kpi-value')).to_have_text("—")
    assert opened.errors == []
