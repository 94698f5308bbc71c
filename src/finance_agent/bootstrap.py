"""The one place that turns settings into a store. Tests switch stores through the
environment and ``get_repo.cache_clear()``."""

from __future__ import annotations

from functools import lru_cache
from typing import cast

from finance_agent.domain.ledger.ports import LedgerRepository
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared.settings import get_settings


@lru_cache(maxsize=1)
def get_repo() -> FinanceRepository:
    """The store the settings name, created on first use and reused (Lambda keeps it warm)."""
    settings = get_settings()
    if settings.store_kind == "dynamodb":
        from finance_agent.infra.dynamo_repo import DynamoRepo

        return DynamoRepo(
            table_name=settings.table_name,
            region=settings.aws_region,
            endpoint_url=settings.dynamodb_endpoint_url,
        )
    from finance_agent.infra.sqlite_repo import SqliteRepo

    return SqliteRepo(settings.sqlite_file)


def get_ledger() -> LedgerRepository:
    """The same store seen as the company's books: both stores keep the ledger beside the
    figures and the action log, so it follows ``get_repo()`` (and its ``cache_clear()``)."""
    return cast("LedgerRepository", get_repo())
