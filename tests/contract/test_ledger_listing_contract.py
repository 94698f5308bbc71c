"""The LedgerRepository contract for listing invoices: (due date, id) order, by customer,
open only, pages of 1 to 100 joined by ``next_token``, and bad tokens refused."""

from __future__ import annotations

import base64
import json

import pytest
from ledger_builders import D, day, record

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.ledger.ports import LedgerRepository

# (id, customer, due in days from D, paid on that day or None): dues repeat, so ties are
# ordered by id; C2's are interleaved with C1's.
INVOICES = [
    ("A-1", "C1", -40, None),
    ("A-2", "C2", -40, -1),
    ("A-0", "C1", -40, 3),
    ("B-1", "C2", -10, None),
    ("C-1", "C1", 0, -5),
    ("C-2", "C1", 0, None),
    ("D-1", "C2", 15, None),
    ("D-2", "C1", 15, 1),
    ("E-1", "C1", 60, None),
]


@pytest.fixture
def ledger(repo: LedgerRepository) -> LedgerRepository:
    repo.put_invoice_records(
        record(
            iid,
            *([(day(paid), "100.00")] if paid is not None else []),
            customer_id=cid,
            issued=day(due - 30),
            due=day(due),
        )
        for iid, cid, due, paid in INVOICES
    )
    return repo


def expected(customer_id: str | None = None, open_only: bool = False) -> list[str]:
    rows = sorted(INVOICES, key=lambda row: (row[2], row[0]))
    return [
        iid
        for iid, cid, _, paid in rows
        if (customer_id is None or cid == customer_id) and not (open_only and paid is not None)
    ]


def all_pages(
    repo: LedgerRepository, limit: int, after: str | None = None, **filters: object
) -> list[list[str]]:
    """Every page from ``after`` on: the ids of each."""
    pages: list[list[str]] = []
    token = after
    while True:
        page = repo.list_invoices(limit=limit, after=token, **filters)  # type: ignore[arg-type]
        pages.append([r.invoice_id for r in page.items])
        token = page.next_token
        if token is None:
            return pages
        assert len(pages) < 50, "pagination does not terminate"


FILTERS = [
    {},
    {"customer_id": "C1"},
    {"customer_id": "C2"},
    {"open_only": True},
    {"customer_id": "C1", "open_only": True},
]


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_one_page_lists_in_due_date_then_id_order(
    ledger: LedgerRepository, filters: dict[str, object]
) -> None:
    page = ledger.list_invoices(**filters)  # type: ignore[arg-type]

    assert [r.invoice_id for r in page.items] == expected(**filters)  # type: ignore[arg-type]
    assert page.next_token is None


@pytest.mark.parametrize("limit", [1, 2, 3, 4])
@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_pages_join_into_the_whole_list(
    ledger: LedgerRepository, filters: dict[str, object], limit: int
) -> None:
    pages = all_pages(ledger, limit, **filters)
    whole = expected(**filters)  # type: ignore[arg-type]

    assert [iid for page in pages for iid in page] == whole
    assert all(len(page) == limit for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= limit  # a full last page carries no token either
    assert len(pages) == -(-len(whole) // limit)


def test_records_listed_carry_their_settlements(ledger: LedgerRepository) -> None:
    (listed,) = [r for r in ledger.list_invoices(customer_id="C1").items if r.invoice_id == "A-0"]

    assert listed == ledger.get_invoice_records(["A-0"])["A-0"]
    assert listed.open_balance == 0
    assert listed.balance_as_of(D) == 100


def test_open_only_means_open_now_whatever_was_open_before(ledger: LedgerRepository) -> None:
    first = ledger.list_invoices(open_only=True, limit=2)
    ledger.put_invoice_records([record("B-1", (D, "100.00"), customer_id="C2", due=day(-10))])
    ledger.put_invoice_records([record("C-1", customer_id="C1", issued=day(-30), due=D)])

    rest = all_pages(ledger, 2, open_only=True, after=first.next_token)
    assert [r.invoice_id for r in first.items] == ["A-1", "B-1"]
    assert [iid for page in rest for iid in page] == ["C-1", "C-2", "D-1", "E-1"]


def test_a_page_continues_after_its_cursor_even_if_that_invoice_is_paid(
    ledger: LedgerRepository,
) -> None:
    first = ledger.list_invoices(open_only=True, limit=1)
    ledger.put_invoice_records(
        [record("A-1", (day(-1), "100.00"), customer_id="C1", issued=day(-70), due=day(-40))]
    )

    second = ledger.list_invoices(open_only=True, limit=1, after=first.next_token)
    assert [r.invoice_id for r in second.items] == ["B-1"]


def test_an_unknown_customer_has_no_invoices(ledger: LedgerRepository) -> None:
    assert ledger.list_invoices(customer_id="C9").items == []
    assert ledger.list_invoices(customer_id="C9", open_only=True).next_token is None


@pytest.mark.parametrize("limit", [0, -1, 101, 1000])
def test_a_limit_outside_1_to_100_is_a_validation_error(repo: LedgerRepository, limit: int) -> None:
    with pytest.raises(ValidationError) as caught:
        repo.list_invoices(limit=limit)
    assert caught.value.field == "limit"


def test_a_page_of_100_is_the_largest(repo: LedgerRepository) -> None:
    repo.put_invoice_records(record(f"INV-{n:03d}") for n in range(101))

    page = repo.list_invoices(limit=100)
    assert len(page.items) == 100
    assert [r.invoice_id for r in repo.list_invoices(after=page.next_token).items] == ["INV-100"]


def _token(value: object) -> str:
    raw = json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not a token",
        "%%%",
        _token(["2024-06-30"]),
        _token(["2024-06-31", "A-1"]),
        _token(["2024-06-30", "A#1"]),
        _token(["2024-06-30", ""]),
        _token(["2024-06-30", 7]),
        _token({"due": "2024-06-30", "id": "A-1"}),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_a_token_that_no_page_gave_is_a_validation_error_on_next_token(
    ledger: LedgerRepository, token: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        ledger.list_invoices(after=token)
    assert caught.value.field == "next_token"
