"""Stored DynamoDB items <-> domain models, explicitly, in DynamoDB's attribute-value form.

Amounts are DynamoDB numbers (Decimal both ways). Readers raise ``MalformedItem`` for an
item they cannot turn into a model, or whose keys are not the ones its attributes give (an
item written by hand as ``SALES#DUP`` would count a day twice); the repository logs its key
and skips it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, TypeVar

import pydantic
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from finance_agent.domain.models import (
    AgentAction,
    ARAging,
    ChatTurn,
    IdempotencyRecord,
    KPIs,
    KPISnapshot,
    SalesDay,
)
from finance_agent.infra.action_keys import parse_timestamp, sortable_timestamp
from finance_agent.infra.dynamo_table import TTL_ATTRIBUTE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

Item = dict[str, "AttributeValueTypeDef"]

SALES: Final = "SALES"
AR_AGING: Final = "AR_AGING"
ACTION: Final = "ACTION"

_AGING_FIELDS: Final = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
_KPI_FIELDS: Final = tuple(name for name in KPIs.model_fields if name != "previous")

M = TypeVar("M", bound=pydantic.BaseModel)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class MalformedItem(ValueError):
    """A stored item lacks an attribute or holds one the model refuses. Never holds values:
    the reason names attributes only, so it is safe to log (no customer emails)."""


def kpi_pk(period: str) -> str:
    return f"KPI#{period}"


def sales_pk(day: date) -> str:
    return f"SALES#{day.isoformat()}"


def ar_pk(customer_id: str) -> str:
    return f"AR_AGING#{customer_id}"


def action_pk(action_id: str) -> str:
    return f"ACTION#{action_id}"


def idempotency_pk(key: str) -> str:
    return f"IDEMP#{key}"


def action_sort_key(created_at: str, action_id: str) -> str:
    """``<sortable timestamp>#<id>``: string order is (time, id) order, as in the cursor."""
    return f"{created_at}#{action_id}"


def split_action_sort_key(sort_key: str) -> tuple[str, str]:
    created_at, _, action_id = sort_key.partition("#")
    return created_at, action_id


def key(pk: str) -> Item:
    return {"pk": {"S": pk}}


def _encode(values: Mapping[str, Any]) -> Item:
    return {name: _serializer.serialize(value) for name, value in values.items()}


def _decode(item: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return {name: _deserializer.deserialize(value) for name, value in item.items()}
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise MalformedItem(f"undecodable attribute ({type(exc).__name__})") from None


def _model(model: type[M], values: Mapping[str, Any]) -> M:
    try:
        return model.model_validate(values)
    except pydantic.ValidationError as exc:
        fields = sorted({".".join(str(part) for part in err["loc"]) for err in exc.errors()})
        raise MalformedItem(f"bad or missing attributes: {', '.join(fields)}") from None


def _pick(values: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: values[name] for name in names if name in values}


def _check_keys(values: Mapping[str, Any], expected: Mapping[str, str]) -> None:
    """Each key attribute holds what the record's own attributes give, as the writers
    above store it: a key that says otherwise would list or count the record twice,
    or under another date, customer or action."""
    wrong = [name for name, want in expected.items() if values.get(name) != want]
    if wrong:
        raise MalformedItem(f"keys that do not match the attributes: {', '.join(wrong)}")


# -- KPIs --
def kpi_item(snapshot: KPISnapshot) -> Item:
    kpis = snapshot.kpis.model_dump(mode="python")
    kpis["previous"] = snapshot.kpis.previous.model_dump(mode="python")
    for name in ("start_date", "end_date"):
        kpis[name] = kpis[name].isoformat()
        kpis["previous"][name] = kpis["previous"][name].isoformat()
    return _encode(
        {"pk": kpi_pk(snapshot.kpis.period), "computed_for": snapshot.computed_for.isoformat()}
        | kpis
    )


def kpi_from_item(item: Mapping[str, Any]) -> KPISnapshot:
    values = _decode(item)
    kpis = _pick(values, (*_KPI_FIELDS, "previous"))
    snapshot = _model(KPISnapshot, {"computed_for": values.get("computed_for"), "kpis": kpis})
    _check_keys(values, {"pk": kpi_pk(snapshot.kpis.period)})
    return snapshot


# -- sales days --
def sales_item(day: SalesDay) -> Item:
    iso = day.date.isoformat()
    return _encode(
        {
            "pk": sales_pk(day.date),
            "gsi1pk": SALES,
            "gsi1sk": iso,
            "date": iso,
            "revenue": day.revenue,
            "cogs": day.cogs,
        }
    )


def sales_from_item(item: Mapping[str, Any]) -> SalesDay:
    values = _decode(item)
    day = _model(SalesDay, _pick(values, ("date", "revenue", "cogs")))
    iso = day.date.isoformat()
    _check_keys(values, {"pk": sales_pk(day.date), "gsi1pk": SALES, "gsi1sk": iso})
    return day


# -- receivables --
def ar_item(row: ARAging) -> Item:
    values: dict[str, Any] = {
        "pk": ar_pk(row.customer_id),
        "gsi1pk": AR_AGING,
        "gsi1sk": row.customer_id,
        "customer_id": row.customer_id,
        "customer_name": row.customer_name,
        "email": row.email,
    }
    values.update({name: getattr(row, name) for name in _AGING_FIELDS})
    return _encode(values)


def ar_from_item(item: Mapping[str, Any]) -> ARAging:
    names = ("customer_id", "customer_name", "email", *_AGING_FIELDS)
    values = _decode(item)
    row = _model(ARAging, _pick(values, names))
    customer = row.customer_id
    _check_keys(values, {"pk": ar_pk(customer), "gsi1pk": AR_AGING, "gsi1sk": customer})
    return row


# -- agent actions --
def action_item(action: AgentAction) -> Item:
    created_at = sortable_timestamp(action.created_at)
    return _encode(
        {
            "pk": action_pk(action.action_id),
            "gsi1pk": ACTION,
            "gsi1sk": action_sort_key(created_at, action.action_id),
            "action_id": action.action_id,
            "action": action.action,
            "payload": payload_to_store(action.payload),
            "performed_by": action.performed_by,
            "created_at": created_at,
            "status": action.status,
        }
    )


def action_from_item(item: Mapping[str, Any]) -> AgentAction:
    stored = _decode(item)
    values = _pick(
        stored, ("action_id", "action", "payload", "performed_by", "created_at", "status")
    )
    try:
        values["created_at"] = parse_timestamp(values["created_at"])
    except (KeyError, TypeError, ValueError):
        raise MalformedItem("bad or missing attributes: created_at") from None
    if isinstance(values.get("payload"), dict):
        values["payload"] = payload_from_store(values["payload"])
    action = _model(AgentAction, values)
    # The sort key is the list's order and its cursor: one not of (time, id) would list the
    # action out of place, and a cursor made from it would not decode (a 400 on the next page).
    sort_key = action_sort_key(sortable_timestamp(action.created_at), action.action_id)
    expected = {"pk": action_pk(action.action_id), "gsi1pk": ACTION, "gsi1sk": sort_key}
    _check_keys(stored, expected)
    return action


def payload_to_store(payload: Mapping[str, Any]) -> Any:
    """The payload as DynamoDB accepts it: what JSON accepts (as in the SQLite store), with
    floats as Decimal read from their JSON text. Raises ``TypeError``/``ValueError`` otherwise.
    """
    return json.loads(json.dumps(payload, ensure_ascii=False, allow_nan=False), parse_float=Decimal)


def payload_from_store(value: Any) -> Any:
    """Numbers back as JSON gives them: int without a fraction part, else float."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    if isinstance(value, dict):
        return {name: payload_from_store(item) for name, item in value.items()}
    if isinstance(value, list):
        return [payload_from_store(item) for item in value]
    return value


# -- idempotency records --
# ``expires_at`` is whole epoch seconds for DynamoDB's TTL, which deletes within days of it;
# ``expires_ts`` is the exact instant, which reads and claims compare against.
EXPIRES_TS = "expires_ts"


def idempotency_item(record: IdempotencyRecord) -> Item:
    values: dict[str, Any] = {
        "pk": idempotency_pk(record.key),
        "key": record.key,
        "fingerprint": record.fingerprint,
        "status": record.status,
        EXPIRES_TS: sortable_timestamp(record.expires_at),
        TTL_ATTRIBUTE: math.ceil(record.expires_at.timestamp()),
    }
    if record.status_code is not None:
        values["status_code"] = record.status_code
    if record.response_body is not None:
        values["response_body"] = record.response_body
    return _encode(values)


def idempotency_from_item(item: Mapping[str, Any]) -> IdempotencyRecord:
    values = _pick(
        _decode(item), ("key", "fingerprint", "status", "status_code", "response_body", EXPIRES_TS)
    )
    try:
        values["expires_at"] = parse_timestamp(values.pop(EXPIRES_TS))
    except (KeyError, TypeError, ValueError):
        raise MalformedItem(f"bad or missing attributes: {EXPIRES_TS}") from None
    if isinstance(values.get("status_code"), Decimal):
        values["status_code"] = int(values["status_code"])
    return _model(IdempotencyRecord, values)


# -- chat sessions --
# The owner (an email, often) is hashed into the key: a key is no place for personal data.
def chat_pk(owner: str, session_id: str) -> str:
    digest = hashlib.sha256(owner.encode()).hexdigest()[:32]
    return f"CHAT#{digest}#{session_id}"


def chat_item(
    owner: str, session_id: str, turns: Sequence[ChatTurn], expires_at: datetime, version: int
) -> Item:
    stored = [{"role": t.role, "text": t.text, "at": sortable_timestamp(t.at)} for t in turns]
    return _encode(
        {
            "pk": chat_pk(owner, session_id),
            "turns": stored,
            "version": version,
            EXPIRES_TS: sortable_timestamp(expires_at),
            TTL_ATTRIBUTE: math.ceil(expires_at.timestamp()),
        }
    )


def chat_from_item(item: Mapping[str, Any]) -> tuple[list[ChatTurn], datetime, int]:
    """The session's turns, the exact instant it expires, and its version (for the next write)."""
    values = _decode(item)
    try:
        expires_at = parse_timestamp(values[EXPIRES_TS])
        version = int(values["version"])
        raw_turns = values["turns"]
        turns = [
            {"role": t["role"], "text": t["text"], "at": parse_timestamp(t["at"])}
            for t in raw_turns
        ]
    except (KeyError, TypeError, ValueError, ArithmeticError):
        raise MalformedItem("bad or missing attributes: turns, version or expires_ts") from None
    return [_model(ChatTurn, turn) for turn in turns], expires_at, version
