"""The web page's ES modules as the local server serves them: every module app.js imports,
directly or through another, answers as JavaScript (browsers refuse a module script of any
other type), and no module under web/ is left out of that graph."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import finance_agent
from finance_agent.adapters.local_server.app import create_app
from finance_agent.shared.settings import get_settings

WEB = Path(finance_agent.__file__).parent / "web"
IMPORT = re.compile(r'^import\s[^;]*?\sfrom\s"(\.{1,2}/[^"]+)";', re.MULTILINE)


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("JWT_SECRET", "web-modules-secret-0123456789abcdef0123456789abcdef")
    get_settings.cache_clear()
    with TestClient(create_app(), follow_redirects=False) as test_client:
        yield test_client


def served_module_graph(client: TestClient, entry: str) -> set[str]:
    """The URL paths of ``entry`` and every module it imports, each checked as it is fetched."""
    pending, seen = [entry], set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/javascript"), path
        for target in IMPORT.findall(response.text):
            pending.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), target)))
    return seen


def test_every_module_of_the_page_is_served_as_javascript_from_app_js(
    client: TestClient,
) -> None:
    served = served_module_graph(client, "/app.js")
    on_disk = {f"/{path.relative_to(WEB).as_posix()}" for path in WEB.rglob("*.js")}
    assert "/panels/kpis.js" in served
    assert served == on_disk


def test_an_unknown_module_or_a_bare_folder_is_a_404(client: TestClient) -> None:
    assert client.get("/panels/nope.js").status_code == 404
    assert client.get("/panels/").status_code == 404
