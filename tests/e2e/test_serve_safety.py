"""``finance-agent serve`` against something other than its own demo store: a DynamoDB
table is never written to, and a server reachable from other machines says so."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import SECRET, SETTINGS_VARS, ServerFactory

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def test_serve_on_an_empty_dynamodb_table_writes_nothing_and_says_how_to_seed(
    server_factory: ServerFactory,
    dynamodb_endpoint: str,
    dynamodb_table: str,
    dynamodb_client: DynamoDBClient,
) -> None:
    server = server_factory(
        "dynamo",
        {
            "ENV": "prod",
            "STORE": "dynamodb",
            "TABLE_NAME": dynamodb_table,
            "DYNAMODB_ENDPOINT_URL": dynamodb_endpoint,
            "AWS_REGION": "us-east-1",  # the moto fixtures' region
            "JWT_SECRET": SECRET,
        },
    )

    assert dynamodb_client.scan(TableName=dynamodb_table)["Count"] == 0
    out = server.stdout()
    assert "writing the demo data" not in out
    (line,) = [line for line in out.splitlines() if "not seeded" in line]
    assert dynamodb_table in line
    assert "finance-agent seed" in line


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stopped with SIGINT")


def _banner_of(tmp_path: Path, *args: str) -> str:
    """What ``finance-agent serve ARGS`` prints before it serves; then it is stopped."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS_VARS}
    env.update({"SQLITE_PATH": str(tmp_path / "finance.db"), "JWT_SECRET": SECRET})
    env["PYTHONUNBUFFERED"] = "1"
    command = [sys.executable, "-m", "finance_agent.cli", "serve", "--port", "0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Try:"):
                break
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    return "\n".join(lines)


def test_serve_on_every_interface_warns_and_prints_an_address_others_can_use(
    tmp_path: Path,
) -> None:
    out = _banner_of(tmp_path, "--host", "0.0.0.0")

    (url_line,) = [line for line in out.splitlines() if line.startswith("finance-agent API:")]
    assert "127.0.0.1" not in url_line
    assert "0.0.0.0" not in url_line
    (warning,) = [line for line in out.splitlines() if line.startswith("Warning:")]
    assert "reachable from other machines over plain HTTP" in warning


def test_serve_on_loopback_prints_no_warning(tmp_path: Path) -> None:
    out = _banner_of(tmp_path, "--host", "127.0.0.1")

    assert "finance-agent API: http://127.0.0.1:" in out
    assert "Warning:" not in out
