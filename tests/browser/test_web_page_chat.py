"""The chat and the rest of the page: what the agent does shows where it belongs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from browser.conftest import PageOpener
from browser.test_web_page import expect, overdue_row, wait_until_loaded

if TYPE_CHECKING:
    from playwright.sync_api import Route


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


def test_a_chat_question_sent_again_after_a_lost_answer_reuses_its_key(
    open_page: PageOpener, token: str
) -> None:
    page = open_page(token).page
    wait_until_loaded(page)
    keys: list[str | None] = []

    def lose_the_first_answer(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server answers...
            route.abort("connectionreset")  # ...and the answer is lost
        else:
            route.continue_()

    page.route("**/agent/chat", lose_the_first_answer)
    question = page.get_by_label("Your question")
    question.fill("Who owes us the most?")
    page.keyboard.press("Enter")
    expect(page.locator(".bubble-error")).to_contain_text("Cannot reach the API")
    assert question.input_value() == "Who owes us the most?"  # ready to send again
    with page.expect_response("**/agent/chat") as again:
        page.keyboard.press("Enter")
    assert again.value.headers.get("idempotent-replayed") == "true"
    expect(page.locator(".bubble-answer")).to_have_count(1)
    with page.expect_response("**/agent/chat"):
        question.fill("What was revenue in the last 30 days?")
        page.keyboard.press("Enter")
    assert keys[0]
    assert keys[0] == keys[1]
    assert keys[2] != keys[0]  # another question is another intent


def test_a_chat_reminder_marks_only_its_own_row_when_the_actions_had_not_loaded(
    open_page: PageOpener, token: str
) -> None:
    page = open_page().page
    page.route("**/agent/actions?**", lambda route: route.abort("connectionrefused"))
    page.locator("#token-input").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#actions-error")).to_contain_text("Cannot reach the API")
    page.wait_for_selector("#ar-table tbody tr")
    page.unroute("**/agent/actions?**")
    customer, _ = overdue_row(page, 7)
    with page.expect_response("**/agent/chat"):
        page.get_by_label("Your question").fill(f"remind {customer} to pay")
        page.keyboard.press("Enter")
    mark = page.locator(f'#ar-table tr[data-customer="{customer}"] .row-status')
    expect(mark).to_have_text("Reminder recorded")
    page.wait_for_timeout(300)
    # Reminders other tests recorded earlier are not this chat's: their rows stay unmarked.
    expect(page.locator("#ar-table .row-status")).to_have_count(1)
