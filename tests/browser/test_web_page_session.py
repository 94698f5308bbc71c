"""Signing in, switching and signing out in a tab that stays open."""

from __future__ import annotations

from browser.conftest import PageOpener
from browser.test_web_page import expect, wait_until_loaded
from e2e.conftest import make_token


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
