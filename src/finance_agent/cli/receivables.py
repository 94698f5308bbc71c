"""``ar-aging`` and ``invoices``: what customers owe, from the ledger, as of any day.

``--json`` prints what the API answers to the same question (``GET /agent/tools/ar-aging``,
``GET /agent/tools/invoices``), nothing of its own.
"""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from pydantic import BaseModel

from finance_agent.cli.console import emit
from finance_agent.cli.flags import FlagParser, int_flag, iso_date
from finance_agent.cli.tables import money, table
from finance_agent.domain.models.ar_aging import BUCKETS, AgingBasis, ARAging
from finance_agent.domain.models.invoice_list import InvoiceStatus

if TYPE_CHECKING:
    from finance_agent.domain.models.invoice_list import InvoiceList
    from finance_agent.domain.usecases.ledger_aging import LedgerAging

_BASIS_WORDS = {AgingBasis.DUE_DATE: "days past due", AgingBasis.INVOICE_DATE: "days since issue"}


class AgingAnswer(BaseModel):
    """The ar-aging answer as of a day, for a route table whose model does not say it yet."""

    customers: list[ARAging]
    as_of: date
    basis: AgingBasis


def aging_answer(aging: LedgerAging, min_days_overdue: int, currency: str) -> BaseModel:
    """The API's answer to the same question: the ar-aging route's own response model."""
    from finance_agent.routes import find_route

    route = find_route("GET", "/agent/tools/ar-aging")
    model: type[BaseModel] = route.response_model if route is not None else AgingAnswer
    if "as_of" not in model.model_fields:
        model = AgingAnswer
    values = {
        "currency": currency,
        "min_days_overdue": min_days_overdue,
        "customers": aging.customers,
        "as_of": aging.as_of,
        "basis": aging.basis,
    }
    return model.model_validate({k: v for k, v in values.items() if k in model.model_fields})


def _cmd_ar_aging(args: argparse.Namespace) -> None:
    from finance_agent.cli.store import ledger_store
    from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC
    from finance_agent.shared.settings import get_settings

    _, ledger = ledger_store()
    aging = AgingAsOfUC(ledger).execute(
        as_of=args.as_of, basis=args.basis, min_days_overdue=args.min_days_overdue
    )
    currency = get_settings().currency
    answer = aging_answer(aging, args.min_days_overdue, currency)
    emit(answer, args.json, partial(render_aging, aging, currency))


def render_aging(aging: LedgerAging, currency: str) -> str:
    head = (
        f"Receivables as of {aging.as_of.isoformat()} by {_BASIS_WORDS[aging.basis]} "
        f"({aging.basis.value}), {currency}"
    )
    if not aging.customers:
        return head + "\nNobody owes anything that day."
    rows: list[tuple[str, ...]] = [
        (
            c.customer_id,
            c.customer_name,
            money(c.current),
            money(c.days_1_30),
            money(c.days_31_60),
            money(c.days_61_90),
            money(c.days_over_90),
            money(c.total),
            money(c.disputed) if c.disputed else "",
        )
        for c in aging.customers
    ]
    sums = [
        money(sum((getattr(c, field) for c in aging.customers), Decimal(0)))
        for field in (*BUCKETS, "total")
    ]
    rows.append(("Total", "", *sums, ""))
    headers = ("Customer", "Name", "Current", "1-30", "31-60", "61-90", "Over 90", "Total")
    return head + "\n\n" + table((*headers, "Disputed"), rows)


def _cmd_invoices(args: argparse.Namespace) -> None:
    from finance_agent.cli.store import ledger_store
    from finance_agent.domain.usecases.list_invoices import ListInvoicesUC

    _, ledger = ledger_store()
    page = ListInvoicesUC(ledger).execute(
        customer_id=args.customer_id,
        status=args.status,
        as_of=args.as_of,
        limit=args.limit,
        next_token=args.next_token,
    )
    emit(page, args.json, partial(render_invoices, page))


def render_invoices(page: InvoiceList) -> str:
    if not page.invoices:
        return "No invoices."
    rows = [
        (
            i.invoice_id,
            i.customer_id,
            i.issue_date.isoformat(),
            i.due_date.isoformat(),
            money(i.amount),
            money(i.open_balance),
            str(i.days_past_due),
            i.bucket,
            "yes" if i.disputed else "",
            i.last_reminder_date.isoformat() if i.last_reminder_date else "",
        )
        for i in page.invoices
    ]
    headers = ("Invoice", "Customer", "Issued", "Due", "Amount", "Open", "Days past due")
    text = table((*headers, "Bucket", "Disputed", "Reminded"), rows)
    if page.next_token:
        text += f"\n\nMore: --next-token {page.next_token}"
    return text


def add_commands(sub: argparse._SubParsersAction[FlagParser], json_flag: FlagParser) -> None:
    p = sub.add_parser(
        "ar-aging", parents=[json_flag], help="receivables aging per customer, as of any day"
    )
    p.add_argument("--as-of", type=iso_date, help="YYYY-MM-DD, from the first invoice to today")
    p.add_argument(
        "--basis",
        choices=[basis.value for basis in AgingBasis],
        default=AgingBasis.DUE_DATE.value,
        help="age by due_date (days past due, the default) or invoice_date (days since issue)",
    )
    p.add_argument(
        "--min-days-overdue",
        type=int_flag,
        default=0,
        help="only customers owing something at least N days past due (0-3650; default 0)",
    )
    p.set_defaults(func=_cmd_ar_aging)

    p = sub.add_parser("invoices", parents=[json_flag], help="invoices as of a day, by due date")
    p.add_argument("--customer-id", help="one customer's invoices")
    p.add_argument(
        "--status",
        choices=[status.value for status in InvoiceStatus],
        default=InvoiceStatus.OPEN.value,
        help="open (default; overdue included), overdue, paid or all",
    )
    p.add_argument("--as-of", type=iso_date, help="YYYY-MM-DD (default today)")
    p.add_argument("--limit", type=int_flag, default=50, help="1-100 (default 50)")
    p.add_argument("--next-token", help="continue after the previous page")
    p.set_defaults(func=_cmd_invoices)
