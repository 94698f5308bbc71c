"""The embedded store's public path: ``SqliteRepo`` lives in ``infra/sqlite/``, one module
per kind of record."""

from finance_agent.infra.sqlite.repo import SqliteRepo

__all__ = ["SqliteRepo"]
