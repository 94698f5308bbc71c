"""The LedgerRepository contract for reminders per invoice: the days reminders named each
invoice, read back by key as the latest on or before a day, the same on every store."""

from __future__ import annotations

from datetime import date

from ledger_builders import D, day

from finance_agent.domain.ledger.ports import LedgerRepository


def test_an_invoice_never_reminded_has_no_date(repo: LedgerRepository) -> None:
    assert repo.last_reminder_dates(["INV1"], D) == {}
    assert repo.last_reminder_dates([], D) == {}


def test_the_latest_reminder_on_or_before_the_day_is_read_back(repo: LedgerRepository) -> None:
    repo.record_invoice_reminder(["INV1"], day(-10))
    repo.record_invoice_reminder(["INV1"], day(-2))
    repo.record_invoice_reminder(["INV1", "INV2"], day(-5))

    assert repo.last_reminder_dates(["INV1", "INV2", "INV3"], D) == {
        "INV1": day(-2),
        "INV2": day(-5),
    }


def test_a_reminder_dated_after_the_day_does_not_count(repo: LedgerRepository) -> None:
    repo.record_invoice_reminder(["INV1"], day(-10))
    repo.record_invoice_reminder(["INV1"], day(3))  # planned for later
    repo.record_invoice_reminder(["INV2"], day(1))

    assert repo.last_reminder_dates(["INV1", "INV2"], D) == {"INV1": day(-10)}
    assert repo.last_reminder_dates(["INV1", "INV2"], day(3)) == {
        "INV1": day(3),
        "INV2": day(1),
    }
    assert repo.last_reminder_dates(["INV1"], day(-11)) == {}


def test_recording_the_same_day_again_changes_nothing(repo: LedgerRepository) -> None:
    for _ in range(3):
        repo.record_invoice_reminder(["INV1", "INV1"], day(-1))

    assert repo.last_reminder_dates(["INV1"], D) == {"INV1": day(-1)}
    assert repo.last_reminder_dates(["INV1"], day(-2)) == {}


def test_many_invoices_are_read_by_key_in_one_call(repo: LedgerRepository) -> None:
    ids = [f"INV{n:03d}" for n in range(150)]
    repo.record_invoice_reminder(ids[::2], date(2024, 1, 15))

    found = repo.last_reminder_dates(ids, D)
    assert found == {invoice_id: date(2024, 1, 15) for invoice_id in ids[::2]}


def test_ids_are_kept_exactly_as_written(repo: LedgerRepository) -> None:
    repo.record_invoice_reminder(["0000611365", "A/B 7"], D)

    assert repo.last_reminder_dates(["611365", "0000611365", "A/B 7"], D) == {
        "0000611365": D,
        "A/B 7": D,
    }
