from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.ledger.invoice_cursor import TOKEN_RULE, Cursor, Key, decode, key_of
from finance_agent.domain.ledger.invoice_view import has_status, invoice_view
from finance_agent.domain.ledger.ports import MAX_INVOICE_PAGE, LedgerRepository
from finance_agent.domain.ledger.records import InvoiceRecord
from finance_agent.domain.models.ar_aging import CUSTOMER_ID_PATTERN
from finance_agent.domain.models.invoice_list import InvoiceList, InvoiceStatus, InvoiceView
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC

DEFAULT_LIMIT = 50
STATUS_RULE = "must be open, overdue, paid or all"
CUSTOMER_RULE = "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
_CUSTOMER_ID = re.compile(CUSTOMER_ID_PATTERN)

# The day each listed invoice was last reminded about, for the invoice ids asked (absent:
# never). By default the ledger's reminder records answer it, as of the list's day.
ReminderDates = Callable[[Sequence[str]], Mapping[str, date]]
# An invoice with the store token of the page it was read from (None: the first page).
_Found = tuple[InvoiceRecord, str | None]


def _check(customer_id: str | None, status: InvoiceStatus | str, limit: int) -> InvoiceStatus:
    if customer_id is not None and (
        not isinstance(customer_id, str) or not _CUSTOMER_ID.fullmatch(customer_id)
    ):
        raise ValidationError("customer_id", CUSTOMER_RULE)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_INVOICE_PAGE:
        raise ValidationError("limit", f"must be an integer from 1 to {MAX_INVOICE_PAGE}")
    try:
        return InvoiceStatus(status)
    except ValueError:
        raise ValidationError("status", STATUS_RULE) from None


class ListInvoicesUC:
    """Invoices as of a day, in due-date order, a page at a time.

    Open and overdue invoices come from the store's ``open_invoices_as_of`` (the invoices open
    now plus those settled after the day: what aging reads), filtered and paged here with a
    keyset cursor. Paid and all invoices are the store's pages (a customer's read by key),
    filtered by the as-of rule; a page that stops inside a store page remembers that page's
    token and the last key, so the next one resumes exactly after the last invoice shown.
    """

    def __init__(
        self,
        ledger: LedgerRepository,
        *,
        today: Callable[[], date] | None = None,
        reminder_dates: ReminderDates | None = None,
    ) -> None:
        self._ledger = ledger
        self._aging = AgingAsOfUC(ledger, today=today)
        self._reminder_dates = reminder_dates

    def execute(
        self,
        customer_id: str | None = None,
        status: InvoiceStatus | str = InvoiceStatus.OPEN,
        as_of: date | str | None = None,
        limit: int = DEFAULT_LIMIT,
        next_token: str | None = None,
    ) -> InvoiceList:
        chosen = _check(customer_id, status, limit)
        cursor = None if next_token is None else decode(next_token)
        if cursor is not None:
            as_of = self._same_query(cursor, customer_id, chosen, as_of)
        day = self._aging.as_of(as_of)
        after = cursor.last if cursor else None
        if chosen in (InvoiceStatus.OPEN, InvoiceStatus.OVERDUE):
            found = self._from_open(customer_id, chosen, day, after, limit + 1)
        else:
            start = cursor.store_token if cursor else None
            found = list(self._from_pages(customer_id, chosen, day, after, start, limit + 1))
        page = found[:limit]
        token = None
        if len(found) > limit:
            record, store_token = page[-1]
            token = Cursor(customer_id, chosen.value, day, key_of(record), store_token).encode()
        return InvoiceList(invoices=self._views([r for r, _ in page], day), next_token=token)

    @staticmethod
    def _same_query(
        cursor: Cursor, customer_id: str | None, status: InvoiceStatus, as_of: date | str | None
    ) -> date | str:
        if cursor.customer_id != customer_id or cursor.status != status.value:
            raise ValidationError("next_token", TOKEN_RULE)
        if as_of is not None and str(as_of) != cursor.as_of.isoformat():
            raise ValidationError("next_token", TOKEN_RULE)
        return cursor.as_of

    def _from_open(
        self,
        customer_id: str | None,
        status: InvoiceStatus,
        day: date,
        after: Key | None,
        wanted: int,
    ) -> list[_Found]:
        chosen = sorted(
            (
                r
                for r in self._ledger.open_invoices_as_of(day)
                if (customer_id is None or r.invoice.customer_id == customer_id)
                and (after is None or key_of(r) > after)
                and has_status(r, day, status)
            ),
            key=key_of,
        )
        return [(r, None) for r in chosen[:wanted]]

    def _from_pages(
        self,
        customer_id: str | None,
        status: InvoiceStatus,
        day: date,
        after: Key | None,
        store_token: str | None,
        wanted: int,
    ) -> Iterator[_Found]:
        found = 0
        while found < wanted:
            page = self._ledger.list_invoices(
                customer_id=customer_id, limit=MAX_INVOICE_PAGE, after=store_token
            )
            for record in page.items:
                if (after is None or key_of(record) > after) and has_status(record, day, status):
                    yield record, store_token
                    found += 1
                    if found == wanted:
                        return
            if page.next_token is None:
                return
            store_token = page.next_token

    def _views(self, records: list[InvoiceRecord], day: date) -> list[InvoiceView]:
        ids = [r.invoice_id for r in records]
        customers = self._ledger.get_customers({r.invoice.customer_id for r in records})
        reminded: Mapping[str, date] = {}
        if ids:
            lookup = self._reminder_dates
            reminded = lookup(ids) if lookup else self._ledger.last_reminder_dates(ids, day)
        views = []
        for record in records:
            known = customers.get(record.invoice.customer_id)
            name = known.name if known else record.invoice.customer_id
            views.append(invoice_view(record, name, day, reminded.get(record.invoice_id)))
        return views
