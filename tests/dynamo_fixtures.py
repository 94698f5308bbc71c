"""DynamoDB fixtures: a moto server subprocess on loopback and a fresh table per test.

boto3 talks to the server over real HTTP; nothing in boto3 or botocore is patched.
Dummy credentials keep every call away from real AWS.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from finance_agent.infra.dynamo_repo import DynamoRepo
from finance_agent.infra.dynamo_table import create_client, ensure_table
from finance_agent.shared.log import logger

if TYPE_CHECKING:
    from loguru import Message, Record
    from mypy_boto3_dynamodb.client import DynamoDBClient

REGION = "us-east-1"

FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def moto_server_command() -> list[str]:
    """moto's server with one request at a time, as DynamoDB applies conditional writes
    atomically (tests/moto_atomic_server.py says why)."""
    try:
        import moto.moto_server.werkzeug_app  # noqa: F401
    except ImportError:
        pytest.fail("moto's server is not installed: install the test extras (moto[server])")
    return [sys.executable, str(Path(__file__).with_name("moto_atomic_server.py"))]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                return
        except urllib.error.HTTPError:
            return  # it answered HTTP, whatever the status
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer on {url} within {timeout}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server we started, by its PID: terminate, then kill if it hangs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def start_moto_server() -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    process = subprocess.Popen(
        [*moto_server_command(), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ | FAKE_AWS_ENV,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
    except BaseException:
        stop(process)
        raise
    return url, process


@pytest.fixture(scope="session")
def dynamodb_endpoint() -> Iterator[str]:
    """URL of a moto server started for this test session (stopped at its end)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_AWS_ENV.items():
            patch.setenv(name, value)
        url, process = start_moto_server()
        try:
            yield url
        finally:
            stop(process)


@pytest.fixture(scope="session")
def dynamodb_client(dynamodb_endpoint: str) -> DynamoDBClient:
    """A client on the session's server, for table admin and raw items (one per session:
    building a client loads botocore's service model, which takes a few hundred ms)."""
    return create_client(REGION, dynamodb_endpoint)


@pytest.fixture
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials for this test (the autouse settings fixture may reset the env)."""
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def dynamodb_table(dynamodb_client: DynamoDBClient, fake_aws: None) -> Iterator[str]:
    """A fresh, uniquely named table on the moto server, deleted after the test."""
    name = f"finance-test-{uuid.uuid4().hex[:12]}"
    ensure_table(dynamodb_client, name)
    try:
        yield name
    finally:
        dynamodb_client.delete_table(TableName=name)


@pytest.fixture
def own_client(dynamodb_endpoint: str, fake_aws: None) -> DynamoDBClient:
    """A client of this test alone, so its hooks touch no other test."""
    return create_client(REGION, dynamodb_endpoint)


class Calls:
    """Counts the client's calls by operation name, and sums Query ScannedCount."""

    def __init__(self, client: DynamoDBClient) -> None:
        self.ops: Counter[str] = Counter()
        self.scanned = 0
        # Not before-call: a handler that answers a before-call event stops the others.
        client.meta.events.register("provide-client-params.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb.Query", self._after_query)

    def _before(self, model: Any, **_: Any) -> None:
        self.ops[model.name] += 1

    def _after_query(self, parsed: dict[str, Any], **_: Any) -> None:
        self.scanned += parsed.get("ScannedCount", 0)


@pytest.fixture
def dynamodb_repo(dynamodb_endpoint: str, dynamodb_table: str) -> DynamoRepo:
    """An empty DynamoRepo on its own table, using the process's shared client."""
    return DynamoRepo(table_name=dynamodb_table, region=REGION, endpoint_url=dynamodb_endpoint)


@pytest.fixture
def log_records() -> Iterator[list[Record]]:
    """The warnings logged during the test (malformed items are skipped with one)."""
    records: list[Record] = []

    def sink(message: Message) -> None:
        records.append(message.record)

    handler = logger.add(sink, level="WARNING")
    yield records
    logger.remove(handler)
