"""Aging as of a day from invoice records: buckets, bases, the as-of rule, disputes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.ledger.aging import (
    age_invoice,
    bucket_for,
    customer_rows,
    days_past_due,
)
from finance_agent.domain.ledger.as_of import check_as_of, parse_day
from finance_agent.domain.models.ar_aging import BUCKETS, AgingBasis, ARAging
from ledger_factory import customer, day, record

DUE = AgingBasis.DUE_DATE
ISSUE = AgingBasis.INVOICE_DATE


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-30, "current"),
        (0, "current"),
        (1, "days_1_30"),
        (30, "days_1_30"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "days_over_90"),
        (4000, "days_over_90"),
    ],
)
def test_days_past_due_fall_in_the_seeds_five_buckets(days: int, bucket: str) -> None:
    assert bucket_for(days, DUE) == bucket


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "current"),
        (1, "current"),
        (30, "current"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "days_over_90"),
    ],
)
def test_days_since_issue_put_0_to_30_in_current(days: int, bucket: str) -> None:
    assert bucket_for(days, ISSUE) == bucket


def test_days_1_30_is_never_used_by_invoice_date_basis() -> None:
    assert all(bucket_for(d, ISSUE) != "days_1_30" for d in range(0, 400))


def test_an_invoice_due_today_is_current_and_zero_days_past_due() -> None:
    inv = record("I1", "C1", "2026-01-01", "2026-01-31", "100.00")
    aged = age_invoice(inv, day("2026-01-31"))
    assert (aged.bucket, aged.days_past_due, aged.open_balance) == ("current", 0, Decimal("100.00"))
    assert age_invoice(inv, day("2026-02-01")).bucket == "days_1_30"


def test_days_past_due_is_never_negative() -> None:
    assert days_past_due(day("2026-03-01"), day("2026-02-01")) == 0
    assert days_past_due(day("2026-03-01"), day("2026-03-11")) == 10


def test_bases_count_from_different_days() -> None:
    inv = record("I1", "C1", "2026-01-01", "2026-03-02", "10.00")
    as_of = day("2026-03-10")  # 68 days since issue, 8 days past due
    assert age_invoice(inv, as_of, DUE).bucket == "days_1_30"
    assert age_invoice(inv, as_of, ISSUE).bucket == "days_61_90"
    assert age_invoice(inv, as_of, ISSUE).days_past_due == 8


def test_an_invoice_paid_after_the_day_is_open_on_that_day() -> None:
    inv = record("I1", "C1", "2026-01-01", "2026-01-31", "100.00", paid=[("2026-03-05", "100.00")])
    rows = customer_rows([inv], {}, day("2026-03-01"))
    assert rows[0].days_1_30 == Decimal("100.00")
    assert customer_rows([inv], {}, day("2026-03-05")) == []


def test_only_settlements_up_to_the_day_are_deducted() -> None:
    inv = record(
        "I1",
        "C1",
        "2026-01-01",
        "2026-01-31",
        "100.00",
        paid=[("2026-02-01", "30.00"), ("2026-02-20", "50.00")],
    )
    assert age_invoice(inv, day("2026-02-10")).open_balance == Decimal("70.00")
    assert age_invoice(inv, day("2026-02-20")).open_balance == Decimal("20.00")


def test_an_invoice_issued_after_the_day_is_not_aged() -> None:
    inv = record("I1", "C1", "2026-03-02", "2026-04-01", "100.00")
    assert customer_rows([inv], {}, day("2026-03-01")) == []


def test_rows_add_buckets_to_the_outstanding_total_to_the_cent() -> None:
    records = [
        record("I1", "C1", "2025-10-01", "2025-10-31", "0.10"),
        record("I2", "C1", "2026-01-01", "2026-01-31", "0.20"),
        record("I3", "C1", "2026-02-20", "2026-03-22", "1000000.01"),
        record("I4", "C2", "2025-06-01", "2025-06-01", "33.33", paid=[("2025-07-01", "0.01")]),
    ]
    rows = customer_rows(records, {}, day("2026-03-01"))
    by_id = {row.customer_id: row for row in rows}
    assert by_id["C1"].total == Decimal("1000000.31")
    assert (by_id["C1"].days_over_90, by_id["C1"].days_1_30) == (Decimal("0.10"), Decimal("0.20"))
    assert by_id["C1"].current == Decimal("1000000.01")
    assert by_id["C2"].days_over_90 == by_id["C2"].total == Decimal("33.32")
    for row in rows:
        assert sum(getattr(row, b) for b in BUCKETS) == row.total


def test_disputed_invoices_are_aged_like_the_others_and_marked() -> None:
    records = [
        record("I1", "C1", "2025-12-01", "2025-12-31", "80.00", disputed=True),
        record("I2", "C1", "2026-02-01", "2026-03-03", "20.00"),
    ]
    [row] = customer_rows(records, {}, day("2026-03-01"))
    assert (row.days_31_60, row.current, row.disputed) == (
        Decimal("80.00"),
        Decimal("20.00"),
        Decimal("80.00"),
    )


def test_rows_carry_the_customers_name_and_email_or_fall_back_to_the_id() -> None:
    records = [
        record("I1", "C1", "2026-01-01", "2026-01-31", "5.00"),
        record("I2", "C2", "2026-01-01", "2026-01-31", "5.00"),
    ]
    known = {"C1": customer("C1", "Acme", "ap@acme.example")}
    rows = customer_rows(records, known, day("2026-02-01"))
    assert [(r.customer_id, r.customer_name, r.email) for r in rows] == [
        ("C1", "Acme", "ap@acme.example"),
        ("C2", "C2", None),
    ]


def test_an_aging_row_may_have_no_email_but_not_more_disputed_than_owed() -> None:
    row = ARAging(customer_id="C1", customer_name="A", **dict.fromkeys(BUCKETS, "1.00"))
    assert row.email is None
    assert row.disputed == Decimal("0.00")
    with pytest.raises(ValueError, match="disputed"):
        ARAging(customer_id="C1", customer_name="A", disputed="6", **dict.fromkeys(BUCKETS, "1.00"))


TODAY = day("2026-03-31")


def test_as_of_defaults_to_today() -> None:
    assert check_as_of(None, today=TODAY, first_issue=day("2025-01-01")) == TODAY


def test_as_of_after_today_is_refused_naming_the_rule() -> None:
    with pytest.raises(ValidationError) as caught:
        check_as_of("2026-04-01", today=TODAY, first_issue=None)
    assert caught.value.field == "as_of"
    assert "after today (2026-03-31)" in caught.value.rule


def test_as_of_before_the_first_invoice_is_refused_naming_the_rule() -> None:
    with pytest.raises(ValidationError) as caught:
        check_as_of(day("2024-12-31"), today=TODAY, first_issue=day("2025-01-01"))
    assert "first invoice's issue date (2025-01-01)" in caught.value.rule
    assert check_as_of("2025-01-01", today=TODAY, first_issue=day("2025-01-01")) == day(
        "2025-01-01"
    )


@pytest.mark.parametrize("text", ["20260301", "2026-W09-1", "2026-02-30", "01/03/2026", ""])
def test_as_of_text_must_be_a_real_yyyy_mm_dd(text: str) -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        parse_day("as_of", text)
