"""An invoices file against the stored ledger: the records it makes, and what it contradicts.

A line states facts about its invoice; the settlements they imply are derived here:

- ``paid_date``: the invoice was settled in full that day. What the recorded settlements
  leave open becomes a ``payment`` dated ``paid_date``.
- ``open_balance``: what was owed at the end of the import's as-of day. The difference from
  the amount less the settlements recorded by then becomes a ``payment`` dated that day.

Implied settlements have the ids ``import:<date>`` (a payments file may not use that
prefix), so the same file imported again implies the same settlements and writes nothing.
A line owns only the implied settlements of its own dates: settlements from payments files,
and those implied by an earlier file as of another day, are facts it keeps; one that would
make them add up to more than the invoice, or contradict them, is a problem of that line.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache

from finance_agent.domain.ledger.import_files import CustomerLine, InvoiceFile, InvoiceLine
from finance_agent.domain.ledger.import_records import checked_record, checked_settlement
from finance_agent.domain.ledger.import_tally import Tally
from finance_agent.domain.ledger.ports import LedgerRepository
from finance_agent.domain.ledger.problems import ProblemLog
from finance_agent.domain.ledger.records import Customer, InvoiceRecord, Settlement, SettlementKind

IMPLIED_PREFIX = "import:"
_ZERO = Decimal(0)


class LineProblem(Exception):
    def __init__(self, column: str, rule: str, value: object) -> None:
        super().__init__(rule)
        self.column, self.rule, self.value = column, rule, str(value)


@lru_cache(maxsize=4096)  # a file's few hundred days, a settlement id for each of its rows
def implied_id(day: date) -> str:
    return f"{IMPLIED_PREFIX}{day.isoformat()}"


def _total(settlements: list[Settlement]) -> Decimal:
    return sum((s.amount for s in settlements), Decimal(0))


def _stated_balances(line: InvoiceLine, as_of: date) -> list[tuple[date, Decimal, str]]:
    """(day, balance owed at its end, column saying so), in date order."""
    invoice, owed, paid = line.invoice, line.open_balance, line.paid_date
    stated = []
    if owed is not None:
        if invoice.issue_date > as_of:
            if owed != invoice.amount:
                raise LineProblem(
                    "open_balance",
                    f"must equal the amount: the invoice was issued after the as-of day {as_of}",
                    owed,
                )
        elif paid is not None and paid <= as_of and owed != 0:
            raise LineProblem("open_balance", f"must be 0: paid_date is {paid}", owed)
        else:
            stated.append((as_of, owed, "open_balance"))
    if paid is not None:
        stated.append((paid, _ZERO, "paid_date"))
    if len(stated) > 1:
        stated.sort(key=lambda s: s[0])
    return stated


def _implied(line: InvoiceLine, kept: list[Settlement], as_of: date) -> list[Settlement]:
    """The settlements that make the stated balances true, given the ``kept`` ones."""
    invoice = line.invoice
    implied: list[Settlement] = []
    for day, balance, column in _stated_balances(line, as_of):
        before = kept + implied
        paid = _total([s for s in before if s.settled_on <= day]) if before else _ZERO
        gap = invoice.amount - paid - balance
        if gap < 0:
            raise LineProblem(
                column,
                f"must be at most {invoice.amount - paid}: settlements of {paid} "
                f"are recorded by {day}",
                balance if column == "open_balance" else day,
            )
        if gap > 0:
            # Every value is derived from checked ones (see import_records.py).
            implied.append(
                checked_settlement(
                    implied_id(day), invoice.invoice_id, SettlementKind.PAYMENT, day, gap
                )
            )
    return implied


def record_for(line: InvoiceLine, stored: InvoiceRecord | None, as_of: date) -> InvoiceRecord:
    """The record ``line`` makes of its invoice; ``LineProblem`` when it cannot be one."""
    invoice = line.invoice
    kept: list[Settlement] = []
    if stored is not None and stored.settlements:
        own = {implied_id(as_of)} | ({implied_id(line.paid_date)} if line.paid_date else set())
        kept = [s for s in stored.settlements if s.settlement_id not in own]
    settlements = kept + _implied(line, kept, as_of)
    if len(settlements) > 1:
        settlements.sort(key=lambda s: (s.settled_on, s.settlement_id))
    total = _total(settlements)
    if total > invoice.amount:
        last = settlements[-1].settled_on
        if line.paid_date is not None:
            raise LineProblem(
                "paid_date",
                f"must be on or after the last settlement recorded, {last}",
                line.paid_date,
            )
        raise LineProblem(
            "amount",
            f"must be at least {total}: the settlements recorded against the invoice add up to it",
            invoice.amount,
        )
    if settlements and settlements[0].settled_on < invoice.issue_date:
        first = settlements[0].settled_on
        raise LineProblem(
            "issue_date",
            f"must be on or before the settlement recorded on {first}",
            invoice.issue_date,
        )
    # The record's own rules (settlements against it, not above it) hold by now.
    return checked_record(invoice, tuple(settlements))


def customer_for(line: CustomerLine, stored: Customer | None) -> Customer:
    """The file names the customer; terms and holds kept in the store stay as they are."""
    if stored is None:
        return Customer(customer_id=line.customer_id, name=line.name, email=line.email)
    return stored.model_copy(update={"name": line.name, "email": line.email or stored.email})


def plan_customers(
    file: InvoiceFile, ledger: LedgerRepository, tally: Tally, size: int
) -> Iterator[list[Customer]]:
    """Batches of the file's customers that differ from the stored ones."""
    for lines in file.customers(size):
        stored = ledger.get_customers(line.customer_id for line in lines)
        changed = []
        for line in lines:
            before = stored.get(line.customer_id)
            after = customer_for(line, before)
            if tally.record("customers", line.customer_id, before, after):
                changed.append(after)
        yield changed


def plan_invoices(
    file: InvoiceFile,
    ledger: LedgerRepository,
    as_of: date,
    problems: ProblemLog,
    tally: Tally,
    size: int,
    *,
    build: bool = True,
) -> Iterator[tuple[int, list[InvoiceRecord]]]:
    """Batches of (lines read, the invoice records that differ from the stored ones).

    With ``build`` False (a check: problems and counts only) a new invoice's record is not
    built: with nothing stored to contradict, only its stated balances can be at fault.
    """
    for lines in file.invoices(size):
        stored = ledger.get_invoice_records(line.invoice.invoice_id for line in lines)
        changed = []
        for line in lines:
            invoice_id = line.invoice.invoice_id
            before = stored.get(invoice_id)
            try:
                if before is None and not build:
                    _stated_balances(line, as_of)
                    tally.record("invoices", invoice_id, None, line.invoice)
                    continue
                after = record_for(line, before, as_of)
            except LineProblem as problem:
                problems.add(line.row, problem.column, problem.rule, problem.value)
                continue
            if tally.record("invoices", invoice_id, before, after):
                changed.append(after)
        yield len(lines), changed
