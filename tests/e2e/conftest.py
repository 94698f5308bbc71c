"""A real ``finance-agent serve`` process on a free port, driven over HTTP.

The server runs in its own process with its own environment (SQLITE_PATH in a temporary
folder, JWT_SECRET set or not), exactly as a user starts it; it is stopped by PID.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from finance_agent.infra.sqlite_repo import SqliteRepo
from finance_agent.shared.settings import Settings

# 64 bytes: long enough for HS512 too, so PyJWT does not warn.
SECRET = "e2e-secret-for-the-local-server-tests-0123456789-abcdefghijklmno"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
# Every configuration variable; a developer's shell must not leak any into the server.
SETTINGS_VARS = {name.upper() for name in Settings.model_fields}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LocalServer:
    url: str
    process: subprocess.Popen[bytes]
    db_path: Path
    stdout_path: Path
    stderr_path: Path

    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8")

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def repo(self) -> SqliteRepo:
        """The server's store, opened by this test process (what the use cases would read)."""
        return SqliteRepo(self.db_path)

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30.0)

    def stop(self) -> None:
        if self.process.poll() is None:
            # Ctrl+C, as a user stops it (uvicorn shuts down cleanly); Windows has no SIGINT
            # for another process, so it is terminated there.
            if sys.platform == "win32":
                self.process.terminate()
            else:
                self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)


def _wait_until_answering(server: LocalServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"the server exited with {server.process.returncode}:\n{server.stderr()}"
            )
        try:
            if httpx.get(f"{server.url}/", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT_SECONDS}s")


def start_server(folder: Path, env: dict[str, str] | None = None) -> LocalServer:
    """Start ``finance-agent serve`` on a free port with a store in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS_VARS}
    child_env.update({"SQLITE_PATH": str(folder / "finance.db"), "PYTHONUNBUFFERED": "1"})
    child_env.update(env or {})
    stdout_path, stderr_path = folder / "stdout.txt", folder / "stderr.txt"
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "finance_agent.cli", "serve", "--port", str(port)],
            stdout=out,
            stderr=err,
            env=child_env,
        )
    server = LocalServer(
        url=f"http://127.0.0.1:{port}",
        process=process,
        db_path=folder / "finance.db",
        stdout_path=stdout_path,
        stderr_path=stderr_path,
    )
    _wait_until_answering(server)
    return server


def make_token(
    secret: str = SECRET,
    *,
    scope: Any = "agent:actions",
    email: str | None = "tester@example.com",
    expires_in: timedelta = timedelta(hours=1),
    algorithm: str = "HS256",
) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": "tester", "iat": now, "exp": now + expires_in}
    if scope is not None:
        claims["scope"] = scope
    if email is not None:
        claims["email"] = email
        claims["email_verified"] = True  # an unverified email never names the caller
    return jwt.encode(claims, secret, algorithm=algorithm)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """The server on an empty store, with JWT_SECRET configured."""
    running = start_server(tmp_path_factory.mktemp("server"), {"JWT_SECRET": SECRET})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def token() -> str:
    return make_token()


@pytest.fixture
def api(server: LocalServer, token: str) -> Iterator[httpx.Client]:
    with server.client(token) as client:
        yield client


@pytest.fixture
def anonymous(server: LocalServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


ServerFactory = Callable[..., LocalServer]


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[ServerFactory]:
    """Start servers on demand (a store prepared first, another environment); all stopped."""
    started: list[LocalServer] = []

    def factory(name: str = "extra", env: dict[str, str] | None = None) -> LocalServer:
        running = start_server(tmp_path / name, env)
        started.append(running)
        return running

    yield factory
    for running in started:
        running.stop()
