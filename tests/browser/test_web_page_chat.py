"""The chat and the rest of the page: what the agent does shows where it belongs."""

from __future__ import annotations

from browser.conftest import PageOpener
from browser.test_web_page import expect, overdue_row, wait_until_loaded


def test_a_reminder_recorded_through_the_chat_shows_in_the_actions_and_the_row(
    open_page: PageOpener, token: str
) -> None:
    opened = open_page(token)
    page = opened.page
    wait_until_loaded(page)
    customer, _ = overdue_row(page, 6)
    with page.expect_response("**/agent/chat") as chat:
        page.get_by_label("Your question").fill(f"remind {customer} to pay")
        page.keyboard.press("Enter")
    answer = chat.value.json()
    assert "create_collection_reminder" in answer["tools_used"], answer
    newest = page.locator("#actions-list li").first
    expect(newest).to_have_class("action action-new")
    name = page.locator(f'#ar-table tr[data-customer="{customer}"] .customer-name').inner_text()
    expect(newest).to_contain_text(name)
    expect(page.locator(f'#ar-table tr[data-customer="{customer}"] .row-status')).to_have_text(
        "Reminder recorded"
    )
    assert opened.errors == []
