"""The Bedrock model provider: ``converse`` through botocore's Stubber, tools on a real store.

The Stubber checks every request against bedrock-runtime's service model (and every canned
response against its output shape); tool calls run the real handlers on a seeded SQLite
file, and the session's history lives in that store.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import jsonschema
import pytest
from botocore.stub import Stubber
from pydantic import BaseModel

from finance_agent.adapters.chat.bedrock import converse as bedrock_converse
from finance_agent.adapters.chat.bedrock.converse import (
    MAX_TOOL_ROUNDS,
    OUT_OF_TIME_REPLY,
    ROUND_LIMIT_REPLY,
    BedrockConverseProvider,
)
from finance_agent.adapters.chat.bedrock.tools import input_schema, run_tool, tool_config
from finance_agent.adapters.chat.providers import get_provider
from finance_agent.adapters.chat.types import ChatAnswer, ChatRequest
from finance_agent.adapters.http.v2_events import call_route
from finance_agent.bootstrap import get_repo
from finance_agent.domain.errors import (
    DomainError,
    RateLimitedError,
    StoreError,
    UnavailableError,
    UpstreamError,
)
from finance_agent.routes import route_by_id, tool_routes
from finance_agent.shared.auth import ACTIONS_SCOPE, Identity
from finance_agent.shared.settings import Settings, load_settings
from finance_agent.tools.seed_data import seed

MODEL_ID = "anthropic.claude-3-5-haiku-20241022-v1:0"
READER = Identity(principal="reader@example.com", claims={"email": "reader@example.com"})
ACTOR = Identity(
    principal="ana.controller@example.com",
    scopes=frozenset({ACTIONS_SCOPE}),
    claims={"email": "ana.controller@example.com"},
)


# -- canned model answers, in Converse's response shape ------------------------------------
def model_says(*blocks: dict[str, Any], stop: str = "end_turn") -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": list(blocks)}},
        "stopReason": stop,
        "usage": {"inputTokens": 100, "outputTokens": 20, "totalTokens": 120},
        "metrics": {"latencyMs": 250},
    }


def text(value: str) -> dict[str, Any]:
    return {"text": value}


def tool_use(name: str, arguments: dict[str, Any], tool_use_id: str = "tu-1") -> dict[str, Any]:
    return {"toolUse": {"toolUseId": tool_use_id, "name": name, "input": arguments}}


def asks_for(name: str, arguments: dict[str, Any], tool_use_id: str = "tu-1") -> dict[str, Any]:
    return model_says(text("Let me look."), tool_use(name, arguments, tool_use_id), stop="tool_use")


# -- fixtures ------------------------------------------------------------------------------
class FakeClock:
    def __init__(self, step: float = 0.0) -> None:
        self.now, self.step, self.slept = 0.0, step, 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds


class Model:
    """A Stubber-backed bedrock-runtime client that keeps each request's parameters."""

    def __init__(self) -> None:
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        self.client = session.client("bedrock-runtime")
        self.stubber = Stubber(self.client)
        self.requests: list[dict[str, Any]] = []
        self.client.meta.events.register(
            "provide-client-params.bedrock-runtime.Converse", self._keep
        )

    def _keep(self, params: dict[str, Any], **_: Any) -> None:
        # The provider keeps appending to its message list: copy it as sent.
        self.requests.append(copy.deepcopy(params))

    def answers(self, *responses: dict[str, Any]) -> Model:
        for response in responses:
            self.stubber.add_response("converse", response)
        return self

    def fails(self, code: str, status: int) -> Model:
        self.stubber.add_client_error("converse", code, "upstream said no", status)
        return self

    def tool_results(self, index: int) -> list[dict[str, Any]]:
        last = self.requests[index]["messages"][-1]
        assert last["role"] == "user"
        return [block["toolResult"] for block in last["content"]]


@pytest.fixture
def model() -> Iterator[Model]:
    fake = Model()
    with fake.stubber:
        yield fake
        fake.stubber.assert_no_pending_responses()


@pytest.fixture
def seeded() -> None:
    seed(get_repo())


def model_settings(**overrides: Any) -> Settings:
    return load_settings(**{"bedrock_model_id": MODEL_ID, **overrides})


@pytest.fixture
def make_provider(model: Model, seeded: None) -> Callable[..., BedrockConverseProvider]:
    def make(settings: Settings | None = None, clock: FakeClock | None = None, **kw: Any) -> Any:
        clock = clock or FakeClock()
        return BedrockConverseProvider(
            settings or model_settings(), client=model.client, clock=clock, sleep=clock.sleep, **kw
        )

    return make


def ask(
    provider: BedrockConverseProvider,
    message: str = "What was revenue in the last 30 days?",
    identity: Identity = READER,
    session_id: str = "chat-1",
) -> ChatAnswer:
    request = ChatRequest(message=message, session_id=session_id, identity=identity, request_id="r")
    return provider.answer(request)


# -- a tool-use round trip -----------------------------------------------------------------
def test_a_tool_round_trip_gives_the_model_the_api_s_own_figures(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(
        asks_for("get_kpis", {"period": "last_30d"}),
        model_says(text("Revenue in the last 30 days was the figure above.")),
    )
    answer = ask(make_provider())
    assert answer.reply == "Revenue in the last 30 days was the figure above."
    assert answer.provider == "bedrock-model"
    assert answer.tools_used == ("get_kpis",)

    [result] = model.tool_results(1)
    assert result["toolUseId"] == "tu-1"
    assert result["status"] == "success"
    status, expected = call_route(route_by_id("get_kpis"), READER, {"period": "last_30d"})
    assert status == 200
    assert result["content"] == [{"json": expected}]
    assert expected["revenue"] > 0
    # The model's own turn (with its toolUse) is sent back before the result.
    assert model.requests[1]["messages"][-2]["content"][1]["toolUse"]["name"] == "get_kpis"


def test_every_call_carries_the_tools_system_prompt_and_output_cap(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(model_says(text("Hello.")))
    ask(make_provider(model_settings(chat_max_output_tokens=300, currency="EUR")))
    [request] = model.requests
    assert request["modelId"] == MODEL_ID
    assert request["inferenceConfig"] == {"maxTokens": 300}
    assert "EUR" in request["system"][0]["text"]
    assert "Never invent" in request["system"][0]["text"]
    names = [tool["toolSpec"]["name"] for tool in request["toolConfig"]["tools"]]
    assert names == [route.operation_id for route in tool_routes()]
    assert "guardrailConfig" not in request
    assert request["messages"] == [
        {"role": "user", "content": [{"text": "What was revenue in the last 30 days?"}]}
    ]


def test_a_guardrail_is_applied_when_configured(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(model_says(text("Blocked by policy.")), model_says(text("ok")))
    ask(make_provider(model_settings(bedrock_guardrail_id="gr-1", bedrock_guardrail_version="3")))
    ask(make_provider(model_settings(bedrock_guardrail_id="gr-1")))
    assert model.requests[0]["guardrailConfig"] == {
        "guardrailIdentifier": "gr-1",
        "guardrailVersion": "3",
    }
    assert model.requests[1]["guardrailConfig"]["guardrailVersion"] == "DRAFT"


def test_several_tools_in_one_round_each_get_their_result(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(
        model_says(
            tool_use("get_kpis", {"period": "last_7d"}, "a"),
            tool_use("get_ar_aging", {"min_days_overdue": 61}, "b"),
            stop="tool_use",
        ),
        asks_for("get_kpis", {"period": "last_14d"}, "c"),
        model_says(text("Done.")),
    )
    answer = ask(make_provider())
    assert answer.tools_used == ("get_kpis", "get_ar_aging")
    first = model.tool_results(1)
    assert [r["toolUseId"] for r in first] == ["a", "b"]
    assert all(r["status"] == "success" for r in first)
    _, aging = call_route(route_by_id("get_ar_aging"), READER, {"min_days_overdue": 61})
    assert first[1]["content"] == [{"json": aging}]


# -- tool errors ---------------------------------------------------------------------------
def test_a_tool_error_goes_back_to_the_model_as_an_error_result(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(
        asks_for("get_kpis", {"period": "last_999d"}),
        model_says(text("That period is too long; the limit is 365 days.")),
    )
    answer = ask(make_provider())
    assert answer.reply.startswith("That period is too long")
    [result] = model.tool_results(1)
    assert result["status"] == "error"
    body = result["content"][0]["json"]
    assert body["error"] == "validation_error"
    assert body["details"][0]["field"] == "period"


def test_an_unknown_tool_is_an_error_result_and_not_a_tool_used(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(asks_for("drop_tables", {}), model_says(text("I cannot do that.")))
    answer = ask(make_provider())
    assert answer.tools_used == ()
    [result] = model.tool_results(1)
    assert result["status"] == "error"
    assert result["content"][0]["json"]["error"] == "unknown_tool"


def test_a_tool_input_that_is_not_an_object_is_an_error_result() -> None:
    block, operation_id = run_tool(
        {"toolUseId": "x", "name": "get_kpis", "input": ["last_7d"]}, READER, "r"
    )
    assert operation_id == "get_kpis"
    assert block["toolResult"]["status"] == "error"
    assert block["toolResult"]["content"][0]["json"]["error"] == "validation_error"


def test_a_crashing_handler_is_an_internal_error_result(
    seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_: Any, **__: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("finance_agent.adapters.chat.bedrock.tools.call_route", crash)
    block, _ = run_tool({"toolUseId": "x", "name": "get_kpis", "input": None}, READER, "r")
    result = block["toolResult"]
    assert result["status"] == "error"
    assert result["content"][0]["json"]["error"] == "internal_error"
    assert "secret internals" not in str(result)


# -- scopes --------------------------------------------------------------------------------
def test_a_write_without_the_scope_is_refused_and_the_model_sees_the_403(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    before = get_repo().list_agent_actions(limit=100).items
    model.answers(
        asks_for("create_collection_reminder", {"customer_id": "CUST007"}),
        model_says(text("You do not have permission to record reminders.")),
    )
    answer = ask(make_provider(), "remind CUST007 to pay", identity=READER)
    assert answer.tools_used == ("create_collection_reminder",)
    [result] = model.tool_results(1)
    assert result["status"] == "error"
    status, expected = call_route(
        route_by_id("create_collection_reminder"), READER, {"customer_id": "CUST007"}
    )
    assert status == 403
    assert result["content"] == [{"json": expected}]
    assert expected["error"] == "forbidden"
    assert get_repo().list_agent_actions(limit=100).items == before


def test_a_write_with_the_scope_is_recorded_as_the_caller(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    # CUST001 has money past due in the demo books whatever the day (tools/demo_ledger.py).
    model.answers(
        asks_for("create_collection_reminder", {"customer_id": "CUST001"}),
        model_says(text("Reminder recorded.")),
    )
    ask(make_provider(), "remind CUST001 to pay", identity=ACTOR)
    [result] = model.tool_results(1)
    assert result["status"] == "success"
    action = result["content"][0]["json"]
    assert action["performed_by"] == ACTOR.principal
    assert action["payload"]["customer_id"] == "CUST001"
    assert get_repo().get_agent_action(action["action_id"]) is not None


# -- bounds --------------------------------------------------------------------------------
def test_the_round_limit_ends_with_a_clear_answer(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(*[asks_for("get_kpis", {"period": f"last_{n + 1}d"}, f"t{n}") for n in range(6)])
    answer = ask(make_provider())
    assert answer.reply == ROUND_LIMIT_REPLY
    assert answer.tools_used == ("get_kpis",)
    assert len(model.requests) == MAX_TOOL_ROUNDS + 1
    # Five rounds of tool results were sent; the sixth request for tools was not run.
    assert len(model.tool_results(MAX_TOOL_ROUNDS)) == 1
    history = get_repo().get_chat_history(READER.principal, "chat-1")
    assert [turn.text for turn in history][-1] == ROUND_LIMIT_REPLY


def test_no_model_call_starts_without_time_for_it(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(asks_for("get_kpis", {"period": "last_7d"}))
    answer = ask(make_provider(clock=FakeClock(step=11.0)))
    assert answer.reply == OUT_OF_TIME_REPLY
    assert len(model.requests) == 1
    assert answer.tools_used == ("get_kpis",)


def test_an_answer_cut_at_the_output_limit_says_so(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(model_says(text("Revenue was"), stop="max_tokens"))
    assert ask(make_provider()).reply.endswith("cut short at the output limit.)")


def test_an_empty_answer_is_replaced_by_a_clear_one(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(model_says(stop="end_turn"))
    assert ask(make_provider()).reply == bedrock_converse.EMPTY_REPLY


# -- history -------------------------------------------------------------------------------
def test_a_follow_up_sends_the_stored_exchange_first(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(
        asks_for("get_kpis", {"period": "last_30d"}),
        model_says(text("Revenue was 100.")),
        model_says(text("Gross margin was 40%.")),
    )
    provider = make_provider()
    ask(provider, "What was revenue in the last 30 days?")
    ask(provider, "And the margin?")
    assert model.requests[2]["messages"] == [
        {"role": "user", "content": [{"text": "What was revenue in the last 30 days?"}]},
        {"role": "assistant", "content": [{"text": "Revenue was 100."}]},
        {"role": "user", "content": [{"text": "And the margin?"}]},
    ]
    turns = get_repo().get_chat_history(READER.principal, "chat-1")
    assert [(t.role, t.text) for t in turns] == [
        ("user", "What was revenue in the last 30 days?"),
        ("assistant", "Revenue was 100."),
        ("user", "And the margin?"),
        ("assistant", "Gross margin was 40%."),
    ]


def test_another_caller_with_the_same_session_id_starts_fresh(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(model_says(text("One.")), model_says(text("Two.")))
    provider = make_provider()
    ask(provider, "first", identity=READER, session_id="shared")
    ask(provider, "second", identity=ACTOR, session_id="shared")
    assert model.requests[1]["messages"] == [{"role": "user", "content": [{"text": "second"}]}]


def test_broken_history_is_made_to_alternate_from_a_user_turn(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    from datetime import UTC, datetime

    from finance_agent.domain.models import ChatTurn

    now = datetime.now(UTC)
    get_repo().append_chat_turns(
        READER.principal,
        "chat-1",
        [
            ChatTurn(role="assistant", text="orphan", at=now),
            ChatTurn(role="user", text="q1", at=now),
            ChatTurn(role="user", text="q1 again", at=now),
        ],
    )
    model.answers(model_says(text("a")))
    ask(make_provider(), "q2")
    assert model.requests[0]["messages"] == [
        {"role": "user", "content": [{"text": "q1"}, {"text": "q1 again"}, {"text": "q2"}]}
    ]


def test_the_answer_stands_when_the_history_cannot_be_saved(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    class FailingStore:
        def get_chat_history(self, owner: str, session_id: str) -> list[Any]:
            return []

        def append_chat_turns(self, *_: Any, **__: Any) -> None:
            raise StoreError("disk full")

    model.answers(model_says(text("Fine.")))
    assert ask(make_provider(repo=FailingStore())).reply == "Fine."


# -- upstream errors -----------------------------------------------------------------------
def test_throttled_once_is_tried_again(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.fails("ThrottlingException", 429).answers(model_says(text("Back.")))
    clock = FakeClock()
    assert ask(make_provider(clock=clock)).reply == "Back."
    assert 0.2 <= clock.slept <= 0.6


def test_throttled_twice_is_rate_limited_and_nothing_is_stored(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.fails("ThrottlingException", 429).fails("ThrottlingException", 429)
    with pytest.raises(RateLimitedError):
        ask(make_provider())
    assert get_repo().get_chat_history(READER.principal, "chat-1") == []


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ModelTimeoutException", 408, UnavailableError),
        ("ModelNotReadyException", 429, UnavailableError),
        ("AccessDeniedException", 403, UpstreamError),
        ("ValidationException", 400, UpstreamError),
        ("ResourceNotFoundException", 404, UpstreamError),
        ("ModelErrorException", 424, UpstreamError),
        ("InternalServerException", 500, UpstreamError),
    ],
)
def test_upstream_errors_are_mapped(
    model: Model,
    make_provider: Callable[..., BedrockConverseProvider],
    code: str,
    status: int,
    expected: type[DomainError],
) -> None:
    model.fails(code, status)
    if code == "ModelNotReadyException":
        model.fails(code, status)  # retried once, like throttling
    with pytest.raises(expected) as caught:
        ask(make_provider())
    assert type(caught.value) is expected
    assert "upstream said no" not in caught.value.message


def test_service_unavailable_twice_is_a_503(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.fails("ServiceUnavailableException", 503).fails("ServiceUnavailableException", 503)
    with pytest.raises(UnavailableError):
        ask(make_provider())


def test_an_error_after_a_tool_round_is_mapped_too(
    model: Model, make_provider: Callable[..., BedrockConverseProvider]
) -> None:
    model.answers(asks_for("get_kpis", {"period": "last_7d"}))
    model.fails("ThrottlingException", 429).fails("ThrottlingException", 429)
    with pytest.raises(RateLimitedError):
        ask(make_provider(clock=FakeClock(step=1.0)))


# -- tool schemas --------------------------------------------------------------------------
def test_tool_schemas_are_self_contained_and_validate_what_the_api_accepts() -> None:
    tools = {t["toolSpec"]["name"]: t["toolSpec"] for t in tool_config()["tools"]}
    assert set(tools) == {route.operation_id for route in tool_routes()}
    for spec in tools.values():
        schema = spec["inputSchema"]["json"]
        assert "$ref" not in str(schema)
        assert "$defs" not in schema
        assert schema["type"] == "object"
        jsonschema.Draft202012Validator.check_schema(schema)
        assert spec["description"]
    reminder = tools["create_collection_reminder"]
    assert reminder["inputSchema"]["json"]["required"] == ["customer_id"]
    assert ACTIONS_SCOPE in reminder["description"]
    validator = jsonschema.Draft202012Validator(reminder["inputSchema"]["json"])
    assert validator.is_valid({"customer_id": "CUST007", "remind_date": "2030-01-31"})
    assert not validator.is_valid({"invoice_id": "INV1"})
    assert not validator.is_valid({"customer_id": "CUST007", "performed_by": "someone"})
    kpis = jsonschema.Draft202012Validator(tools["get_kpis"]["inputSchema"]["json"])
    assert not kpis.is_valid({"period": "30 days"})


class Address(BaseModel):
    city: str
    title: str  # a field named like a schema keyword


class Customer(BaseModel):
    name: str
    address: Address
    previous: list[Address] = []


class Node(BaseModel):
    children: list[Node] = []


def test_nested_models_are_inlined_and_property_names_kept() -> None:
    schema = input_schema(Customer)
    assert "$defs" not in schema
    address = schema["properties"]["address"]
    assert set(address["properties"]) == {"city", "title"}
    assert schema["properties"]["previous"]["items"]["required"] == ["city", "title"]
    assert "title" not in schema
    jsonschema.validate({"name": "n", "address": {"city": "c", "title": "t"}}, schema)


def test_a_recursive_model_cannot_be_a_tool_schema() -> None:
    with pytest.raises(ValueError, match="refers to itself"):
        input_schema(Node)


def test_a_route_without_input_takes_an_empty_object() -> None:
    assert input_schema(None) == {"type": "object", "properties": {}, "additionalProperties": False}


# -- wiring --------------------------------------------------------------------------------
def test_settings_with_a_model_and_no_agent_choose_this_provider() -> None:
    provider = get_provider(model_settings())
    assert isinstance(provider, BedrockConverseProvider)
    assert provider.name == "bedrock-model"


def test_the_provider_needs_a_model_id() -> None:
    with pytest.raises(ValueError, match="BEDROCK_MODEL_ID"):
        BedrockConverseProvider(load_settings())


def test_the_client_fits_a_model_call_inside_the_budget() -> None:
    provider = BedrockConverseProvider(model_settings(aws_region="ap-south-1"))
    client = provider._get_client()
    assert BedrockConverseProvider(model_settings(aws_region="ap-south-1"))._get_client() is client
    assert client.meta.region_name == "ap-south-1"
    config = client.meta.config
    assert config.connect_timeout + config.read_timeout == bedrock_converse.MIN_CALL_SECONDS
    assert bedrock_converse.BUDGET_SECONDS < 30
    assert config.retries["total_max_attempts"] == 1
