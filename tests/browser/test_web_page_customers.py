"""The overdue customers panel on books that hold no email address for a customer (an
imported ledger may not): the API answers ``email: null`` and the page lists and reminds
such a customer like any other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from browser.conftest import PageOpener
from browser.test_web_page import expect, overdue_row, wait_until_loaded

if TYPE_CHECKING:
    from playwright.sync_api import Route


def without_emails(route: Route) -> None:
    response = route.fetch()
    body = response.json()
    assert body["customers"], "the demo books have customers who owe money"
    for customer in body["customers"]:
        customer["email"] = None
    route.fulfill(response=response, json=body)


def test_customers_without_an_email_address_are_listed_and_can_be_reminded(
    open_page: PageOpener, token: str
) -> None:
    opened = open_page()
    page = opened.page
    answers = []
    page.on(
        "response",
        lambda r: answers.append(r) if "/agent/tools/ar-aging" in r.url else None,
    )
    page.route("**/agent/tools/ar-aging**", without_emails)
    page.locator("#token-input").fill(token)
    page.get_by_role("button", name="Sign in").click()
    wait_until_loaded(page)

    (answer,) = answers
    customers = answer.json()["customers"]
    assert {c["email"] for c in customers} == {None}
    rows = page.locator("#ar-table tbody tr")
    overdue = [c for c in customers if c["total"] > c["current"]]
    assert rows.count() == min(len(overdue), 10)
    expect(page.locator("#ar-meta")).to_contain_text(f"{len(overdue)} customers overdue")
    assert "null" not in page.locator("#ar-table").inner_text()
    # Row 3: the other tests on this server send reminders from the first three rows.
    customer, button = overdue_row(page, 3)
    assert customer in {c["customer_id"] for c in overdue}
    button.click()
    expect(page.locator("#reminder-status")).to_contain_text("recorded")
    expect(page.locator(f'#ar-table tr[data-customer="{customer}"] .row-status')).to_have_text(
        "Reminder recorded"
    )
    assert opened.errors == []
