"""Reporting periods: ``last_<N>d``, the N days ending today inclusive, N from 1 to 365."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from finance_agent.domain.errors import ValidationError

MAX_PERIOD_DAYS = 365
PERIOD_RULE = f"must look like last_<N>d with N from 1 to {MAX_PERIOD_DAYS}, e.g. last_30d"
# No leading zeros and no surrounding spaces: one spelling per period, as every front door
# (HTTP, CLI, MCP, the chat) reads it.
_PATTERN = re.compile(r"last_([1-9][0-9]{0,2})d")


@dataclass(frozen=True)
class Period:
    days: int

    @property
    def name(self) -> str:
        return f"last_{self.days}d"

    def bounds(self, today: date) -> tuple[date, date]:
        """First and last day of the period ending ``today``."""
        return today - timedelta(days=self.days - 1), today

    def previous_bounds(self, today: date) -> tuple[date, date]:
        """The period of the same length just before this one."""
        start, _ = self.bounds(today)
        return start - timedelta(days=self.days), start - timedelta(days=1)


def parse_period(value: str, field: str = "period") -> Period:
    match = _PATTERN.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValidationError(field, PERIOD_RULE)
    days = int(match.group(1))
    if not 1 <= days <= MAX_PERIOD_DAYS:
        raise ValidationError(field, PERIOD_RULE)
    return Period(days)
