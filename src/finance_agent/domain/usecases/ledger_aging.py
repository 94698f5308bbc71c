from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.ledger.aging import customer_rows
from finance_agent.domain.ledger.as_of import check_as_of
from finance_agent.domain.ledger.ports import LedgerRepository
from finance_agent.domain.models.ar_aging import AgingBasis, ARAging
from finance_agent.domain.usecases.overdue_customers import most_overdue_first
from finance_agent.shared import clock

BASIS_RULE = "must be due_date or invoice_date"


def parse_basis(value: AgingBasis | str) -> AgingBasis:
    try:
        return AgingBasis(value)
    except ValueError:
        raise ValidationError("basis", BASIS_RULE) from None


@dataclass(frozen=True)
class LedgerAging:
    """Customers' aging as of a day, most overdue first, with what it was computed for."""

    as_of: date
    basis: AgingBasis
    customers: list[ARAging]


class AgingAsOfUC:
    """Receivables aging from the ledger as of any day from the first invoice to today.

    Reads only the invoices open at that day (the store's ``open_invoices_as_of``) and their
    customers by key, never the paid history.
    """

    def __init__(
        self, ledger: LedgerRepository, *, today: Callable[[], date] | None = None
    ) -> None:
        self._ledger = ledger
        # Looked up when built, not when imported, so a replaced clock is honoured.
        self._today = today or clock.today

    def execute(
        self,
        as_of: date | str | None = None,
        basis: AgingBasis | str = AgingBasis.DUE_DATE,
        min_days_overdue: int = 0,
    ) -> LedgerAging:
        chosen = parse_basis(basis)
        day = self.as_of(as_of)
        records = self._ledger.open_invoices_as_of(day)
        customers = self._ledger.get_customers({r.invoice.customer_id for r in records})
        rows = customer_rows(records, customers, day, chosen)
        return LedgerAging(day, chosen, most_overdue_first(rows, min_days_overdue))

    def as_of(self, value: date | str | None) -> date:
        """``value`` checked against the ledger (default today)."""
        first = self._ledger.first_issue_date() if value is not None else None
        return check_as_of(value, today=self._today(), first_issue=first)
