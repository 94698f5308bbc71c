"""The GET routes called as API Gateway calls them: defaults, bounds, wire format, headers.

Every event is the captured-format sample adjusted to the route (see conftest), with the
sample's JWT authorizer context, on the seeded demo store.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from finance_agent.bootstrap import get_ledger, get_repo
from finance_agent.domain.usecases import (
    CashflowForecastUC,
    DetectAnomaliesUC,
    GetKPIsUC,
    GetSalesHistoryUC,
    ListActionsUC,
)
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC
from finance_agent.shared.clock import today
from finance_agent.shared.settings import get_settings
from finance_agent.tools.demo_accounts import ACTION_COUNT, CUSTOMER_COUNT
from finance_agent.tools.demo_sales import SALES_DAYS
from finance_agent.tools.seed_data import SeedReport

KPIS = "/agent/tools/kpis"
CASHFLOW = "/agent/tools/cashflow"
ANOMALIES = "/agent/tools/anomalies"
SALES = "/agent/tools/sales"
AR_AGING = "/agent/tools/ar-aging"
INVOICES = "/agent/tools/invoices"
ACTIONS = "/agent/actions"
GET_PATHS = [KPIS, CASHFLOW, ANOMALIES, SALES, AR_AGING, INVOICES, ACTIONS]
TOMORROW = (today() + timedelta(days=1)).isoformat()

KPI_FIELDS = {
    "period",
    "start_date",
    "end_date",
    "revenue",
    "gross_margin",
    "ar_total",
    "ar_over_60",
    "days_with_sales",
    "currency",
    "source",
    "previous",
}
AGING_FIELDS = {
    "customer_id",
    "customer_name",
    "email",
    "current",
    "days_1_30",
    "days_31_60",
    "days_61_90",
    "days_over_90",
    "disputed",
    "total",
}
ACTION_FIELDS = {"action_id", "action", "payload", "performed_by", "created_at", "status"}

pytestmark = pytest.mark.usefixtures("seeded")


def model_json(model: Any) -> Any:
    """A model as the wire carries it."""
    return json.loads(model.model_dump_json())


def decimals(value: Any) -> int:
    """Digits after the point of a JSON number read by exact_json (never a string)."""
    assert isinstance(value, Decimal), f"{value!r} is not a JSON number"
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int), f"{value} is not finite"
    return max(0, -exponent)


def assert_money(value: Any) -> None:
    assert decimals(value) <= 2, f"{value} has more than two decimals"


def assert_ratio(value: Any) -> None:
    assert decimals(value) <= 4, f"{value} has more than four decimals"
    assert 0 <= value <= 1


# -- the captured-format sample ----------------------------------------------------------------


def test_the_sample_event_has_the_documented_payload_v2_shape(sample_event: dict[str, Any]) -> None:
    assert sample_event["version"] == "2.0"
    assert sample_event["routeKey"] == "GET /agent/tools/kpis"
    assert sample_event["rawPath"] == "/agent/tools/kpis"
    assert sample_event["rawQueryString"] == "period=last_30d"
    assert sample_event["queryStringParameters"] == {"period": "last_30d"}
    assert "body" not in sample_event  # API Gateway sends no body key for a GET without one
    assert sample_event["isBase64Encoded"] is False
    assert all(name == name.lower() for name in sample_event["headers"])
    context = sample_event["requestContext"]
    assert {"accountId", "apiId", "domainName", "requestId", "routeKey", "stage"} <= set(context)
    assert {"time", "timeEpoch", "http", "authorizer"} <= set(context)
    assert set(context["http"]) == {"method", "path", "protocol", "sourceIp", "userAgent"}
    jwt_context = context["authorizer"]["jwt"]
    assert all(isinstance(v, str) for v in jwt_context["claims"].values())
    assert jwt_context["claims"]["cognito:groups"] == "[finance-controllers]"
    assert jwt_context["scopes"] == ["agent:actions", "openid"]


def test_the_sample_event_as_captured_gets_the_kpis_of_the_last_30_days(
    sample_event: dict[str, Any], invoke: Callable[..., Any]
) -> None:
    reply = invoke(sample_event)
    assert reply.status == 200
    assert reply.json["period"] == "last_30d"
    assert reply.headers["x-request-id"] == "Dq3hTi7LDoEEMcQ="


# -- defaults, and figures equal to the use cases' on the same store ----------------------------


def test_kpis_default_to_the_last_30_days_and_match_the_use_case(api: Callable[..., Any]) -> None:
    reply = api("GET", KPIS)
    assert reply.status == 200
    assert reply.json["period"] == "last_30d"
    assert reply.json == model_json(GetKPIsUC(get_repo()).execute(period="last_30d"))


def test_cashflow_defaults_to_a_30_day_horizon_and_matches_the_use_case(
    api: Callable[..., Any],
) -> None:
    reply = api("GET", CASHFLOW)
    assert reply.status == 200
    assert reply.json["horizon_days"] == 30
    assert len(reply.json["points"]) == 30
    assert reply.json["start_date"] == (today() + timedelta(days=1)).isoformat()
    assert reply.json == model_json(CashflowForecastUC(get_repo()).execute(horizon_days=30))


def test_anomalies_default_to_the_last_60_days_at_threshold_2_and_match_the_use_case(
    api: Callable[..., Any], seeded: SeedReport
) -> None:
    reply = api("GET", ANOMALIES)
    assert reply.status == 200
    assert reply.json["period"] == "last_60d"
    assert reply.json["threshold"] == 2.0
    expected = DetectAnomaliesUC(get_repo(), threshold=2.0).execute(period="last_60d")
    assert reply.json == model_json(expected)
    found = {a["date"] for a in reply.json["anomalies"]}
    assert {a.date.isoformat() for a in seeded.injected} <= found


def test_sales_default_to_120_days_and_match_the_use_case(api: Callable[..., Any]) -> None:
    reply = api("GET", SALES)
    assert reply.status == 200
    body = reply.json
    assert len(body["days"]) == SALES_DAYS == 120
    assert body["end_date"] == today().isoformat()
    assert body["start_date"] == (today() - timedelta(days=119)).isoformat()
    assert body["currency"] == "USD"
    _, _, days = GetSalesHistoryUC(get_repo()).execute(days=120)
    assert body["days"] == [model_json(day) for day in days]


def test_ar_aging_defaults_to_every_customer_owing_today_and_matches_the_use_case(
    api: Callable[..., Any],
) -> None:
    reply = api("GET", AR_AGING)
    assert reply.status == 200
    assert reply.json["min_days_overdue"] == 0
    assert (reply.json["as_of"], reply.json["basis"]) == (today().isoformat(), "due_date")
    assert 0 < len(reply.json["customers"]) <= CUSTOMER_COUNT
    expected = AgingAsOfUC(get_ledger()).execute(min_days_overdue=0).customers
    assert reply.json["customers"] == [model_json(row) for row in expected]


def test_actions_default_to_a_page_of_50_and_match_the_use_case(api: Callable[..., Any]) -> None:
    reply = api("GET", ACTIONS)
    assert reply.status == 200
    assert len(reply.json["items"]) == ACTION_COUNT  # all ten fit in the default page of 50
    assert reply.json["next_token"] is None
    assert reply.json == model_json(ListActionsUC(get_repo()).execute(limit=50))


def test_a_period_other_than_the_cached_ones_is_computed_and_matches_the_use_case(
    api: Callable[..., Any],
) -> None:
    reply = api("GET", KPIS, {"period": "last_7d"})
    assert reply.status == 200
    assert reply.json["source"] == "computed"
    assert reply.json == model_json(GetKPIsUC(get_repo()).execute(period="last_7d"))


def test_kpis_cached_by_the_seed_today_are_served_from_the_cache(api: Callable[..., Any]) -> None:
    assert api("GET", KPIS, {"period": "last_30d"}).json["source"] == "cache"


# -- parameter bounds ---------------------------------------------------------------------------

ACCEPTED = [
    (KPIS, {"period": "last_1d"}),
    (KPIS, {"period": "last_365d"}),
    (CASHFLOW, {"horizon": "1"}),
    (CASHFLOW, {"horizon": "365"}),
    (ANOMALIES, {"threshold": "0.5"}),
    (ANOMALIES, {"threshold": "10"}),
    (ANOMALIES, {"period": "last_1d", "threshold": "2"}),
    (ANOMALIES, {"period": "last_365d"}),
    (SALES, {"days": "1"}),
    (SALES, {"days": "365"}),
    (AR_AGING, {"min_days_overdue": "0"}),
    (AR_AGING, {"min_days_overdue": "61"}),
    (AR_AGING, {"min_days_overdue": "3650"}),
    (AR_AGING, {"basis": "invoice_date", "as_of": today().isoformat()}),
    (AR_AGING, {"basis": "due_date"}),
    (INVOICES, {"limit": "1", "status": "overdue"}),
    (INVOICES, {"limit": "100", "status": "all"}),
    (INVOICES, {"status": "paid", "customer_id": "CUST001", "as_of": today().isoformat()}),
    (ACTIONS, {"limit": "1"}),
    (ACTIONS, {"limit": "100"}),
]


@pytest.mark.parametrize(("path", "query"), ACCEPTED, ids=lambda v: str(v))
def test_values_at_the_bounds_are_accepted(
    api: Callable[..., Any], path: str, query: dict[str, str]
) -> None:
    assert api("GET", path, query).status == 200


REFUSED = [
    (CASHFLOW, "horizon", "0"),
    (CASHFLOW, "horizon", "366"),
    (CASHFLOW, "horizon", "-1"),
    (CASHFLOW, "horizon", "thirty"),
    (CASHFLOW, "horizon", "1.5"),
    (CASHFLOW, "horizon", ""),
    (ACTIONS, "limit", "0"),
    (ACTIONS, "limit", "101"),
    (ACTIONS, "limit", "500"),
    (ACTIONS, "limit", "ten"),
    (ANOMALIES, "threshold", "-1"),
    (ANOMALIES, "threshold", "0"),
    (ANOMALIES, "threshold", "10.5"),
    (ANOMALIES, "threshold", "nan"),
    (ANOMALIES, "threshold", "inf"),
    (ANOMALIES, "threshold", "high"),
    (ANOMALIES, "period", "last_0d"),
    (ANOMALIES, "period", "last_366d"),
    (KPIS, "period", "last_0d"),
    (KPIS, "period", "last_366d"),
    (KPIS, "period", "last_1000d"),
    (KPIS, "period", "yesterday"),
    (KPIS, "period", "last_30"),
    (KPIS, "period", "last_-5d"),
    (SALES, "days", "0"),
    (SALES, "days", "366"),
    (SALES, "days", "a week"),
    (AR_AGING, "min_days_overdue", "-1"),
    (AR_AGING, "min_days_overdue", "3651"),
    (AR_AGING, "min_days_overdue", "sixty"),
    (AR_AGING, "basis", "issue_date"),
    (AR_AGING, "basis", ""),
    (AR_AGING, "as_of", TOMORROW),
    (AR_AGING, "as_of", "2026-02-30"),
    (AR_AGING, "as_of", "20260101"),
    (AR_AGING, "as_of", "01/02/2026"),
    (INVOICES, "status", "late"),
    (INVOICES, "status", "OPEN"),
    (INVOICES, "limit", "0"),
    (INVOICES, "limit", "101"),
    (INVOICES, "limit", "fifty"),
    (INVOICES, "as_of", TOMORROW),
    (INVOICES, "customer_id", "a b"),
    (INVOICES, "next_token", "not-a-token"),
    (INVOICES, "next_token", ""),
    (ACTIONS, "next_token", "not-a-token"),
]


@pytest.mark.parametrize(("path", "name", "value"), REFUSED, ids=lambda v: str(v) or "empty")
def test_values_out_of_range_or_garbled_are_a_400_naming_the_parameter(
    api: Callable[..., Any], path: str, name: str, value: str
) -> None:
    reply = api("GET", path, {name: value})
    assert reply.status == 400
    body = reply.json
    assert body["error"] == "validation_error"
    assert reply.error_fields() == [name]
    assert all(detail["rule"] for detail in body["details"])
    assert name in body["message"]


def test_a_value_out_of_range_is_refused_never_clamped(api: Callable[..., Any]) -> None:
    reply = api("GET", ACTIONS, {"limit": "500"})
    assert reply.status == 400
    assert "items" not in reply.json


@pytest.mark.parametrize("path", GET_PATHS)
def test_an_unknown_parameter_is_a_400_not_a_silent_default(
    api: Callable[..., Any], path: str
) -> None:
    reply = api("GET", path, {"limt": "5"})
    assert reply.status == 400
    assert reply.json["details"] == [{"field": "limt", "rule": "is not a known parameter"}]


def test_a_repeated_parameter_arrives_comma_joined_and_is_refused(
    api: Callable[..., Any], make_event: Callable[..., Any], invoke: Callable[..., Any]
) -> None:
    event = make_event("GET", KPIS, {"period": ["last_30d", "last_60d"]})
    assert event["rawQueryString"] == "period=last_30d&period=last_60d"
    assert event["queryStringParameters"] == {"period": "last_30d,last_60d"}
    reply = invoke(event)
    assert reply.status == 400
    assert reply.error_fields() == ["period"]


def test_several_bad_parameters_are_all_reported(api: Callable[..., Any]) -> None:
    reply = api("GET", ANOMALIES, {"threshold": "0", "perod": "last_30d"})
    assert reply.status == 400
    assert sorted(reply.error_fields()) == ["perod", "threshold"]


# -- wire format --------------------------------------------------------------------------------


def test_kpis_carry_design_fields_money_in_cents_and_the_previous_period(
    api: Callable[..., Any],
) -> None:
    for period in ("last_30d", "last_7d"):  # one cached, one computed
        reply = api("GET", KPIS, {"period": period})
        body = reply.exact_json
        assert set(body) == KPI_FIELDS
        assert set(body["previous"]) == {
            "start_date",
            "end_date",
            "revenue",
            "gross_margin",
            "days_with_sales",
        }
        for name in ("revenue", "ar_total", "ar_over_60"):
            assert_money(body[name])
        assert_money(body["previous"]["revenue"])
        assert_ratio(body["gross_margin"])
        assert_ratio(body["previous"]["gross_margin"])
        assert body["currency"] == "USD"
        assert body["source"] in ("cache", "computed")
        days = int(period.removeprefix("last_").removesuffix("d"))
        start = today() - timedelta(days=days - 1)
        assert body["end_date"] == today().isoformat()
        assert body["start_date"] == start.isoformat()
        assert body["previous"]["end_date"] == (start - timedelta(days=1)).isoformat()
        assert body["previous"]["start_date"] == (start - timedelta(days=days)).isoformat()
        assert body["revenue"] > 0
        assert 0 < body["ar_over_60"] < body["ar_total"]
        # The demo's 120 days cover both periods of last_30d and last_7d.
        assert body["days_with_sales"] == body["previous"]["days_with_sales"] == days


def test_kpi_money_leaves_as_plain_numbers_in_the_body_text(api: Callable[..., Any]) -> None:
    reply = api("GET", KPIS)
    revenue = reply.exact_json["revenue"]
    assert f'"revenue":{revenue}' in reply.text.replace(" ", "")


def test_cashflow_amounts_are_money(api: Callable[..., Any]) -> None:
    body = api("GET", CASHFLOW, {"horizon": "7"}).exact_json
    assert_money(body["daily_average"])
    assert_money(body["total"])
    assert body["total"] == body["daily_average"] * 7
    assert len(body["points"]) == 7
    for point in body["points"]:
        assert set(point) == {"date", "amount", "lo80", "hi80", "lo95", "hi95"}
        for name in ("amount", "lo80", "hi80", "lo95", "hi95"):
            assert_money(point[name])
        assert point["lo95"] <= point["lo80"] <= point["amount"] <= point["hi80"] <= point["hi95"]


def test_anomalies_carry_money_and_three_decimal_scores(api: Callable[..., Any]) -> None:
    body = api("GET", ANOMALIES).exact_json
    assert_money(body["mean"])
    assert_money(body["std_dev"])
    assert body["anomalies"]
    for anomaly in body["anomalies"]:
        assert set(anomaly) == {
            "date",
            "value",
            "expected",
            "z_score",
            "deviation",
            "direction",
            "reason",
            "level_shift",
        }
        assert anomaly["level_shift"] is None  # zscore, the default, finds no runs
        assert_money(anomaly["expected"])
        assert anomaly["reason"]
        assert_money(anomaly["value"])
        assert_money(anomaly["deviation"])
        assert decimals(anomaly["z_score"]) <= 3
        assert abs(anomaly["z_score"]) >= 2
        assert anomaly["direction"] == ("spike" if anomaly["z_score"] > 0 else "drop")


def test_sales_days_are_oldest_first_with_money(api: Callable[..., Any]) -> None:
    days = api("GET", SALES, {"days": "30"}).exact_json["days"]
    assert len(days) == 30
    assert [d["date"] for d in days] == sorted(d["date"] for d in days)
    for day in days:
        assert set(day) == {"date", "revenue", "cogs"}
        assert_money(day["revenue"])
        assert_money(day["cogs"])


def test_ar_aging_rows_carry_design_fields_most_overdue_first(api: Callable[..., Any]) -> None:
    body = api("GET", AR_AGING).exact_json
    assert body["currency"] == "USD"
    rows = body["customers"]
    for row in rows:
        assert set(row) == AGING_FIELDS
        buckets = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
        for name in (*buckets, "total"):
            assert_money(row[name])
        assert row["total"] == sum(row[name] for name in buckets)
    over_60 = [row["days_61_90"] + row["days_over_90"] for row in rows]
    assert over_60 == sorted(over_60, reverse=True)


def test_ar_aging_over_60_days_lists_only_customers_owing_that_long(
    api: Callable[..., Any],
) -> None:
    rows = api("GET", AR_AGING, {"min_days_overdue": "61"}).exact_json["customers"]
    assert rows
    assert all(row["days_61_90"] + row["days_over_90"] > 0 for row in rows)
    every = api("GET", AR_AGING).exact_json["customers"]
    assert len(rows) == sum(1 for r in every if r["days_61_90"] + r["days_over_90"] > 0)


def test_actions_carry_design_fields_newest_first(api: Callable[..., Any]) -> None:
    items = api("GET", ACTIONS).json["items"]
    for item in items:
        assert set(item) == ACTION_FIELDS
        assert item["action"] == "collection_reminder"
    created = [item["created_at"] for item in items]
    assert created == sorted(created, reverse=True)


def test_next_token_pages_through_every_action_newest_first(api: Callable[..., Any]) -> None:
    seen: list[dict[str, Any]] = []
    pages = 0
    token: str | None = None
    while True:
        query = {"limit": "3"} if token is None else {"limit": "3", "next_token": token}
        reply = api("GET", ACTIONS, query)
        assert reply.status == 200
        assert len(reply.json["items"]) <= 3
        seen.extend(reply.json["items"])
        pages += 1
        token = reply.json["next_token"]
        if token is None:
            break
        assert pages < 10, "paging does not end"
    assert pages == 4  # 3 + 3 + 3 + 1
    assert [a["action_id"] for a in seen] == [
        a.action_id for a in ListActionsUC(get_repo()).execute(limit=100).items
    ]
    assert len({a["action_id"] for a in seen}) == ACTION_COUNT
    assert [a["created_at"] for a in seen] == sorted((a["created_at"] for a in seen), reverse=True)


# -- headers on every response ------------------------------------------------------------------

EVERY_KIND_OF_ANSWER = [
    *[(path, {}, None) for path in GET_PATHS],  # 200
    *[(path, {"bogus": "1"}, None) for path in GET_PATHS],  # 400
    *[(path, {}, "no identity") for path in GET_PATHS],  # 401
]


@pytest.mark.parametrize(("path", "query", "anonymous"), EVERY_KIND_OF_ANSWER)
def test_every_response_is_json_with_cors_headers_and_the_request_id(
    make_event: Callable[..., Any],
    invoke: Callable[..., Any],
    path: str,
    query: dict[str, str],
    anonymous: str | None,
) -> None:
    claims = None if anonymous else {"sub": "user-1"}
    event = make_event("GET", path, query, claims=claims, request_id="Req1d-For-Headers=")
    reply = invoke(event)
    assert reply.status in (200, 400, 401)
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["access-control-allow-origin"] == "*"
    allowed = {h.strip().lower() for h in reply.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed
    assert "x-request-id" in reply.headers["access-control-expose-headers"].lower()
    assert reply.headers["x-request-id"] == "Req1d-For-Headers="
    assert reply.raw["isBase64Encoded"] is False
    json.loads(reply.text)


def test_cors_echoes_an_allowed_origin_and_names_no_other(
    monkeypatch: pytest.MonkeyPatch, api: Callable[..., Any]
) -> None:
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://finance.example.com, https://ops.example.com")
    get_settings.cache_clear()
    allowed = api("GET", KPIS, headers={"origin": "https://ops.example.com"})
    assert allowed.headers["access-control-allow-origin"] == "https://ops.example.com"
    assert allowed.headers["vary"] == "Origin"
    other = api("GET", KPIS, headers={"origin": "https://evil.example.net"})
    assert other.status == 200
    assert "access-control-allow-origin" not in other.headers


def test_the_request_id_comes_from_the_lambda_context_when_the_event_has_none(
    make_event: Callable[..., Any],
) -> None:
    from finance_agent.adapters.handlers.figures.get_kpis import handler

    event = make_event("GET", KPIS)
    del event["requestContext"]["requestId"]

    class Context:
        aws_request_id = "lambda-request-7"

    response = handler(event, Context())
    assert response["headers"]["x-request-id"] == "lambda-request-7"


def test_an_empty_store_gives_zero_kpis_not_an_error(
    api: Callable[..., Any], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from finance_agent.bootstrap import get_repo as repo_factory

    monkeypatch.setenv("SQLITE_PATH", str(tmp_path / "empty.db"))
    get_settings.cache_clear()
    repo_factory.cache_clear()
    body = api("GET", KPIS).exact_json
    assert body["revenue"] == 0
    assert body["gross_margin"] == 0
    assert body["ar_total"] == 0
    assert body["source"] == "computed"
    assert date.fromisoformat(body["end_date"]) == today()


def test_a_store_failure_is_a_500_with_the_request_id_and_the_details_only_in_the_log(
    api: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from finance_agent.domain.errors import StoreError

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise StoreError("sqlite store /srv/private/finance.db: database disk image is malformed")

    monkeypatch.setattr(get_repo(), "get_sales_series", broken)
    capsys.readouterr()
    reply = api("GET", SALES, request_id="ReqStore-Fail=")
    assert reply.status == 500
    assert reply.json["error"] == "internal_error"
    assert reply.json["request_id"] == "ReqStore-Fail="
    assert "/srv/private" not in reply.text
    assert "malformed" not in reply.text
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    (error,) = [entry for entry in logged if entry["level"] == "ERROR"]
    assert error["request_id"] == "ReqStore-Fail="
    assert "database disk image is malformed" in error["exception"]
