"""The repository protocol the use cases depend on. Stores in ``infra/`` implement it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from finance_agent.domain.ledger.ports import LedgerRepository
from finance_agent.domain.models import (
    ActionPage,
    AgentAction,
    ChatTurn,
    IdempotencyRecord,
    KPISnapshot,
    SalesDay,
)

MAX_ACTIONS_PAGE = 100
CHAT_TURNS_KEPT = 20
CHAT_TTL = timedelta(days=1)


class FinanceRepository(LedgerRepository, Protocol):
    """Finance data and the agent's action log.

    Receivables are the ledger's (customers, invoices and their settlements: the methods of
    ``LedgerRepository``); the ``AR_AGING#`` records of stores made before the ledger are
    read only by the stores' upgrade. Reads cost what they return, never the size of the
    store. Writes of one record are atomic; ``put_*`` methods upsert by key, so writing the
    same data twice changes nothing.
    """

    # -- KPIs cache (``KPI#<period>``) --
    def get_kpis(self, period: str) -> KPISnapshot | None:
        """The stored KPI record of ``period`` (e.g. ``last_30d``), whatever day it was made for."""
        ...

    def put_kpis(self, snapshot: KPISnapshot) -> None: ...

    # -- daily sales (``SALES#<YYYY-MM-DD>``) --
    def get_sales_series(self, days: int, end: date | None = None) -> list[SalesDay]:
        """Stored days among the ``days`` days ending ``end`` (default today), oldest first.

        Days with no record are absent, not zero. ``days`` < 1 raises ``ValidationError``
        on field ``days``.
        """
        ...

    def put_sales_days(self, days: Iterable[SalesDay]) -> None: ...

    def latest_sales_date(self) -> date | None:
        """The most recent day with a sales record, or None when there is none."""
        ...

    # -- agent actions (``ACTION#<action_id>``) --
    def create_agent_action(
        self,
        action: str,
        payload: Mapping[str, Any],
        performed_by: str,
        *,
        action_id: str | None = None,
        created_at: datetime | None = None,
        status: str = "pending",
    ) -> str:
        """Record a new action and return its id (generated unless given).

        ``payload`` holds JSON values only (strings, numbers, bools, None, lists, dicts); NaN,
        infinities, Decimals and other objects are refused with ``ValidationError``. Money
        goes in as text, so no amount is ever rounded through a float.

        Never overwrites: an existing ``action_id`` raises ``ConflictError``.
        """
        ...

    def get_agent_action(self, action_id: str) -> AgentAction | None: ...

    def list_agent_actions(self, limit: int = 50, before: str | None = None) -> ActionPage:
        """Up to ``limit`` actions (1 to 100, else ``ValidationError`` on ``limit``), newest first.

        ``before`` is the ``next_token`` of the previous page (an opaque keyset cursor); a
        token that is not one raises ``ValidationError`` on field ``next_token``.
        """
        ...

    # -- idempotency records (``IDEMP#<key>``) --
    def claim_idempotency_key(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        """Store ``record`` unless an unexpired record has its key; return that record then.

        None means the caller now owns the key. Atomic: of concurrent claims, one wins.
        """
        ...

    def get_idempotency_record(self, key: str) -> IdempotencyRecord | None:
        """The unexpired record of ``key``, or None."""
        ...

    def complete_idempotency_key(
        self, key: str, status_code: int, response_body: str, *, expires_at: datetime
    ) -> None:
        """Mark the claimed ``key`` completed with the response to replay, kept until
        ``expires_at`` (a claim's own expiry is a short lease, so that a request that died
        midway does not hold its key for long).

        A key that is not claimed (released or expired) is left alone: nothing is created.
        """
        ...

    def release_idempotency_key(self, key: str) -> None:
        """Forget ``key`` (its first request failed), so a retry runs again."""
        ...

    # -- chat history (``CHAT#<owner>#<session_id>``) --
    def get_chat_history(self, owner: str, session_id: str) -> list[ChatTurn]:
        """The session's kept turns, oldest first; [] when unknown or expired.

        Sessions belong to their ``owner`` (the verified caller): another caller using the
        same session id sees nothing of it.
        """
        ...

    def append_chat_turns(
        self,
        owner: str,
        session_id: str,
        turns: Sequence[ChatTurn],
        *,
        keep: int = CHAT_TURNS_KEPT,
        ttl: timedelta = CHAT_TTL,
    ) -> None:
        """Add ``turns`` to the session, keep only the last ``keep``, expire ``ttl`` after now."""
        ...
