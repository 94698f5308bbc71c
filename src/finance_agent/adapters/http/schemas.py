"""Request and response models of the HTTP API (the OpenAPI document is generated from them).

Query models are validated from API Gateway's ``queryStringParameters`` (strings); unknown
parameters are refused so a typo (``limt=5``) is a 400, not a silent default.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from finance_agent.domain.models import ARAging, SalesDay
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


class ApiModel(BaseModel):
    # defer_build: built on first use, not at import (cold start; see DomainModel).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _period(default: str) -> Any:
    description = f"last_<N>d: the N days ending today inclusive, N from 1 to {MAX_PERIOD_DAYS}"
    return Field(default, description=description)


class KPIQuery(ApiModel):
    period: PeriodName = _period("last_30d")


ForecastMethod = Literal["sma", "seasonal_naive", "holt_winters", "auto"]
AnomalyMethod = Literal["zscore", "robust"]


class CashflowQuery(ApiModel):
    horizon: Horizon = Field(30, description="days to forecast after today")
    method: ForecastMethod | None = Field(
        None,
        description=(
            "sma (simple moving average, the default unless FORECAST_METHOD says otherwise), "
            "seasonal_naive, holt_winters, or auto (picks among them on held-out days)"
        ),
    )


class AnomaliesQuery(ApiModel):
    period: PeriodName = _period("last_60d")
    threshold: Threshold | None = Field(
        None,
        description=(
            "|score| at or above which a day is flagged (default 2.0 for zscore, 3.5 for robust)"
        ),
    )
    method: AnomalyMethod | None = Field(
        None,
        description=(
            "zscore (mean and standard deviation, the default unless ANOMALY_METHOD says "
            "otherwise) or robust (weekday-aware median and MAD, plus the days of any level "
            "shift)"
        ),
    )


class SalesQuery(ApiModel):
    days: Days = Field(120, description="days of history ending today")


class ARAgingQuery(ApiModel):
    min_days_overdue: DaysOverdue = Field(
        0,
        description=(
            "only customers owing something at least this many days past due "
            "(0: every customer; 61: more than 60 days overdue)"
        ),
    )


class ListActionsQuery(ApiModel):
    limit: PageSize = Field(50, description="actions per page")
    next_token: str | None = Field(
        None, min_length=1, max_length=512, description="next_token of the previous page"
    )


class ReminderBody(ApiModel):
    customer_id: Identifier = Field(description="customer to remind")
    invoice_id: Identifier | None = Field(None, description="invoice concerned")
    remind_date: IsoDate | None = Field(
        None, description="YYYY-MM-DD, today to a year ahead; default today"
    )


class SalesSeries(ApiModel):
    start_date: date
    end_date: date
    currency: str
    days: list[SalesDay]


class ARAgingList(ApiModel):
    currency: str
    min_days_overdue: int
    customers: list[ARAging]


CHAT_MESSAGE_MAX = 4000


class ChatBody(ApiModel):
    message: str = Field(
        min_length=1, max_length=CHAT_MESSAGE_MAX, description="the question or request"
    )
    session_id: SessionId | None = Field(
        None,
        description="continues a conversation (2 to 100 of 0-9 a-z A-Z . _ : -); new when absent",
    )


class ChatReply(ApiModel):
    session_id: str = Field(description="send it back to continue the conversation")
    reply: str
    provider: str = Field(description="bedrock-agent, bedrock-model or local (no model)")
    tools_used: list[str] = Field(description="operation ids of the routes called, in order")
