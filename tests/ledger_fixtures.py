"""Ledger records for the HTTP tests (handlers, the local server, OpenAPI, MCP, the action
group): a small set of books with known figures, dated from a given today, and the demo
ledger of the seed.

The small books, ``t`` being today (every figure below is as of ``t`` unless said):

- ``ACME`` (Acme Corp, ap@acme.example): ``A-1`` issued t-100, due t-70, 1000.00, 400.00
  paid on t-50, so 600.00 open 70 days past due (61-90); ``A-2`` issued t-40, due t-10,
  250.00 (1-30); ``A-3`` issued t-5, due t+25, 300.00 (current); ``A-4`` issued t-200, due
  t-170, 500.00 paid on t-150 (the first invoice of the books).
- ``BOLT`` (Bolt Ltd, no email): ``B-1`` issued t-20, due today, 120.00 (current: due
  today is not past due); ``B-2`` issued t-130, due t-100, 80.00, disputed (over 90).
- ``CALM`` (Calm Co, ap@calm.example): ``C-1`` issued t-3, due today, 75.00; ``C-2``
  issued t-60, due t-30, 60.00 paid on t-35. Nothing past due.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from finance_agent.domain.ledger.ports import LedgerRepository
from finance_agent.domain.ledger.records import Customer, Invoice, InvoiceRecord, Settlement
from finance_agent.shared import clock
from finance_agent.tools.demo_accounts import generate_customers
from finance_agent.tools.demo_ledger import extend_sales, generate_ledger
from finance_agent.tools.demo_sales import generate_sales

FIRST_ISSUE_AGO = 200  # days before today of the small books' first invoice
# The fields of each invoice the invoice list answers: what it is, then its figures.
_INVOICE = ("invoice_id", "customer_id", "customer_name", "issue_date", "due_date", "amount")
_FIGURES = ("open_balance", "days_past_due", "bucket", "disputed", "last_reminder_date")
INVOICE_FIELDS = frozenset(_INVOICE + _FIGURES)


def _record(
    invoice_id: str,
    customer_id: str,
    today: date,
    issued_ago: int,
    due_in: int,
    amount: str,
    *,
    paid: tuple[int, str] | None = None,
    disputed: bool = False,
) -> InvoiceRecord:
    """An invoice issued ``issued_ago`` days before ``today``, due ``due_in`` days from it,
    with one payment ``(days ago, amount)``."""
    invoice = Invoice(
        invoice_id=invoice_id,
        customer_id=customer_id,
        issue_date=today - timedelta(days=issued_ago),
        due_date=today + timedelta(days=due_in),
        amount=Decimal(amount),
        disputed=disputed,
    )
    settlements: tuple[Settlement, ...] = ()
    if paid is not None:
        ago, value = paid
        settlements = (
            Settlement(
                settlement_id=f"PAY-{invoice_id}",
                invoice_id=invoice_id,
                settled_on=today - timedelta(days=ago),
                amount=Decimal(value),
            ),
        )
    return InvoiceRecord(invoice=invoice, settlements=settlements)


def small_books(today: date) -> tuple[list[Customer], list[InvoiceRecord]]:
    customers = [
        Customer(customer_id="ACME", name="Acme Corp", email="ap@acme.example"),
        Customer(customer_id="BOLT", name="Bolt Ltd"),
        Customer(customer_id="CALM", name="Calm Co", email="ap@calm.example"),
    ]
    records = [
        _record("A-1", "ACME", today, 100, -70, "1000.00", paid=(50, "400.00")),
        _record("A-2", "ACME", today, 40, -10, "250.00"),
        _record("A-3", "ACME", today, 5, 25, "300.00"),
        _record("A-4", "ACME", today, FIRST_ISSUE_AGO, -170, "500.00", paid=(150, "500.00")),
        _record("B-1", "BOLT", today, 20, 0, "120.00"),
        _record("B-2", "BOLT", today, 130, -100, "80.00", disputed=True),
        _record("C-1", "CALM", today, 3, 0, "75.00"),
        _record("C-2", "CALM", today, 60, -30, "60.00", paid=(35, "60.00")),
    ]
    return customers, records


def write_small_books(ledger: Any, today: date | None = None) -> date:
    """The small books written into ``ledger`` (a store); returns the today they are dated
    from."""
    day = today or clock.today()
    books: LedgerRepository = ledger
    customers, records = small_books(day)
    books.put_customers(customers)
    books.put_invoice_records(records)
    return day


def write_demo_ledger(ledger: Any, seed: int = 42, today: date | None = None) -> None:
    """The demo customers' books as the seed draws them, written when the store has no
    ledger yet; a store the seed already gave its ledger is left as it is.

    The seed draws the ledger from a fourth stream after its sales', customers' and
    actions' (tools/demo_ledger.py), so these are the same records it writes.
    """
    books: LedgerRepository = ledger
    if books.first_issue_date() is not None:
        return
    day = today or clock.today()
    master = random.Random(seed)
    sales_rng, customers_rng, _actions = (random.Random(master.getrandbits(64)) for _ in range(3))
    ledger_rng = random.Random(master.getrandbits(64))
    contacts = generate_customers(customers_rng)
    sales = extend_sales(ledger_rng, generate_sales(sales_rng, day))
    demo = generate_ledger(ledger_rng, day, sales, contacts)
    books.put_customers(demo.customers)
    books.put_invoice_records(demo.invoices)


def debtor_ids(ledger: Any) -> list[str]:
    """Customers owing money past due today, the most overdue first."""
    from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC

    return [row.customer_id for row in AgingAsOfUC(ledger).execute(min_days_overdue=1).customers]
