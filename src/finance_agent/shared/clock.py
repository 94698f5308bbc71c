"""What "today" and "now" mean: the calendar day in the TIMEZONE setting, instants in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

from finance_agent.shared.settings import get_settings


def now_utc() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """The calendar day in the configured time zone."""
    return datetime.now(get_settings().tz).date()
