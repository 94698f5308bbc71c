"""The page on a 390-pixel phone screen with very large amounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from browser.conftest import PHONE, PageOpener, screenshot
from browser.test_web_page import wait_until_loaded

if TYPE_CHECKING:
    from playwright.sync_api import Route

HUGE = 9_876_543_210.98  # ten digits before the point


def with_huge_amounts(route: Route) -> None:
    response = route.fetch()
    body = response.json()
    if "customers" in body:
        for customer in body["customers"][:3]:
            for key in ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90"):
                customer[key] = HUGE
            customer["total"] = HUGE * 5
    else:
        for key in ("revenue", "ar_total", "ar_over_60"):
            body[key] = HUGE
        body["previous"]["revenue"] = HUGE / 3
    route.fulfill(response=response, json=body)


def test_ten_digit_amounts_fit_a_phone_screen_without_sideways_scrolling(
    open_page: PageOpener, token: str
) -> None:
    opened = open_page(viewport=PHONE)
    page = opened.page
    page.route("**/agent/tools/ar-aging**", with_huge_amounts)
    page.route("**/agent/tools/kpis?**", with_huge_amounts)
    page.locator("#token-input").fill(token)
    page.get_by_role("button", name="Sign in").click()
    wait_until_loaded(page)
    assert "9,876,543,210.98" in page.locator('[data-kpi="revenue"] .kpi-value').inner_text()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    # No text spills out of its box: every KPI card and every amount cell holds its text.
    spilled = page.evaluate(
        """() => [...document.querySelectorAll('.kpi, .kpi *, #ar-table tbody td')]
            .filter(e => e.scrollWidth > e.clientWidth + 1)
            .map(e => e.className + ': ' + e.textContent.trim().slice(0, 40))"""
    )
    assert spilled == []
    # An amount never runs into its label: they share a line only when both fit.
    overlaps = page.evaluate(
        """() => [...document.querySelectorAll('#ar-table tbody td[data-label]')].filter(td => {
              const text = document.createRange();
              text.selectNodeContents(td);
              return text.getBoundingClientRect().right > td.getBoundingClientRect().right + 1;
            }).length"""
    )
    assert overlaps == 0
    # A KPI figure shrinks to its card rather than break in the middle of the number.
    broken = page.evaluate(
        """() => [...document.querySelectorAll('.kpi-value')].filter(e => {
              const text = document.createRange();
              text.selectNodeContents(e);
              return text.getClientRects().length > 1;
            }).map(e => e.textContent)"""
    )
    assert broken == []
    screenshot(page, "web-page-huge-amounts-390")
    assert opened.errors == []
