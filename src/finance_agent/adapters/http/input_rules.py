"""The rules of the API's inputs, as pydantic types whose errors read as the rules themselves.

Each refusal is the rule for a person (``must be a whole number from 1 to 365``), the same
one the use case would give, never a regex or pydantic's wording. Query values arrive as
text, so numbers are held to plain decimal syntax: ``int()`` and ``float()`` also take
signs, spaces, underscores and ``nan``.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from finance_agent.domain.period import MAX_PERIOD_DAYS, PERIOD_RULE

PERIOD_PATTERN = r"^last_[1-9][0-9]{0,2}d$"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
SESSION_ID_PATTERN = r"^[0-9A-Za-z._:-]{2,100}$"
SESSION_ID_RULE = "must be 2 to 100 of 0-9 a-z A-Z . _ : -"
MAX_THRESHOLD = 10
THRESHOLD_RULE = f"must be a number greater than 0 and at most {MAX_THRESHOLD}"
# Plain decimal digits: no sign, space, underscore, point or leading zero (int() takes all).
_WHOLE = re.compile(r"0|[1-9][0-9]*")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _refuse(kind: str, rule: str) -> PydanticCustomError:
    # The rule is the whole message: no "Value error, " prefix, no regex.
    return PydanticCustomError(kind, rule)


def _whole_number(low: int, high: int) -> BeforeValidator:
    rule = f"must be a whole number from {low} to {high}"

    def check(value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and _WHOLE.fullmatch(value) and len(value) <= len(str(high)):
            number = int(value)
        else:
            raise _refuse("whole_number", rule)
        if not low <= number <= high:
            raise _refuse("whole_number", rule)
        return number

    return BeforeValidator(check)


def _threshold(value: Any) -> float:
    text = value if isinstance(value, str) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = repr(value)
    if text is None or len(text) > 32 or not _NUMBER.fullmatch(text):
        raise _refuse("threshold", THRESHOLD_RULE)
    number = float(text)
    if not (math.isfinite(number) and 0 < number <= MAX_THRESHOLD):
        raise _refuse("threshold", THRESHOLD_RULE)
    return number


def _period_name(value: Any) -> str:
    # last_030d is refused, not read as last_30d: a name is given as it will be reported.
    match = re.fullmatch(PERIOD_PATTERN, value) if isinstance(value, str) else None
    if match is None or int(value[5:-1]) > MAX_PERIOD_DAYS:
        raise _refuse("period", PERIOD_RULE)
    return str(value)


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(ID_PATTERN, value):
        # The use case's own rule, read only when needed (it would load every use case).
        from finance_agent.domain.usecases.create_collection_reminder import ID_RULE

        raise _refuse("identifier", ID_RULE)
    return value


def _session_id(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(SESSION_ID_PATTERN, value):
        raise _refuse("session_id", SESSION_ID_RULE)
    return value


def _iso_date_only(value: Any) -> date:
    """Only ``YYYY-MM-DD`` text: pydantic would also take timestamps and datetimes."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # 2026-02-30: the same rule
    raise _refuse("date", "must be a date as YYYY-MM-DD")


# Limits first (the OpenAPI schema shows them), then the validator that gives the rule.
IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
Identifier = Annotated[str, Field(pattern=ID_PATTERN), BeforeValidator(_identifier)]
PeriodName = Annotated[str, Field(pattern=PERIOD_PATTERN), BeforeValidator(_period_name)]
Threshold = Annotated[float, Field(gt=0, le=MAX_THRESHOLD), BeforeValidator(_threshold)]
SessionId = Annotated[str, Field(pattern=SESSION_ID_PATTERN), BeforeValidator(_session_id)]
Horizon = Annotated[int, Field(ge=1, le=365), _whole_number(1, 365)]
Days = Annotated[int, Field(ge=1, le=MAX_PERIOD_DAYS), _whole_number(1, MAX_PERIOD_DAYS)]
DaysOverdue = Annotated[int, Field(ge=0, le=3650), _whole_number(0, 3650)]
PageSize = Annotated[int, Field(ge=1, le=100), _whole_number(1, 100)]
