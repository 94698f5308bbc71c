"""scripts/smoke.sh against the local server: known to work before anyone deploys.

The server is started as the end-to-end tests start it (a real ``finance-agent serve``
process on a free port, its own store, JWT_SECRET set); the script gets its URL and a token.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from e2e.conftest import SECRET, LocalServer, make_token, start_server
from finance_agent.routes import ROUTES
from ledger_fixtures import write_demo_ledger

from .cfn import ROOT

SCRIPT = ROOT / "scripts" / "smoke.sh"

pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None or shutil.which("curl") is None,
    reason="the smoke script needs bash and curl",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    running = start_server(tmp_path_factory.mktemp("smoke"), {"JWT_SECRET": SECRET})
    write_demo_ledger(running.repo())  # the demo books, if the seed has not written them
    yield running
    running.stop()


def smoke(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


@pytest.fixture(scope="module")
def passing_run(server: LocalServer) -> subprocess.CompletedProcess[str]:
    return smoke(server.url + "/", make_token())  # a trailing slash is fine


def test_the_smoke_script_passes_against_the_local_server(
    server: LocalServer, passing_run: subprocess.CompletedProcess[str]
) -> None:
    assert passing_run.returncode == 0, passing_run.stdout + passing_run.stderr
    assert f"smoke: all checks passed against {server.url}" in passing_run.stdout


def test_the_smoke_script_calls_every_route_of_the_route_table(
    passing_run: subprocess.CompletedProcess[str],
) -> None:
    result = passing_run
    for route in ROUTES:
        line = rf"^ok +{route.success_status if route.method == 'POST' else 200} "
        pattern = line + re.escape(f"{route.method} {route.path}") + r"[? ]"
        assert re.search(pattern, result.stdout, re.MULTILINE), route.route_key
    assert re.search(r"^ok +401 ", result.stdout, re.MULTILINE)  # and one without a token
    assert re.search(r"^ok +200 POST /agent/actions/collection-reminder", result.stdout, re.M)


def test_the_smoke_script_checks_the_cors_preflight_when_given_an_origin(
    server: LocalServer,
) -> None:
    env = {**os.environ, "SMOKE_ORIGIN": "https://finance.example.com"}
    result = smoke(server.url, make_token(), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "preflight allowed" in result.stdout


def test_the_smoke_script_stops_at_the_first_failure_and_says_why(server: LocalServer) -> None:
    result = smoke(server.url, make_token(secret="not-the-servers-secret-" + "x" * 40))
    assert result.returncode == 1
    assert "smoke: FAIL GET /agent/tools/kpis?period=last_30d: expected status 200, got 401" in (
        result.stderr
    )
    assert "all checks passed" not in result.stdout


def test_the_smoke_script_needs_a_write_scope_for_the_reminder(server: LocalServer) -> None:
    result = smoke(server.url, make_token(scope=None))
    assert result.returncode == 1
    assert "FAIL POST /agent/actions/collection-reminder: expected status 201, got 403" in (
        result.stderr
    )


def test_the_smoke_script_says_when_nothing_answers() -> None:
    result = smoke("http://127.0.0.1:9", make_token())  # the discard port: nothing listens
    assert result.returncode == 1
    assert "no answer from http://127.0.0.1:9" in result.stderr


def test_the_smoke_script_wants_a_url_and_a_token() -> None:
    result = smoke("http://127.0.0.1:8000")
    assert result.returncode == 2
    assert "usage:" in result.stderr
