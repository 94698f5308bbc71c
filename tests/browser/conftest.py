"""The web page in a real headless Chromium, against ``finance-agent serve`` on a free port.

Playwright for Python drives the system's Chromium (Debian's ``chromium`` package, or the
one CHROMIUM_PATH names): no browser is downloaded. Without either, these tests skip and
say why; ``.ci/run`` installs both. Screenshots go to ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from e2e.conftest import SECRET, LocalServer, make_token, start_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed: pip install -e '.[browser]'")
    if not CHROMIUM.exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH "
            "(Playwright's own browser downloads are not used)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """One server with the demo data for the browser tests; each test uses other rows."""
    running = start_server(tmp_path_factory.mktemp("web"), {"JWT_SECRET": SECRET})
    yield running
    running.stop()


@pytest.fixture(scope="session")
def token() -> str:
    return make_token()


@pytest.fixture
def api(web_server: LocalServer, token: str) -> Iterator[httpx.Client]:
    with web_server.client(token) as client:
        yield client


@dataclass
class OpenedPage:
    page: Page
    errors: list[str] = field(default_factory=list)


PageOpener = Callable[..., OpenedPage]


@pytest.fixture
def open_page(browser: Browser, web_server: LocalServer) -> Iterator[PageOpener]:
    """Open the page in a fresh context; console errors and page errors are collected."""
    contexts: list[Any] = []

    def opener(token: str | None = None, viewport: dict[str, int] = LAPTOP) -> OpenedPage:
        context = browser.new_context(viewport=viewport, locale="en-US", timezone_id="UTC")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        opened = OpenedPage(page)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                opened.errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: opened.errors.append(f"page error: {error}"))
        url = f"{web_server.url}/" + (f"#token={token}" if token else "")
        page.goto(url)
        return opened

    yield opener
    for context in contexts:
        context.close()


def printed_link(server: LocalServer) -> str:
    """The web page link ``serve`` printed."""
    match = re.search(r"(http://\S+/#token=\S+)", server.stdout())
    assert match, server.stdout()
    return match.group(1)


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
