"""Random invoices written as a CSV, imported, then aged as of random days: the figures match
an independent reading of the columns to the cent, and importing the file again writes
nothing."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance_agent.domain.ledger.aging import bucket_for
from finance_agent.domain.models.ar_aging import BUCKETS
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC
from import_runner import TODAY, Books

START = date(2025, 6, 1)
SPAN = (TODAY - START).days
NAMES = {"C1": "Acme", "C2": "Bolt, Inc.", "C3": "Ça va SA"}
HEADER = [
    "invoice_id",
    "customer_id",
    "customer_name",
    "issue_date",
    "due_date",
    "amount",
    "paid_date",
    "open_balance",
]
day_in_span = st.integers(0, SPAN).map(lambda n: START + timedelta(days=n))


@st.composite
def rows(draw: st.DrawFn, as_of: date, number: int) -> dict[str, str]:
    issued = draw(day_in_span)
    amount = draw(st.integers(1, 5_000_000))
    row = {
        "invoice_id": f"{number:010d}",
        "customer_id": (customer := draw(st.sampled_from(sorted(NAMES)))),
        "customer_name": NAMES[customer],
        "issue_date": issued.isoformat(),
        "due_date": (issued + timedelta(days=draw(st.sampled_from([0, 30, 60])))).isoformat(),
        "amount": str(Decimal(amount) / 100),
        "paid_date": "",
        "open_balance": "",
    }
    paid = None
    if draw(st.booleans()):
        paid = issued + timedelta(days=draw(st.integers(0, (TODAY - issued).days)))
        row["paid_date"] = paid.isoformat()
    if draw(st.booleans()):
        if issued > as_of:
            owed = amount
        elif paid is not None and paid <= as_of:
            owed = 0
        else:
            owed = draw(st.integers(0, amount))
        row["open_balance"] = str(Decimal(owed) / 100)
    return row


def owed_at(row: dict[str, str], as_of: date, day: date) -> Decimal:
    """What the columns say was owed at the end of ``day``."""
    if date.fromisoformat(row["issue_date"]) > day:
        return Decimal(0)
    if row["paid_date"] and date.fromisoformat(row["paid_date"]) <= day:
        return Decimal(0)
    if row["open_balance"] and date.fromisoformat(row["issue_date"]) <= as_of <= day:
        return Decimal(row["open_balance"])
    return Decimal(row["amount"])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data(), day_in_span, st.lists(day_in_span, min_size=1, max_size=4))
def test_imported_books_age_as_their_columns_say(
    sqlite_repo: FinanceRepository, data: st.DataObject, as_of: date, days: list[date]
) -> None:
    lines = [data.draw(rows(as_of, n)) for n in range(data.draw(st.integers(1, 30)))]
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(lines)
    books = Books(sqlite_repo, batch_size=7)
    first = books.run("invoices", out.getvalue(), as_of=as_of)
    assert first.status == "imported", first.problems
    aging = AgingAsOfUC(books.ledger, today=lambda: TODAY)
    earliest = min(date.fromisoformat(r["issue_date"]) for r in lines)
    for day in (max(d, earliest) for d in days):
        expected: dict[str, dict[str, Decimal]] = {}
        for row in lines:
            owed = owed_at(row, as_of, day)
            if owed:
                due = date.fromisoformat(row["due_date"])
                per = expected.setdefault(row["customer_id"], dict.fromkeys(BUCKETS, Decimal(0)))
                per[bucket_for((day - due).days)] += owed
        got = {
            r.customer_id: {b: getattr(r, b) for b in BUCKETS}
            for r in aging.execute(as_of=day).customers
        }
        assert got == expected
    again = books.run("invoices", out.getvalue(), as_of=as_of)
    assert again.changed == 0
