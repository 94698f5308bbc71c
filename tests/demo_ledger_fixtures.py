"""Receivables for tests, written as the ledger keeps them.

``put_aging(repo, rows, today)`` writes each customer's aging (five buckets, an ``ARAging``)
as a customer and one open invoice per non-zero bucket, dated so that on ``today`` it falls
in that bucket: the same conversion a store made before the ledger gets when it is upgraded
(``infra/ar_aging_conversion.py``). A test that used to store aging numbers stores books
that show exactly that aging on ``today``, and age from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from finance_agent.domain.ledger.ports import LedgerRepository
from finance_agent.domain.ledger.records import InvoiceRecord
from finance_agent.domain.models import ARAging
from finance_agent.infra.ar_aging_conversion import opening_ledger


def put_aging(ledger: LedgerRepository, rows: Iterable[ARAging], today: date) -> None:
    """Customers and open invoices that show ``rows`` as the aging at the end of ``today``."""
    customers = []
    records: list[InvoiceRecord] = []
    for row in rows:
        customer, opening = opening_ledger(row, today)
        customers.append(customer)
        records.extend(opening)
    ledger.put_customers(customers)
    ledger.put_invoice_records(records)
