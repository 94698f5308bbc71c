"""The route table: every front door (Lambda, local server, OpenAPI, agent tools) reads it.

Handlers are dotted strings so that reading the table imports no handler module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from finance_agent.adapters.http import schemas
from finance_agent.domain.models import (
    ActionPage,
    AgentAction,
    AnomalyReport,
    CashflowForecast,
    KPIs,
)
from finance_agent.domain.models.invoice_list import InvoiceList
from finance_agent.shared.auth import ACTIONS_SCOPE

HANDLERS = "finance_agent.adapters.handlers"
# The handlers' limit on a request body (API Gateway's own is 10 MB).
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class LongList:
    """The list in a route's answer that can outgrow a Bedrock action group's 25 KB.

    ``keep``: which end to keep when it must be cut; ``page_size``: the query parameter that
    pages it (the page is asked for again, smaller, so its ``next_token`` stays right);
    ``narrow``: how to ask for less, told to the agent.
    """

    field: str
    narrow: str
    keep: Literal["first", "last"] = "first"
    page_size: str | None = None


@dataclass(frozen=True)
class Route:
    operation_id: str
    method: str
    path: str
    handler: str
    response_model: type[BaseModel]
    summary: str
    description: str
    query_model: type[BaseModel] | None = None
    body_model: type[BaseModel] | None = None
    scope: str | None = None
    is_tool: bool = True
    success_status: int = 200
    # POST routes that honour an Idempotency-Key header.
    idempotent: bool = False
    # Routes that call a model or agent, and so can answer 429/502/503.
    calls_upstream: bool = False
    long_list: LongList | None = None
    max_body_bytes: int = MAX_BODY_BYTES

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    def load_handler(self) -> Any:
        module_name, _, attribute = self.handler.rpartition(".")
        return getattr(importlib.import_module(module_name), attribute)


ROUTES: tuple[Route, ...] = (
    Route(
        operation_id="get_kpis",
        method="GET",
        path="/agent/tools/kpis",
        handler=f"{HANDLERS}.figures.get_kpis.handler",
        query_model=schemas.KPIQuery,
        response_model=KPIs,
        summary="Financial KPIs of a period",
        description=(
            "Revenue, gross margin, accounts receivable total and over 60 days for the period, "
            "with the previous period of the same length for comparison."
        ),
    ),
    Route(
        operation_id="cashflow_forecast",
        method="GET",
        path="/agent/tools/cashflow",
        handler=f"{HANDLERS}.figures.cashflow_forecast.handler",
        query_model=schemas.CashflowQuery,
        response_model=CashflowForecast,
        summary="Cash-flow forecast",
        description=(
            "Expected daily cash inflow from sales for each day of the horizon, with the daily "
            "average and the total."
        ),
        long_list=LongList(
            "points", "ask for a shorter horizon (the total and its interval cover all of it)"
        ),
    ),
    Route(
        operation_id="detect_anomalies",
        method="GET",
        path="/agent/tools/anomalies",
        handler=f"{HANDLERS}.figures.detect_anomalies.handler",
        query_model=schemas.AnomaliesQuery,
        response_model=AnomalyReport,
        summary="Unusual sales days",
        description=(
            "Days of the period whose revenue is far from what was expected, with scores: "
            "zscore measures from the period's mean; robust from each weekday's level and "
            "the trend, and also finds level shifts (runs of days together above or below)."
        ),
        long_list=LongList("anomalies", "ask for a shorter period", keep="last"),
    ),
    Route(
        operation_id="get_sales",
        method="GET",
        path="/agent/tools/sales",
        handler=f"{HANDLERS}.figures.get_sales.handler",
        query_model=schemas.SalesQuery,
        response_model=schemas.SalesSeries,
        summary="Daily sales history",
        description="Revenue and cost of goods sold per day, oldest first.",
        long_list=LongList("days", "ask for fewer days", keep="last"),
    ),
    Route(
        operation_id="get_ar_aging",
        method="GET",
        path="/agent/tools/ar-aging",
        handler=f"{HANDLERS}.receivables.get_ar_aging.handler",
        query_model=schemas.ARAgingQuery,
        response_model=schemas.ARAgingList,
        summary="Receivables aging per customer",
        description=(
            "What each customer owes by days past due, from the invoices and settlements of "
            "the books as of a day (default today), the most overdue (over 60 days) first."
        ),
        long_list=LongList("customers", "ask with a higher min_days_overdue"),
    ),
    Route(
        operation_id="list_invoices",
        method="GET",
        path="/agent/tools/invoices",
        handler=f"{HANDLERS}.receivables.list_invoices.handler",
        query_model=schemas.InvoicesQuery,
        response_model=InvoiceList,
        summary="Invoices with what is owed on each",
        description=(
            "Invoices as of a day in due-date order, a page at a time (next_token): open (the "
            "default, overdue ones included), overdue, paid or all, of every customer or one. "
            "Each with its open balance, days past due, aging bucket, disputed flag and the "
            "day it was last named in a collection reminder."
        ),
        long_list=LongList(
            "invoices", "ask for the next page, or one customer's invoices", page_size="limit"
        ),
    ),
    Route(
        operation_id="create_collection_reminder",
        method="POST",
        path="/agent/actions/collection-reminder",
        handler=f"{HANDLERS}.actions.create_collection_reminder.handler",
        body_model=schemas.ReminderBody,
        response_model=AgentAction,
        scope=ACTIONS_SCOPE,
        success_status=201,
        idempotent=True,
        summary="Record a collection reminder",
        description=(
            "Records a reminder to collect what a customer owes: a named invoice must be "
            "that customer's, open and past due; without one, the reminder lists every "
            "past-due invoice of the customer. The same reminder (customer, "
            "invoice, date) is recorded once: posting it again answers 200 with the existing "
            "action. An Idempotency-Key header makes a retry return the first response."
        ),
    ),
    Route(
        operation_id="list_actions",
        method="GET",
        path="/agent/actions",
        handler=f"{HANDLERS}.actions.list_actions.handler",
        query_model=schemas.ListActionsQuery,
        response_model=ActionPage,
        summary="Recent agent actions",
        description="Recorded actions, newest first, a page at a time (next_token).",
        long_list=LongList("items", "ask for the next page", page_size="limit"),
    ),
    Route(
        operation_id="agent_chat",
        method="POST",
        path="/agent/chat",
        handler=f"{HANDLERS}.chat.agent_chat.handler",
        body_model=schemas.ChatBody,
        response_model=schemas.ChatReply,
        is_tool=False,
        calls_upstream=True,
        # A retried question must not ask the model again, nor record the turn twice.
        idempotent=True,
        summary="Ask the finance agent",
        description=(
            "A question or request in plain words, answered with the real figures. The tools it "
            "uses are this API's routes, called as the caller: recording a reminder needs the "
            "agent:actions scope here too. Answered by a Bedrock agent, a Bedrock model with "
            "tools, or, with neither configured, a local assistant that uses no model "
            "(provider says which). Send session_id back to continue a conversation. An "
            "Idempotency-Key header makes a retry return the first answer."
        ),
    ),
)

_BY_ID = {route.operation_id: route for route in ROUTES}
_BY_KEY = {route.route_key: route for route in ROUTES}


def route_by_id(operation_id: str) -> Route:
    return _BY_ID[operation_id]


def find_route(method: str, path: str) -> Route | None:
    return _BY_KEY.get(f"{method.upper()} {path}")


def tool_routes() -> tuple[Route, ...]:
    return tuple(route for route in ROUTES if route.is_tool)
