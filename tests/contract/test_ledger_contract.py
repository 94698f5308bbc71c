"""The LedgerRepository contract: customers, invoice records, and the invoices open as of a
day, the same on every store. Listing pages are in ``test_ledger_listing_contract.py``.

Every date is fixed: ``D`` is the as-of day of most tests, ``day(n)`` is n days from it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from ledger_builders import D, customer, day, record, settlement

from finance_agent.domain.ledger.ports import LedgerRepository
from finance_agent.domain.ledger.records import InvoiceRecord, SettlementKind


def open_ids(repo: LedgerRepository, as_of: date) -> list[str]:
    return [r.invoice_id for r in repo.open_invoices_as_of(as_of)]


def balances(repo: LedgerRepository, as_of: date) -> dict[str, Decimal]:
    return {r.invoice_id: r.balance_as_of(as_of) for r in repo.open_invoices_as_of(as_of)}


# -- customers --


def test_customers_are_read_back_by_id_with_every_field(repo: LedgerRepository) -> None:
    full = customer(
        "C1", email="ap@c1.example", payment_terms_days=45, hold_reason="disputes invoice 7"
    )
    bare = customer("C2")
    repo.put_customers([full, bare])

    assert repo.get_customers(["C2", "C1", "C9", "C1"]) == {"C1": full, "C2": bare}
    assert repo.get_customers([]) == {}


def test_customers_are_listed_by_id_and_upserted(repo: LedgerRepository) -> None:
    repo.put_customers([customer("C2"), customer("C10"), customer("C1", email="old@example.com")])
    repo.put_customers([customer("C1", name="Renamed", hold_reason="payment plan")])

    listed = repo.list_customers()
    assert [c.customer_id for c in listed] == ["C1", "C10", "C2"]
    assert listed[0] == customer("C1", name="Renamed", hold_reason="payment plan")
    assert listed[0].email is None  # the whole record replaced, not merged


def test_many_customers_are_read_by_key_in_one_call(repo: LedgerRepository) -> None:
    repo.put_customers(customer(f"C{n:03d}") for n in range(250))

    found = repo.get_customers(f"C{n:03d}" for n in range(0, 300, 2))
    assert sorted(found) == [f"C{n:03d}" for n in range(0, 250, 2)]


# -- invoice records --


def test_an_invoice_record_is_read_back_whole_with_exact_cents(repo: LedgerRepository) -> None:
    paid = record("INV-1", (day(-3), "0.01"), amount="1234567.89", disputed=True)
    credit = settlement("INV-1", "CN-1", day(-1), "10.10", SettlementKind.CREDIT_NOTE)
    write_off = settlement("INV-1", "WO-1", day(2), "0.99", SettlementKind.WRITE_OFF, inferred=True)
    stored = InvoiceRecord(invoice=paid.invoice, settlements=(*paid.settlements, credit, write_off))
    repo.put_invoice_records([stored, record("0000611365")])

    found = repo.get_invoice_records(["INV-1", "0000611365", "missing"])
    assert found == {"INV-1": stored, "0000611365": record("0000611365")}
    assert found["INV-1"].open_balance == Decimal("1234556.79")


def test_settlements_come_back_in_date_order(repo: LedgerRepository) -> None:
    late = settlement("INV-1", "A-LATE", day(5), "10.00")
    early = settlement("INV-1", "Z-EARLY", day(-5), "10.00")
    same_day = settlement("INV-1", "B", day(5), "10.00")
    base = record("INV-1")
    repo.put_invoice_records(
        [InvoiceRecord(invoice=base.invoice, settlements=(late, early, same_day))]
    )

    (stored,) = repo.get_invoice_records(["INV-1"]).values()
    assert stored.settlements == (early, late, same_day)


def test_writing_a_record_again_replaces_its_settlements(repo: LedgerRepository) -> None:
    repo.put_invoice_records([record("INV-1", (day(-5), "60.00"), (day(-2), "40.00"))])
    assert open_ids(repo, D) == []

    corrected = record("INV-1", (day(-5), "60.00"), amount="150.00")  # one payment dropped
    repo.put_invoice_records([corrected])

    assert repo.get_invoice_records(["INV-1"]) == {"INV-1": corrected}
    assert balances(repo, D) == {"INV-1": Decimal("90.00")}
    assert repo.list_invoices(open_only=True).items == [corrected]


def test_the_last_record_of_an_id_in_one_write_wins(repo: LedgerRepository) -> None:
    repo.put_invoice_records([record("INV-1", (day(-1), "5.00")), record("INV-1", amount="7.00")])

    assert repo.get_invoice_records(["INV-1"]) == {"INV-1": record("INV-1", amount="7.00")}


def test_many_records_are_written_and_read_by_key(repo: LedgerRepository) -> None:
    ids = [f"INV-{n:04d}" for n in range(240)]
    repo.put_invoice_records(
        record(iid, *([(day(-1), "100.00")] if n % 3 else []), due=day(n % 40))
        for n, iid in enumerate(ids)
    )

    assert len(repo.get_invoice_records([*ids, "INV-9999"])) == 240
    assert len(repo.open_invoices_as_of(D)) == 80
    assert len(repo.open_invoices_as_of(day(-2))) == 240


# -- open as of a day --


def test_an_invoice_paid_after_the_day_is_open_at_it(repo: LedgerRepository) -> None:
    repo.put_invoice_records([record("PAID-LATER", (day(5), "100.00"))])

    assert balances(repo, D) == {"PAID-LATER": Decimal("100.00")}
    assert balances(repo, day(4)) == {"PAID-LATER": Decimal("100.00")}
    assert open_ids(repo, day(5)) == []
    assert open_ids(repo, day(400)) == []


def test_an_invoice_settled_on_the_day_is_not_open_at_it(repo: LedgerRepository) -> None:
    credited = record("CREDITED", amount="50.00")
    note = settlement("CREDITED", "CN-9", D, "50.00", SettlementKind.CREDIT_NOTE)
    repo.put_invoice_records(
        [
            record("PAID", (D, "100.00")),
            InvoiceRecord(invoice=credited.invoice, settlements=(note,)),
        ]
    )

    assert open_ids(repo, D) == []
    assert sorted(open_ids(repo, day(-1))) == ["CREDITED", "PAID"]


def test_partial_settlements_count_only_up_to_the_day(repo: LedgerRepository) -> None:
    repo.put_invoice_records([record("PART", (day(-10), "30.00"), (D, "20.00"), (day(3), "49.99"))])

    assert balances(repo, day(-11)) == {"PART": Decimal("100.00")}
    assert balances(repo, day(-10)) == {"PART": Decimal("70.00")}
    assert balances(repo, D) == {"PART": Decimal("50.00")}
    assert balances(repo, day(3)) == {"PART": Decimal("0.01")}  # still open today
    assert balances(repo, day(3000)) == {"PART": Decimal("0.01")}


def test_not_yet_due_and_due_that_day_are_open(repo: LedgerRepository) -> None:
    repo.put_invoice_records(
        [
            record("NOT-DUE", due=day(30)),
            record("DUE-TODAY", due=D),
            record("OVERDUE", issued=day(-90), due=day(-60)),
        ]
    )

    assert open_ids(repo, D) == ["OVERDUE", "DUE-TODAY", "NOT-DUE"]  # by due date


def test_invoices_issued_after_the_day_are_left_out(repo: LedgerRepository) -> None:
    repo.put_invoice_records(
        [
            record("ISSUED-ON-D", issued=D),
            record("ISSUED-AFTER", issued=day(1)),
            record("ISSUED-AFTER-PAID-LATER", (day(9), "100.00"), issued=day(2)),
        ]
    )

    assert open_ids(repo, D) == ["ISSUED-ON-D"]
    assert open_ids(repo, day(-1)) == []
    assert sorted(open_ids(repo, day(2))) == [
        "ISSUED-AFTER",
        "ISSUED-AFTER-PAID-LATER",
        "ISSUED-ON-D",
    ]


def test_a_settlement_dated_after_the_day_never_changes_its_figures(
    repo: LedgerRepository,
) -> None:
    repo.put_invoice_records([record("A", (day(-3), "25.00")), record("B", amount="80.00")])
    before = repo.open_invoices_as_of(D)

    repo.put_invoice_records(
        [
            record("A", (day(-3), "25.00"), (day(1), "75.00")),
            record("B", (day(7), "80.00"), amount="80.00"),
            record("C", issued=day(1)),
        ]
    )

    assert {r.invoice_id: r.balance_as_of(D) for r in repo.open_invoices_as_of(D)} == {
        r.invoice_id: r.balance_as_of(D) for r in before
    }
    assert open_ids(repo, day(7)) == ["C"]


def test_an_empty_ledger_has_nothing_open(repo: LedgerRepository) -> None:
    assert repo.open_invoices_as_of(D) == []
    assert repo.list_invoices().items == []
    assert repo.list_customers() == []
    assert repo.first_issue_date() is None


# -- the first issue date --


def test_the_first_issue_date_is_the_earliest_written(repo: LedgerRepository) -> None:
    repo.put_customers([customer("C1")])
    assert repo.first_issue_date() is None

    repo.put_invoice_records([record("B", issued=day(-10)), record("C", issued=day(-3))])
    assert repo.first_issue_date() == day(-10)

    repo.put_invoice_records([record("D", issued=day(5))])
    assert repo.first_issue_date() == day(-10)

    repo.put_invoice_records([record("E", issued=day(-400), due=day(-370))])
    assert repo.first_issue_date() == day(-400)

    repo.put_invoice_records([record("E", issued=day(-1))])  # corrected: kept, never later
    assert repo.first_issue_date() == day(-400)


@pytest.mark.parametrize("count", [0, 1])
def test_writing_no_records_changes_nothing(repo: LedgerRepository, count: int) -> None:
    repo.put_invoice_records([record("A", issued=day(-2))][:count])
    repo.put_invoice_records([])

    assert repo.first_issue_date() == (day(-2) if count else None)
    assert len(repo.list_invoices().items) == count
