"""POST /agent/actions/collection-reminder: creation, identity, validation, idempotency, 500s."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from finance_agent.bootstrap import get_ledger, get_repo
from finance_agent.domain.errors import StoreError
from finance_agent.domain.models import ARAging
from finance_agent.domain.usecases import CreateCollectionReminderUC, ListActionsUC
from finance_agent.domain.usecases.create_collection_reminder import past_due_invoices
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC
from finance_agent.shared.clock import today
from finance_agent.tools.demo_accounts import ACTION_COUNT

REMINDER = "/agent/actions/collection-reminder"
ACTIONS = "/agent/actions"
ANA = {
    "sub": "actor-0002",
    "email": "ana.controller@example.com",
    "email_verified": "true",
    "scope": "agent:actions",
}
BEN = {
    "sub": "actor-0003",
    "email": "ben.treasury@example.com",
    "email_verified": "true",
    "scope": "agent:actions",
}

pytestmark = pytest.mark.usefixtures("seeded")

Api = Callable[..., Any]


def past_due_ids(customer_id: str) -> list[str]:
    return [r.invoice_id for r in past_due_invoices(get_ledger(), customer_id, today())]


@pytest.fixture
def debtor() -> ARAging:
    """A seeded customer with at least two invoices past due, from the ledger."""
    rows = AgingAsOfUC(get_ledger()).execute().customers
    return next(r for r in rows if r.past_due > 0 and len(past_due_ids(r.customer_id)) >= 2)


@pytest.fixture
def owed(debtor: ARAging) -> list[str]:
    """The debtor's past-due invoices, oldest due first."""
    return past_due_ids(debtor.customer_id)


def in_days(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


def action_count() -> int:
    return len(ListActionsUC(get_repo()).execute(limit=100).items)


def post(api: Api, body: Any, claims: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return api("POST", REMINDER, body=body, claims=ANA if claims is None else claims, **kwargs)


# -- creation -----------------------------------------------------------------------------------


def test_a_reminder_is_recorded_and_answered_with_201_and_the_action(
    api: Api, debtor: ARAging, owed: list[str]
) -> None:
    body = {"customer_id": debtor.customer_id, "invoice_id": owed[0], "remind_date": in_days(3)}
    reply = post(api, body)
    assert reply.status == 201
    action = reply.json
    assert set(action) == {"action_id", "action", "payload", "performed_by", "created_at", "status"}
    assert action["action"] == "collection_reminder"
    assert action["status"] == "pending"
    assert action["payload"]["customer_id"] == debtor.customer_id
    assert action["payload"]["customer_name"] == debtor.customer_name
    assert action["payload"]["invoice_id"] == owed[0]
    assert action["payload"]["remind_date"] == in_days(3)
    assert action["performed_by"] == ANA["email"]
    assert reply.headers["content-type"] == "application/json"
    newest = api("GET", ACTIONS, {"limit": "1"}).json["items"][0]
    assert newest == action
    assert action_count() == ACTION_COUNT + 1


def test_a_reminder_without_a_date_is_for_today(api: Api, debtor: ARAging) -> None:
    reply = post(api, {"customer_id": debtor.customer_id})
    assert reply.status == 201
    assert reply.json["payload"]["remind_date"] == today().isoformat()
    assert reply.json["payload"]["invoice_id"] is None


IDENTITIES = [
    (
        {"sub": "u-1", "username": "ana", "email": "ana@example.com", "email_verified": "true"},
        "ana@example.com",
    ),
    ({"sub": "u-1", "username": "ana"}, "ana"),
    ({"sub": "u-1", "cognito:username": "ana.c"}, "ana.c"),
    ({"sub": "u-1"}, "u-1"),
]


@pytest.mark.parametrize(
    ("claims", "expected"), IDENTITIES, ids=["email", "username", "cognito-username", "sub"]
)
def test_performed_by_is_the_verified_identity_email_else_username_else_sub(
    api: Api, debtor: ARAging, claims: dict[str, Any], expected: str
) -> None:
    reply = post(
        api, {"customer_id": debtor.customer_id}, claims={**claims, "scope": "agent:actions"}
    )
    assert reply.status == 201
    assert reply.json["performed_by"] == expected


def test_performed_by_in_the_body_is_refused_as_an_unknown_field(api: Api, debtor: ARAging) -> None:
    reply = post(api, {"customer_id": debtor.customer_id, "performed_by": "the-ceo@example.com"})
    assert reply.status == 400
    assert reply.error_fields() == ["performed_by"]
    assert action_count() == ACTION_COUNT


def test_a_reminder_for_an_unknown_customer_is_404(api: Api) -> None:
    reply = post(api, {"customer_id": "CUST999"})
    assert reply.status == 404
    assert reply.json["error"] == "not_found"
    assert "CUST999" in reply.json["message"]
    assert action_count() == ACTION_COUNT


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 1, 365])
def test_a_remind_date_from_today_to_a_year_ahead_is_accepted(
    api: Api, debtor: ARAging, days: int
) -> None:
    reply = post(api, {"customer_id": debtor.customer_id, "remind_date": in_days(days)})
    assert reply.status == 201


@pytest.mark.parametrize(
    "remind_date",
    [in_days(-1), in_days(366), "2025-13-45", "next tuesday", "31/01/2030", "", 20300101, True],
)
def test_a_remind_date_in_the_past_too_far_or_garbled_is_a_400(
    api: Api, debtor: ARAging, remind_date: Any
) -> None:
    reply = post(api, {"customer_id": debtor.customer_id, "remind_date": remind_date})
    assert reply.status == 400
    assert reply.error_fields() == ["remind_date"]
    assert action_count() == ACTION_COUNT


@pytest.mark.parametrize("form", ["unix-seconds", "datetime-text"])
def test_a_remind_date_not_written_as_yyyy_mm_dd_is_a_400(
    api: Api, debtor: ARAging, form: str
) -> None:
    day = today() + timedelta(days=10)
    midnight = datetime.combine(day, time(0), tzinfo=UTC)
    value: Any = int(midnight.timestamp()) if form == "unix-seconds" else midnight.isoformat()
    reply = post(api, {"customer_id": debtor.customer_id, "remind_date": value})
    assert reply.status == 400
    assert reply.error_fields() == ["remind_date"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "customer_id"),
        ({"customer_id": ""}, "customer_id"),
        ({"customer_id": "../../etc/passwd"}, "customer_id"),
        ({"customer_id": 42}, "customer_id"),
        ({"customer_id": "CUST001", "invoice_id": "INV 1; DROP"}, "invoice_id"),
    ],
)
def test_a_missing_or_malformed_id_is_a_400_naming_it(
    api: Api, body: dict[str, Any], field: str
) -> None:
    reply = post(api, body)
    assert reply.status == 400
    assert reply.error_fields() == [field]


@pytest.mark.parametrize(
    "raw",
    ["{not json", "[1, 2]", '"CUST001"', "null", "42", "", "\u00ff\u00fe"],
    ids=["invalid-json", "array", "string", "null", "number", "empty", "plain-text"],
)
def test_a_body_that_is_not_a_json_object_is_a_400(api: Api, raw: str) -> None:
    reply = post(api, raw)
    assert reply.status == 400
    assert reply.json["error"] == "validation_error"
    assert reply.error_fields() == ["body"]


def test_a_post_without_a_body_is_a_400(api: Api) -> None:
    reply = post(api, None)
    assert reply.status == 400
    assert reply.error_fields() == ["body"]


def test_a_body_over_64_kib_is_a_400(api: Api, debtor: ARAging) -> None:
    body = json.dumps({"customer_id": debtor.customer_id, "padding": "x" * 70_000})
    reply = post(api, body)
    assert reply.status == 400
    assert reply.error_fields() == ["body"]


def test_a_body_over_64_kib_of_utf8_bytes_is_refused_as_too_large(
    api: Api, debtor: ARAging
) -> None:
    body = json.dumps({"customer_id": debtor.customer_id, "note": "\u20ac" * 30_000})
    body = body.encode("ascii").decode("unicode_escape")  # the euro signs as real characters
    assert len(body) < 65_536 < len(body.encode())
    reply = post(api, body)
    assert reply.status == 400
    assert reply.error_fields() == ["body"]


def test_a_base64_encoded_body_is_decoded_as_api_gateway_sends_it(
    api: Api, debtor: ARAging
) -> None:
    reply = post(api, {"customer_id": debtor.customer_id}, base64_body=True)
    assert reply.status == 201
    assert reply.json["payload"]["customer_id"] == debtor.customer_id


def test_a_body_flagged_base64_that_is_not_base64_is_a_400(
    make_event: Callable[..., Any], invoke: Callable[..., Any]
) -> None:
    event = make_event("POST", REMINDER, body='{"customer_id": "CUST001"}', claims=ANA)
    event["isBase64Encoded"] = True
    reply = invoke(event)
    assert reply.status == 400
    assert reply.error_fields() == ["body"]


def test_base64_of_something_that_is_not_json_is_a_400(
    make_event: Callable[..., Any], invoke: Callable[..., Any]
) -> None:
    event = make_event("POST", REMINDER, body="{}", claims=ANA)
    event["body"] = base64.b64encode(b"\x00\x01binary").decode()
    event["isBase64Encoded"] = True
    assert invoke(event).status == 400


# -- the same reminder, retries and Idempotency-Key ---------------------------------------------


def test_the_same_reminder_posted_again_without_a_key_answers_200_with_the_same_action(
    api: Api, debtor: ARAging, owed: list[str]
) -> None:
    body = {"customer_id": debtor.customer_id, "invoice_id": owed[0], "remind_date": in_days(2)}
    first = post(api, body)
    second = post(api, body)
    assert (first.status, second.status) == (201, 200)
    assert second.json == first.json
    assert action_count() == ACTION_COUNT + 1


def test_a_different_invoice_or_date_is_a_different_reminder(
    api: Api, debtor: ARAging, owed: list[str]
) -> None:
    base = {"customer_id": debtor.customer_id, "invoice_id": owed[0], "remind_date": in_days(2)}
    assert post(api, base).status == 201
    assert post(api, {**base, "invoice_id": owed[1]}).status == 201
    assert post(api, {**base, "remind_date": in_days(3)}).status == 201
    assert action_count() == ACTION_COUNT + 3


def test_a_retry_with_the_same_idempotency_key_replays_the_first_response(
    api: Api, debtor: ARAging, owed: list[str]
) -> None:
    body = {"customer_id": debtor.customer_id, "invoice_id": owed[-1], "remind_date": in_days(1)}
    key = {"idempotency-key": "3f1d2c4b-retry-0001"}
    first = post(api, body, headers=key)
    retry = post(api, body, headers=key)
    assert first.status == retry.status == 201
    assert retry.text == first.text
    assert "idempotent-replayed" not in first.headers
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["content-type"] == "application/json"
    assert retry.headers["access-control-allow-origin"] == "*"
    assert "x-request-id" in retry.headers
    assert action_count() == ACTION_COUNT + 1


def test_the_same_idempotency_key_with_a_different_body_is_a_409(
    api: Api, debtor: ARAging, owed: list[str]
) -> None:
    key = {"Idempotency-Key": "key-conflict-1"}
    assert post(api, {"customer_id": debtor.customer_id}, headers=key).status == 201
    other = {"customer_id": debtor.customer_id, "invoice_id": owed[0]}
    reply = post(api, other, headers=key)
    assert reply.status == 409
    assert reply.json["error"] == "conflict"
    assert action_count() == ACTION_COUNT + 1


def test_a_refused_request_does_not_burn_its_idempotency_key(api: Api, debtor: ARAging) -> None:
    key = {"idempotency-key": "key-after-404"}
    unknown = post(api, {"customer_id": "CUST999"}, headers=key)
    assert unknown.status == 404
    again = post(api, {"customer_id": "CUST999"}, headers=key)
    assert again.status == 404
    assert "idempotent-replayed" not in again.headers
    fixed = post(api, {"customer_id": debtor.customer_id}, headers=key)
    assert fixed.status == 201
    assert "idempotent-replayed" not in fixed.headers
    assert action_count() == ACTION_COUNT + 1


def test_an_idempotency_key_belongs_to_its_caller(api: Api, debtor: ARAging) -> None:
    key = {"idempotency-key": "shared-key"}
    body = {"customer_id": debtor.customer_id}
    assert post(api, body, claims=ANA, headers=key).status == 201
    bens = post(api, body, claims=BEN, headers=key)
    assert "idempotent-replayed" not in bens.headers
    assert bens.status == 200  # the same reminder already exists; Ben's key replays nothing
    assert bens.json["performed_by"] == ANA["email"]


@pytest.mark.parametrize("key", ["k" * 256, "tab\tinside"], ids=["too-long", "unprintable"])
def test_a_malformed_idempotency_key_is_a_400(api: Api, debtor: ARAging, key: str) -> None:
    reply = post(api, {"customer_id": debtor.customer_id}, headers={"idempotency-key": key})
    assert reply.status == 400
    assert reply.error_fields() == ["Idempotency-Key"]
    assert action_count() == ACTION_COUNT


def test_concurrent_identical_reminders_create_exactly_one_action(
    api: Api, debtor: ARAging, owed: list[str]
) -> None:
    body = {"customer_id": debtor.customer_id, "invoice_id": owed[0], "remind_date": in_days(5)}
    statuses: list[int] = []
    bodies: list[dict[str, Any]] = []
    start = threading.Barrier(6)

    def send(headers: dict[str, str] | None) -> None:
        start.wait()
        reply = post(api, body, headers=headers)
        statuses.append(reply.status)
        bodies.append(reply.json)

    threads = [
        threading.Thread(target=send, args=({"idempotency-key": "race"} if i % 2 else None,))
        for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(statuses) == 6
    assert set(statuses) <= {200, 201}
    assert {b["action_id"] for b in bodies} == {bodies[0]["action_id"]}
    assert action_count() == ACTION_COUNT + 1


class HeldReminders:
    """Holds CreateCollectionReminderUC.execute until released, to overlap two requests."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail_first: bool = False) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = 0
        original = CreateCollectionReminderUC.execute
        held = self

        def execute(uc: CreateCollectionReminderUC, *args: Any, **kwargs: Any) -> Any:
            held.calls += 1
            if held.calls == 1:
                held.entered.set()
                assert held.release.wait(10)
                if fail_first:
                    raise RuntimeError("first attempt failed")
            return original(uc, *args, **kwargs)

        monkeypatch.setattr(CreateCollectionReminderUC, "execute", execute)


def _in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(target()))
    thread.start()
    return thread, result


def test_a_retry_arriving_while_the_first_request_runs_waits_and_replays_its_response(
    api: Api, debtor: ARAging, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldReminders(monkeypatch)
    body, key = {"customer_id": debtor.customer_id}, {"idempotency-key": "overlap-1"}
    first_thread, first = _in_thread(lambda: post(api, body, headers=key))
    assert held.entered.wait(10)
    retry_thread, retry = _in_thread(lambda: post(api, body, headers=key))
    retry_thread.join(0.3)
    assert retry_thread.is_alive()  # waiting for the first request, not running a second
    held.release.set()
    first_thread.join(10)
    retry_thread.join(10)
    assert first[0].status == retry[0].status == 201
    assert retry[0].text == first[0].text
    assert retry[0].headers["idempotent-replayed"] == "true"
    assert held.calls == 1
    assert action_count() == ACTION_COUNT + 1


def test_a_retry_waiting_on_a_first_request_that_fails_runs_in_its_place(
    api: Api, debtor: ARAging, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldReminders(monkeypatch, fail_first=True)
    body, key = {"customer_id": debtor.customer_id}, {"idempotency-key": "overlap-2"}
    first_thread, first = _in_thread(lambda: post(api, body, headers=key))
    assert held.entered.wait(10)
    retry_thread, retry = _in_thread(lambda: post(api, body, headers=key))
    retry_thread.join(0.3)
    held.release.set()
    first_thread.join(10)
    retry_thread.join(10)
    assert first[0].status == 500
    assert retry[0].status == 201
    assert "idempotent-replayed" not in retry[0].headers
    assert action_count() == ACTION_COUNT + 1


def test_a_retry_while_the_first_request_outlasts_the_wait_is_a_409(
    api: Api, debtor: ARAging, monkeypatch: pytest.MonkeyPatch
) -> None:
    from finance_agent.adapters.http import idempotency

    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    held = HeldReminders(monkeypatch)
    body, key = {"customer_id": debtor.customer_id}, {"idempotency-key": "overlap-3"}
    first_thread, first = _in_thread(lambda: post(api, body, headers=key))
    assert held.entered.wait(10)
    retry = post(api, body, headers=key)
    held.release.set()
    first_thread.join(10)
    assert retry.status == 409
    assert "in progress" in retry.json["message"]
    assert first[0].status == 201
    assert action_count() == ACTION_COUNT + 1


# -- unexpected failures ------------------------------------------------------------------------


def _log_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_an_unexpected_error_is_a_500_with_the_request_id_and_the_stack_trace_only_in_the_log(
    api: Api,
    debtor: ARAging,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("sqlite at /var/secret/finance.db: disk I/O error")

    monkeypatch.setattr(CreateCollectionReminderUC, "execute", explode)
    capsys.readouterr()
    reply = post(api, {"customer_id": debtor.customer_id}, request_id="Req500-Trace=")
    assert reply.status == 500
    body = reply.json
    assert body["error"] == "internal_error"
    assert body["request_id"] == "Req500-Trace=" == reply.headers["x-request-id"]
    for leak in ("RuntimeError", "Traceback", "/var/secret", "disk I/O", "explode"):
        assert leak not in reply.text
    errors = [e for e in _log_lines(capsys.readouterr().out) if e["level"] == "ERROR"]
    assert len(errors) == 1
    (entry,) = errors
    assert entry["request_id"] == "Req500-Trace="
    assert entry["route"] == "POST /agent/actions/collection-reminder"
    assert "Traceback" in entry["exception"]
    assert "RuntimeError: sqlite at /var/secret/finance.db" in entry["exception"]
    assert "explode" in entry["exception"]


def test_an_unexpected_error_releases_the_idempotency_key_for_a_retry(
    api: Api, debtor: ARAging, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = {"idempotency-key": "key-after-500"}
    body = {"customer_id": debtor.customer_id}
    with monkeypatch.context() as patch:
        patch.setattr(CreateCollectionReminderUC, "execute", lambda *a, **k: 1 / 0)
        assert post(api, body, headers=key).status == 500
    retry = post(api, body, headers=key)
    assert retry.status == 201
    assert "idempotent-replayed" not in retry.headers


def test_a_store_failure_after_the_reminder_is_recorded_still_answers_it_and_frees_the_key(
    api: Api, debtor: ARAging, monkeypatch: pytest.MonkeyPatch
) -> None:
    from finance_agent.infra.sqlite_repo import SqliteRepo

    key = {"idempotency-key": "key-store-fails-late"}
    body = {"customer_id": debtor.customer_id}

    def store_fails(*_args: object, **_kwargs: object) -> None:
        raise StoreError("sqlite store: disk I/O error")

    with monkeypatch.context() as patch:
        patch.setattr(SqliteRepo, "complete_idempotency_key", store_fails)
        first = post(api, body, headers=key)
    retry = post(api, body, headers=key)

    assert first.status == 201  # the reminder was recorded: the caller is told so
    assert retry.status == 200  # not a day of "still in progress": it runs again, finds it
    assert retry.json["action_id"] == first.json["action_id"]
    assert action_count() == ACTION_COUNT + 1


def test_the_remind_date_rule_uses_the_configured_time_zone_day(
    api: Api, debtor: ARAging, monkeypatch: pytest.MonkeyPatch
) -> None:
    from finance_agent.shared.settings import get_settings

    monkeypatch.setenv("TIMEZONE", "Pacific/Kiritimati")  # UTC+14: often a day ahead of UTC
    get_settings.cache_clear()
    local_today = today()
    reply = post(api, {"customer_id": debtor.customer_id, "remind_date": local_today.isoformat()})
    assert reply.status == 201
    yesterday = (local_today - timedelta(days=1)).isoformat()
    late = post(api, {"customer_id": debtor.customer_id, "remind_date": yesterday})
    assert late.status == 400
    assert isinstance(date.fromisoformat(reply.json["payload"]["remind_date"]), date)
