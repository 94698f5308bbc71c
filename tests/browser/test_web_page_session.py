"""Signing in, switching and signing out in a tab that stays open."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from browser.conftest import PageOpener
from browser.test_web_page import expect, overdue_row, wait_until_loaded
from e2e.conftest import make_token

if TYPE_CHECKING:
    from playwright.sync_api import Route


def never_answer(route: Route) -> None:
    """A slow API: no answer comes while the test looks."""


def test_a_new_token_link_in_a_signed_in_tab_signs_in_with_it(
    open_page: PageOpener, token: str
) -> None:
    opened = open_page(token)
    page = opened.page
    wait_until_loaded(page)
    expect(page.locator("#who")).to_have_text("tester@example.com")
    other = make_token(email="second@example.com")
    with page.expect_request("**/agent/tools/kpis?**") as kpis:
        page.evaluate("t => { location.hash = 'token=' + t; }", other)
    assert kpis.value.headers["authorization"] == f"Bearer {other}"
    expect(page.locator("#who")).to_have_text("second@example.com")
    # Out of the address bar, as on the first load.
    page.wait_for_function("() => location.hash === ''")
    stored = page.evaluate("Object.values(sessionStorage)")
    assert other in stored
    assert token not in stored
    assert opened.errors == []


def test_signing_out_clears_the_figures_and_the_next_sign_in_never_sees_them(
    open_page: PageOpener, token: str
) -> None:
    opened = open_page(token)
    page = opened.page
    wait_until_loaded(page)
    _, button = overdue_row(page, 4)
    button.click()
    expect(page.locator("#reminder-status")).to_contain_text("recorded")
    with page.expect_response("**/agent/chat"):
        page.locator("#chat-suggestions .chip", has_text="owes").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#signin")).to_be_visible()
    assert page.locator("#ar-table tbody tr").count() == 0
    assert page.locator("#actions-list li").count() == 0
    assert page.locator(".bubble").count() == 0
    assert page.locator("#reminder-status").is_hidden()
    assert page.locator("#chart svg").count() == 0
    assert page.locator('[data-kpi="revenue"] .kpi-value').text_content() == "—"
    # The next sign-in sees only its own answers: none yet, while the API is slow.
    page.route("**/agent/**", never_answer)
    page.locator("#token-input").fill(make_token(email="next@example.com"))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#who")).to_have_text("next@example.com")
    expect(page.locator('[data-kpi="revenue"] .kpi-value')).to_have_text("—")
    assert page.locator("#ar-table tbody tr").count() == 0
    assert page.locator(".bubble").count() == 0
    assert opened.errors == []


def test_the_sign_in_form_puts_the_focus_in_the_token_box(open_page: PageOpener) -> None:
    page = open_page().page
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#token-input")).to_be_focused()
    expired = make_token(expires_in=timedelta(minutes=-5))
    page = open_page(expired).page
    expect(page.locator("#signin-message")).to_contain_text("expired")
    expect(page.locator("#token-input")).to_be_focused()


def test_a_sign_in_that_is_no_longer_accepted_leaves_no_figures_behind(
    open_page: PageOpener, token: str
) -> None:
    page = open_page(token).page
    wait_until_loaded(page)
    page.route(
        "**/agent/tools/kpis?**",
        lambda route: route.fulfill(
            status=401, json={"error": "unauthorized", "message": "the token has been revoked"}
        ),
    )
    page.locator('label[for="period-7"]').click()
    expect(page.locator("#signin-message")).to_contain_text("no longer accepted")
    assert page.locator("#ar-table tbody tr").count() == 0
    assert page.locator("#actions-list li").count() == 0
    assert page.locator('[data-kpi="revenue"] .kpi-value').text_content() == "—"
