"""Shared fixtures.

``repo`` is parametrized over every store, so the contract suite in ``tests/contract``
runs unchanged against each of them. ``sqlite_repo`` is a real SQLite file in a
temporary folder; the DynamoDB store's fixtures live in ``tests/dynamo_fixtures.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared.log import configure_logging
from finance_agent.shared.settings import get_settings

pytest_plugins = ["dynamo_fixtures"]

STORES = ["sqlite", "dynamodb"]

# Variables a developer's shell may set that must not leak into tests.
_SETTINGS_VARS = [
    "ENV",
    "LOG_LEVEL",
    "STORE",
    "SQLITE_PATH",
    "DYNAMODB_ENDPOINT_URL",
    "TABLE_NAME",
    "CURRENCY",
    "TIMEZONE",
    "ACTIONS_SCOPE",
    "JWT_SECRET",
    "JWT_ALGORITHM",
    "AGENT_ID",
    "AGENT_ALIAS_ID",
    "AWS_PROFILE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "FORECAST_METHOD",
    "ANOMALY_METHOD",
    "BEDROCK_MODEL_ID",
    "BEDROCK_GUARDRAIL_ID",
    "BEDROCK_GUARDRAIL_VERSION",
    "CHAT_MAX_OUTPUT_TOKENS",
    "MCP_TOKEN",
    "SESSION_SIGNING_SECRET",
    "CORS_ALLOW_ORIGINS",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
]


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Every test starts from default settings on a private SQLite file."""
    for name in _SETTINGS_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SQLITE_PATH", str(tmp_path / "finance.db"))
    get_settings.cache_clear()
    get_repo.cache_clear()
    configure_logging("INFO")  # the CLI's main() moves logs to stderr; start from stdout
    yield
    get_settings.cache_clear()
    get_repo.cache_clear()


@pytest.fixture
def sqlite_repo(tmp_path: Path) -> FinanceRepository:
    from finance_agent.infra.sqlite_repo import SqliteRepo

    return SqliteRepo(tmp_path / "store.db")


@pytest.fixture(params=STORES)
def repo(request: pytest.FixtureRequest) -> FinanceRepository:
    """Each store in turn, empty."""
    store: FinanceRepository = request.getfixturevalue(f"{request.param}_repo")
    return store
