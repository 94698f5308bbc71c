"""The Bedrock Agent provider against botocore's own event-stream parser.

``invoke_agent`` answers with frames in the AWS event-stream wire format (prelude with the
total and headers lengths and its CRC32, string headers, a JSON payload, the message CRC32),
handed to a real botocore client through its ``before-send`` hook: signing, serialization,
response parsing and the event-stream decoder are botocore's, only the socket is not.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config

from finance_agent.adapters.chat.bedrock import calls as bedrock_calls
from finance_agent.adapters.chat.bedrock.agent import (
    READ_TIMEOUT,
    BedrockAgentProvider,
    agent_session_id,
)
from finance_agent.adapters.chat.providers import get_provider
from finance_agent.adapters.chat.types import ChatRequest
from finance_agent.domain.errors import (
    DomainError,
    RateLimitedError,
    UnavailableError,
    UpstreamError,
)
from finance_agent.shared.auth import ACTIONS_SCOPE, Identity
from finance_agent.shared.session_signing import SIGNATURE, verify_identity
from finance_agent.shared.settings import Settings, load_settings

SECRET = "agent-tests-session-secret-0123456789abcdef"
AGENT_ID = "AGENT12345"
ALIAS_ID = "ALIAS12345"
ACTOR = Identity(
    principal="ana.controller@example.com",
    scopes=frozenset({ACTIONS_SCOPE}),
    claims={"email": "ana.controller@example.com", "sub": "sub-0001", "token_use": "access"},
)
READER = Identity(principal="reader@example.com")


# -- the AWS event-stream wire format ------------------------------------------------------
def _string_header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    # name length (1 byte), name, value type 7 (string), value length (2 bytes), value
    return (
        struct.pack(">B", len(raw_name))
        + raw_name
        + struct.pack(">BH", 7, len(raw_value))
        + (raw_value)
    )


def encode_frame(headers: dict[str, str], payload: bytes) -> bytes:
    encoded = b"".join(_string_header(k, v) for k, v in headers.items())
    total_length = 4 + 4 + 4 + len(encoded) + len(payload) + 4
    prelude = struct.pack(">II", total_length, len(encoded))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + encoded + payload
    return message + struct.pack(">I", zlib.crc32(message))


def event_frame(event_type: str, body: dict[str, Any]) -> bytes:
    headers = {
        ":event-type": event_type,
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return encode_frame(headers, json.dumps(body).encode())


def chunk(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return event_frame("chunk", {"bytes": base64.b64encode(raw).decode()})


def trace(api_path: str | None = "/agent/tools/kpis", verb: str = "get") -> bytes:
    action: dict[str, Any] = {"actionGroupName": "finance", "verb": verb}
    if api_path is not None:
        action["apiPath"] = api_path
        action["parameters"] = [{"name": "period", "type": "string", "value": "last_30d"}]
    body = {
        "agentId": AGENT_ID,
        "agentAliasId": ALIAS_ID,
        "sessionId": "s",
        "trace": {
            "orchestrationTrace": {
                "invocationInput": {
                    "invocationType": "ACTION_GROUP",
                    "traceId": "trace-1",
                    "actionGroupInvocationInput": action,
                }
            }
        },
    }
    return event_frame("trace", body)


def rationale_trace() -> bytes:
    body = {"trace": {"orchestrationTrace": {"rationale": {"text": "thinking", "traceId": "t"}}}}
    return event_frame("trace", body)


def error_frame(exception_type: str, message: str = "stopped") -> bytes:
    headers = {
        ":exception-type": exception_type,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_frame(headers, json.dumps({"message": message}).encode())


def test_the_encoder_writes_the_documented_layout() -> None:
    frame = event_frame("chunk", {"bytes": ""})
    total, headers_length, prelude_crc = struct.unpack(">III", frame[:12])
    assert total == len(frame)
    assert prelude_crc == zlib.crc32(frame[:8])
    assert struct.unpack(">I", frame[-4:])[0] == zlib.crc32(frame[:-4])
    assert frame[12 : 12 + headers_length].startswith(b"\x0b:event-type\x07\x00\x05chunk")


# -- a botocore client whose HTTP layer is a list of canned responses ----------------------
class RawStream:
    """What botocore reads a response body from: ``stream()`` yields the bytes in pieces."""

    def __init__(self, data: bytes, piece: int = 7, fail: BaseException | None = None) -> None:
        self._data, self._piece, self._fail = data, piece, fail
        self.closed = False

    def stream(self, **_: Any) -> Iterator[bytes]:
        # Small odd pieces: frames arrive split anywhere, as they do from a socket.
        for start in range(0, len(self._data), self._piece):
            yield self._data[start : start + self._piece]
        if self._fail is not None:
            raise self._fail

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeAgent:
    """Serves ``responses`` in order and keeps every request botocore sent."""

    responses: list[tuple[int, bytes, dict[str, str], BaseException | None]] = field(
        default_factory=list
    )
    requests: list[AWSPreparedRequest] = field(default_factory=list)
    streams: list[RawStream] = field(default_factory=list)

    def stream(self, *frames: bytes, fail: BaseException | None = None) -> FakeAgent:
        headers = {
            "content-type": "application/vnd.amazon.eventstream",
            "x-amzn-bedrock-agent-content-type": "application/json",
            "x-amz-bedrock-agent-session-id": "s",
        }
        self.responses.append((200, b"".join(frames), headers, fail))
        return self

    def http_error(self, status: int, code: str, message: str = "no") -> FakeAgent:
        headers = {"content-type": "application/json", "x-amzn-errortype": f"{code}:http://x/"}
        self.responses.append((status, json.dumps({"message": message}).encode(), headers, None))
        return self

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        self.requests.append(request)
        status, body, headers, fail = self.responses.pop(0)
        raw = RawStream(body, fail=fail)
        self.streams.append(raw)
        return AWSResponse(request.url, status, headers, raw)

    def body(self, index: int = -1) -> dict[str, Any]:
        raw = self.requests[index].body
        assert isinstance(raw, bytes | bytearray)
        data: dict[str, Any] = json.loads(raw)
        return data


@pytest.fixture
def fake_agent() -> FakeAgent:
    return FakeAgent()


@pytest.fixture
def client(fake_agent: FakeAgent) -> Any:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    config = Config(retries={"mode": "standard", "total_max_attempts": 1})
    agent_client = session.client("bedrock-agent-runtime", config=config)
    agent_client.meta.events.register("before-send.bedrock-agent-runtime.InvokeAgent", fake_agent)
    return agent_client


def agent_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "agent_id": AGENT_ID,
        "agent_alias_id": ALIAS_ID,
        "session_signing_secret": SECRET,
        **overrides,
    }
    return load_settings(**values)


class FakeClock:
    def __init__(self, step: float = 0.0) -> None:
        self.now, self.step, self.slept = 0.0, step, 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds


@pytest.fixture
def make_provider(client: Any) -> Callable[..., BedrockAgentProvider]:
    def make(settings: Settings | None = None, clock: FakeClock | None = None) -> Any:
        clock = clock or FakeClock()
        return BedrockAgentProvider(
            settings or agent_settings(), client=client, clock=clock, sleep=clock.sleep
        )

    return make


def ask(
    provider: BedrockAgentProvider,
    message: str = "what was revenue in the last 30 days?",
    identity: Identity = ACTOR,
    session_id: str = "chat-1",
) -> Any:
    return provider.answer(
        ChatRequest(message=message, session_id=session_id, identity=identity, request_id="r-1")
    )


# -- answers -------------------------------------------------------------------------------
def test_the_reply_is_every_chunk_in_order_with_traces_counted_and_tools_named(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    fake_agent.stream(
        rationale_trace(),
        trace("/agent/tools/kpis", "get"),
        chunk("Revenue in the last 30 days was "),
        trace("/agent/tools/ar-aging", "get"),
        trace("/agent/tools/kpis", "get"),
        chunk("$1,234.56 "),
        chunk("(gross margin 41.20%)."),
    )
    answer = ask(make_provider())
    assert answer.reply == "Revenue in the last 30 days was $1,234.56 (gross margin 41.20%)."
    assert answer.provider == "bedrock-agent"
    assert answer.tools_used == ("get_kpis", "get_ar_aging")
    assert fake_agent.streams[0].closed


def test_a_character_split_between_chunks_is_decoded_whole(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    euro = "Revenue: 1 234,56 €".encode()
    fake_agent.stream(chunk(euro[:-2]), chunk(euro[-2:]))
    assert ask(make_provider()).reply == "Revenue: 1 234,56 €"


def test_unknown_api_paths_and_function_actions_are_named_as_given(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    body = {
        "trace": {
            "orchestrationTrace": {
                "invocationInput": {
                    "actionGroupInvocationInput": {"actionGroupName": "f", "function": "lookup"}
                }
            }
        }
    }
    fake_agent.stream(
        trace("/agent/tools/unknown"), event_frame("trace", body), trace(None), chunk("ok")
    )
    assert ask(make_provider()).tools_used == ("/agent/tools/unknown", "lookup")


# -- the request: signed identity, own session, no token -----------------------------------
def test_the_request_carries_the_signed_identity_and_the_caller_s_own_session(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    fake_agent.stream(chunk("ok"))
    ask(make_provider(), message="hello agent", session_id="chat-1")
    request = fake_agent.requests[0]
    session = agent_session_id(ACTOR.principal, "chat-1")
    assert unquote(request.url).endswith(
        f"/agents/{AGENT_ID}/agentAliases/{ALIAS_ID}/sessions/{session}/text"
    )
    body = fake_agent.body()
    assert body["inputText"] == "hello agent"
    assert body["enableTrace"] is True
    attributes = body["sessionState"]["sessionAttributes"]
    identity = verify_identity(attributes, SECRET, timedelta(minutes=5), session_id=session)
    assert identity is not None
    assert identity.principal == ACTOR.principal
    assert identity.scopes == frozenset({ACTIONS_SCOPE})
    # Only the signed identity travels: no claims, no token, nothing signed for another session.
    assert all(name.startswith("fa_") for name in attributes)
    assert verify_identity(attributes, SECRET, timedelta(minutes=5), session_id="chat-1") is None
    tampered = {**attributes, "fa_scopes": f"{ACTIONS_SCOPE} admin"}
    assert verify_identity(tampered, SECRET, timedelta(minutes=5), session_id=session) is None
    text = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
    assert "sub-0001" not in text
    assert "token_use" not in text


def test_two_callers_with_the_same_session_id_get_different_agent_sessions(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    fake_agent.stream(chunk("a")).stream(chunk("b"))
    provider = make_provider()
    ask(provider, identity=ACTOR, session_id="shared")
    ask(provider, identity=READER, session_id="shared")
    first, second = (unquote(r.url).split("/sessions/")[1] for r in fake_agent.requests)
    assert first != second
    reader_attributes = fake_agent.body(1)["sessionState"]["sessionAttributes"]
    assert reader_attributes["fa_principal"] == READER.principal
    assert reader_attributes["fa_scopes"] == ""


def test_without_a_signing_secret_no_identity_is_sent(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    fake_agent.stream(chunk("read-only"))
    settings = agent_settings(session_signing_secret=None)
    assert ask(make_provider(settings)).reply == "read-only"
    assert fake_agent.body()["sessionState"]["sessionAttributes"] == {}


def test_a_signature_is_fresh_for_every_call(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    fake_agent.stream(chunk("a")).stream(chunk("b"))
    provider = make_provider()
    ask(provider)
    ask(provider, identity=Identity(principal=ACTOR.principal))
    signatures = [
        fake_agent.body(i)["sessionState"]["sessionAttributes"][SIGNATURE] for i in (0, 1)
    ]
    assert signatures[0] != signatures[1]


# -- errors inside the stream --------------------------------------------------------------
@pytest.mark.parametrize(
    ("exception_type", "expected"),
    [
        ("throttlingException", RateLimitedError),
        ("serviceQuotaExceededException", RateLimitedError),
        ("modelNotReadyException", UnavailableError),
        ("accessDeniedException", UpstreamError),
        ("validationException", UpstreamError),
        ("resourceNotFoundException", UpstreamError),
        ("dependencyFailedException", UpstreamError),
        ("badGatewayException", UpstreamError),
        ("internalServerException", UpstreamError),
        ("conflictException", UpstreamError),
    ],
)
def test_an_error_event_mid_stream_is_mapped(
    fake_agent: FakeAgent,
    make_provider: Callable[..., BedrockAgentProvider],
    exception_type: str,
    expected: type[DomainError],
) -> None:
    fake_agent.stream(chunk("Revenue was "), trace(), error_frame(exception_type, "arn:aws:x"))
    with pytest.raises(expected) as caught:
        ask(make_provider())
    assert type(caught.value) is expected
    # The person reads what to do; the upstream text (ARNs, account ids) stays out.
    assert "arn:aws" not in caught.value.message
    assert fake_agent.streams[0].closed


def test_a_throttled_stream_is_not_retried_half_way(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    fake_agent.stream(chunk("partial"), error_frame("throttlingException"))
    with pytest.raises(RateLimitedError):
        ask(make_provider())
    assert len(fake_agent.requests) == 1


def test_a_corrupted_frame_is_a_502(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    frame = bytearray(chunk("tampered"))
    frame[-6] ^= 0xFF  # a payload byte: the message CRC no longer matches
    fake_agent.stream(chunk("ok "), bytes(frame))
    with pytest.raises(UpstreamError):
        ask(make_provider())


def test_a_connection_that_goes_silent_mid_stream_is_a_503(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    from urllib3.exceptions import ReadTimeoutError

    fake_agent.stream(chunk("Revenue "), fail=ReadTimeoutError(None, "/", "read timed out"))
    with pytest.raises(UnavailableError):
        ask(make_provider())


def test_return_control_is_not_expected_and_is_a_502(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    payload = {"invocationId": "inv-1", "invocationInputs": []}
    fake_agent.stream(trace(), event_frame("returnControl", payload))
    with pytest.raises(UpstreamError, match="action group"):
        ask(make_provider())


def test_a_stream_without_any_chunk_is_a_502(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    fake_agent.stream(trace(), rationale_trace())
    with pytest.raises(UpstreamError, match="no answer"):
        ask(make_provider())


def test_a_stream_that_outlives_the_budget_is_cut_with_a_503(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    fake_agent.stream(*[trace() for _ in range(40)], chunk("too late"))
    with pytest.raises(UnavailableError, match="in time"):
        ask(make_provider(clock=FakeClock(step=1.0)))
    assert fake_agent.streams[0].closed


# -- errors before the stream --------------------------------------------------------------
def test_a_throttled_call_is_tried_once_more_then_answers(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    fake_agent.http_error(429, "ThrottlingException").stream(chunk("second time lucky"))
    clock = FakeClock()
    assert ask(make_provider(clock=clock)).reply == "second time lucky"
    assert len(fake_agent.requests) == 2
    assert 0.2 <= clock.slept <= 0.6


def test_throttled_twice_is_a_429(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    fake_agent.http_error(429, "ThrottlingException").http_error(429, "ThrottlingException")
    with pytest.raises(RateLimitedError):
        ask(make_provider())
    assert len(fake_agent.requests) == 2


def test_no_retry_when_the_budget_has_no_room_for_it(
    fake_agent: FakeAgent, make_provider: Callable[..., BedrockAgentProvider]
) -> None:
    fake_agent.http_error(429, "ThrottlingException")
    with pytest.raises(RateLimitedError):
        ask(make_provider(clock=FakeClock(step=7.0)))
    assert len(fake_agent.requests) == 1


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (403, "AccessDeniedException", UpstreamError),
        (400, "ValidationException", UpstreamError),
        (404, "ResourceNotFoundException", UpstreamError),
        (424, "DependencyFailedException", UpstreamError),
        (500, "InternalServerException", UpstreamError),
        (502, "BadGatewayException", UpstreamError),
        (409, "ConflictException", UpstreamError),
        (429, "ServiceQuotaExceededException", RateLimitedError),
    ],
)
def test_an_http_error_before_the_stream_is_mapped_without_retry(
    fake_agent: FakeAgent,
    make_provider: Callable[..., BedrockAgentProvider],
    status: int,
    code: str,
    expected: type[DomainError],
) -> None:
    fake_agent.http_error(status, code).http_error(status, code)
    with pytest.raises(expected) as caught:
        ask(make_provider())
    assert type(caught.value) is expected
    retried = expected is RateLimitedError
    assert len(fake_agent.requests) == (2 if retried else 1)
    assert code in caught.value.message or expected is RateLimitedError


def test_an_unreachable_endpoint_is_a_503(
    make_provider: Callable[..., BedrockAgentProvider],
) -> None:
    from botocore.exceptions import EndpointConnectionError

    def refuse(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://bedrock-agent-runtime")

    provider = make_provider()
    provider._get_client().meta.events.register_first(
        "before-send.bedrock-agent-runtime.InvokeAgent", refuse
    )
    with pytest.raises(UnavailableError):
        ask(provider)


# -- wiring --------------------------------------------------------------------------------
def test_settings_with_an_agent_choose_this_provider() -> None:
    provider = get_provider(agent_settings())
    assert isinstance(provider, BedrockAgentProvider)
    assert provider.name == "bedrock-agent"


def test_the_provider_needs_both_agent_ids() -> None:
    with pytest.raises(ValueError, match="AGENT_ALIAS_ID"):
        BedrockAgentProvider(agent_settings(agent_alias_id=None))


def test_the_client_is_made_once_per_process_with_timeouts_inside_api_gateway_s_limit() -> None:
    provider = BedrockAgentProvider(agent_settings(aws_region="eu-west-3"))
    client = provider._get_client()
    assert BedrockAgentProvider(agent_settings(aws_region="eu-west-3"))._get_client() is client
    config = client.meta.config
    assert client.meta.region_name == "eu-west-3"
    assert config.connect_timeout == bedrock_calls.CONNECT_TIMEOUT
    assert config.read_timeout == READ_TIMEOUT
    assert config.retries["total_max_attempts"] == 1
    assert bedrock_calls.CONNECT_TIMEOUT + READ_TIMEOUT < 30
