"""CreateCollectionReminderUC and ListActionsUC over a real SQLite store, whose ledger says
what each customer owes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from finance_agent.domain.errors import ConflictError, NotFoundError, ValidationError
from finance_agent.domain.models import COLLECTION_REMINDER
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.usecases import CreateCollectionReminderUC, ListActionsUC
from ledger_factory import customer, record

TODAY = date(2026, 3, 31)


@pytest.fixture
def store(sqlite_repo: FinanceRepository) -> FinanceRepository:
    # CUST001 owes 25.00 75 days past due, 50.00 15 days past due and 100.00 due today.
    sqlite_repo.put_customers([customer("CUST001", "Acme Corp", "ap@cust001.example.com")])
    sqlite_repo.put_invoice_records(
        [
            record("INV-1", "CUST001", "2025-12-16", "2026-01-15", "25.00"),
            record("INV-2", "CUST001", "2026-02-14", "2026-03-16", "50.00"),
            record("INV-3", "CUST001", "2026-03-01", "2026-03-31", "100.00"),
        ]
    )
    return sqlite_repo


def remind(repo: FinanceRepository) -> CreateCollectionReminderUC:
    return CreateCollectionReminderUC(repo, today=lambda: TODAY)


def test_a_reminder_is_recorded_with_who_and_what(store: FinanceRepository) -> None:
    outcome = remind(store).execute(
        customer_id="CUST001",
        performed_by="ana@example.com",
        invoice_id="INV-2",
        remind_date="2026-04-20",
    )
    action = outcome.action
    assert outcome.created
    assert action.action == COLLECTION_REMINDER
    assert action.performed_by == "ana@example.com"
    assert action.payload["customer_id"] == "CUST001"
    assert action.payload["invoice_id"] == "INV-2"
    assert action.payload["remind_date"] == "2026-04-20"
    assert action.payload["amount_past_due"] == "50.00"
    assert store.get_agent_action(action.action_id) == action


def test_remind_date_defaults_to_today(store: FinanceRepository) -> None:
    action = remind(store).execute(customer_id="CUST001", performed_by="ana@example.com").action
    assert action.payload["remind_date"] == TODAY.isoformat()
    assert action.payload["invoice_id"] is None
    assert action.payload["amount_past_due"] == "75.00"  # all that is past due


def test_a_customer_with_nothing_past_due_gets_no_reminder(store: FinanceRepository) -> None:
    store.put_customers([customer("CUST002", "Paid Up Ltd.")])
    store.put_invoice_records([record("INV-9", "CUST002", "2026-03-20", "2026-04-19", "900.00")])

    with pytest.raises(ConflictError, match="CUST002 has nothing past due"):
        remind(store).execute(customer_id="CUST002", performed_by="ana@example.com")
    assert store.list_agent_actions().items == []


def test_reminder_for_unknown_customer_is_not_found(store: FinanceRepository) -> None:
    with pytest.raises(NotFoundError):
        remind(store).execute(customer_id="CUST999", performed_by="ana@example.com")
    assert store.list_agent_actions().items == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"remind_date": TODAY - timedelta(days=1)}, "remind_date"),
        ({"remind_date": TODAY + timedelta(days=366)}, "remind_date"),
        ({"remind_date": "31/12/2026"}, "remind_date"),
        ({"remind_date": "20260420"}, "remind_date"),
        ({"remind_date": "2026-W17-1"}, "remind_date"),
        ({"customer_id": "../etc"}, "customer_id"),
        ({"customer_id": ""}, "customer_id"),
        ({"invoice_id": "INV 1"}, "invoice_id"),
        ({"performed_by": "  "}, "performed_by"),
    ],
)
def test_bad_reminder_input_names_the_field(
    store: FinanceRepository, kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"customer_id": "CUST001", "performed_by": "ana@example.com"}
    args.update(kwargs)
    with pytest.raises(ValidationError) as caught:
        remind(store).execute(**args)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert store.list_agent_actions().items == []


def test_a_year_ahead_is_the_last_allowed_remind_date(store: FinanceRepository) -> None:
    action = (
        remind(store)
        .execute(
            customer_id="CUST001",
            performed_by="ana@example.com",
            remind_date=TODAY + timedelta(days=365),
        )
        .action
    )
    assert action.payload["remind_date"] == "2027-03-31"


def test_listing_pages_through_every_action_newest_first(store: FinanceRepository) -> None:
    created = [
        remind(store)
        .execute(
            customer_id="CUST001",
            performed_by="ana@example.com",
            remind_date=TODAY + timedelta(days=i),
        )
        .action_id
        for i in range(5)
    ]
    first = ListActionsUC(store).execute(limit=3)
    second = ListActionsUC(store).execute(limit=3, next_token=first.next_token)
    listed = [a.action_id for a in first.items + second.items]
    assert sorted(listed) == sorted(created)
    assert second.next_token is None
    stamps = [a.created_at for a in first.items + second.items]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize("limit", [0, 101, -5])
def test_limit_outside_1_to_100_is_refused(store: FinanceRepository, limit: int) -> None:
    with pytest.raises(ValidationError) as caught:
        ListActionsUC(store).execute(limit=limit)
    assert caught.value.field == "limit"


def test_the_same_reminder_is_recorded_once(store: FinanceRepository) -> None:
    first = remind(store).execute(
        customer_id="CUST001", performed_by="ana@example.com", invoice_id="INV-1"
    )
    again = remind(store).execute(
        customer_id="CUST001", performed_by="bob@example.com", invoice_id="INV-1"
    )
    assert first.created
    assert not again.created
    assert again.action == first.action
    assert len(store.list_agent_actions().items) == 1


def test_another_invoice_or_date_is_another_reminder(store: FinanceRepository) -> None:
    base = {"customer_id": "CUST001", "performed_by": "ana@example.com"}
    ids = {
        remind(store).execute(**base, invoice_id="INV-1").action_id,  # type: ignore[arg-type]
        remind(store).execute(**base, invoice_id="INV-2").action_id,  # type: ignore[arg-type]
        remind(store)
        .execute(**base, invoice_id="INV-1", remind_date=TODAY + timedelta(days=1))
        .action_id,  # type: ignore[arg-type]
    }
    assert len(ids) == 3
