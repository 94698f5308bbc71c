"""Request and response models of the HTTP API (the OpenAPI document is generated from them).

Query models are validated from API Gateway's ``queryStringParameters`` (strings); unknown
parameters are refused so a typo (``limt=5``) is a 400, not a silent default.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from finance_agent.adapters.http.input_rules import ID_PATTERN as ID_PATTERN
from finance_agent.adapters.http.input_rules import PERIOD_PATTERN as PERIOD_PATTERN
from finance_agent.adapters.http.input_rules import (
    Days,
    DaysOverdue,
    Horizon,
    Identifier,
    IsoDate,
    PageSize,
    PeriodName,
    SessionId,
    Threshold,
)
from finance_agent.domain.models import ARAging, SalesDay
from finance_agent.domain.models.ar_aging import AgingBasis
from finance_agent.domain.period import MAX_PERIOD_DAYS


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


AgingBasisName = Literal["due_date", "invoice_date"]
InvoiceStatusName = Literal["open", "overdue", "paid", "all"]
AS_OF = (
    "the day the figures are as of, YYYY-MM-DD, from the first invoice's issue date to "
    "today (default today): invoices issued after it and settlements dated after it are left "
    "out, so an invoice paid later is open on it"
)


class ARAgingQuery(ApiModel):
    min_days_overdue: DaysOverdue = Field(
        0,
        description=(
            "only customers owing something at least this many days past due "
            "(0: every customer; 61: more than 60 days overdue)"
        ),
    )
    as_of: IsoDate | None = Field(None, description=AS_OF)
    basis: AgingBasisName = Field(
        "due_date",
        description=(
            "due_date: buckets count days past the due date (not yet due, and due on the day, "
            "in current); invoice_date: days since the issue date (0-30 in current)"
        ),
    )


class InvoicesQuery(ApiModel):
    customer_id: Identifier | None = Field(None, description="only this customer's invoices")
    status: InvoiceStatusName = Field(
        "open",
        description=(
            "open: a balance above zero on as_of, overdue ones included; overdue: open and "
            "past due; paid: nothing owed; all"
        ),
    )
    as_of: IsoDate | None = Field(None, description=AS_OF)
    limit: PageSize = Field(50, description="invoices per page")
    next_token: str | None = Field(
        None,
        min_length=1,
        max_length=2048,
        description="next_token of the previous page, with the same customer_id, status and as_of",
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
    as_of: date = Field(description="the day the figures are as of")
    basis: AgingBasis = Field(description="what the buckets count days from")
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
