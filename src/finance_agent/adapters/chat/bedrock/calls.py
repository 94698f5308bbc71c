"""What the two Bedrock providers share: clients, the time budget, one retry, error mapping.

API Gateway gives a request 30 seconds, so every Bedrock call runs inside a wall-clock
budget. The SDK does not retry by itself (a retry after a read timeout could never fit);
``call_with_retry`` retries once, after a short pause, only a fast refusal (throttling, a
busy service, a failed connection) and only when the budget still has room for the call.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from finance_agent.domain.errors import (
    DomainError,
    RateLimitedError,
    UnavailableError,
    UpstreamError,
)
from finance_agent.shared.log import logger

T = TypeVar("T")

CONNECT_TIMEOUT = 2.0

# Error codes, lower-cased: Bedrock's HTTP errors are "ThrottlingException", the same
# errors inside an agent's event stream are "throttlingException".
RATE_LIMITED = frozenset(
    {"throttlingexception", "servicequotaexceededexception", "toomanyrequestsexception"}
)
UNAVAILABLE = frozenset(
    {"serviceunavailableexception", "modeltimeoutexception", "modelnotreadyexception"}
)
# Worth one more try: the service said "not now" quickly.
RETRYABLE = RATE_LIMITED | {"serviceunavailableexception", "modelnotreadyexception"}

_clients: dict[tuple[str, str, float], Any] = {}
_clients_lock = threading.Lock()


def shared_client(service: str, region: str, read_timeout: float) -> Any:
    """The process's client for ``service`` in ``region``, created on first use.

    Lambda keeps module state between invocations, so warm calls reuse its connections.
    """
    key = (service, region, read_timeout)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            import boto3
            from botocore.config import Config

            config = Config(
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=read_timeout,
                retries={"mode": "standard", "total_max_attempts": 1},
            )
            # Typed as Any: the providers need no per-service stubs to type-check.
            make_client: Any = boto3.session.Session(region_name=region).client
            client = _clients[key] = make_client(service, config=config)
        return client


@dataclass
class Budget:
    """Seconds left of a request's wall-clock allowance."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def remaining(self) -> float:
        return self.seconds - self.elapsed()


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ClientError (EventStreamError included), else ''."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _aws_request_id(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        request_id = response.get("ResponseMetadata", {}).get("RequestId")
        return str(request_id) if request_id else None
    return None


def _is_connection_failure(exc: BaseException) -> bool:
    """No connection was made: safe and quick to try again (a read timeout is neither)."""
    from botocore.exceptions import ConnectionError as BotoConnectionError

    return isinstance(exc, BotoConnectionError)


def _is_network_failure(exc: BaseException) -> bool:
    """The connection failed, was cut or went silent (read timeout), before or mid-stream."""
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError
    from urllib3.exceptions import HTTPError as Urllib3Error

    return isinstance(exc, BotoConnectionError | HTTPClientError | Urllib3Error)


def call_with_retry(call: Callable[[], T], budget: Budget, *, min_left: float) -> T:
    """``call()``, tried a second time after a fast refusal if ``min_left`` seconds remain."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return call()
    except (ClientError, BotoCoreError) as exc:
        retryable = error_code(exc).lower() in RETRYABLE or _is_connection_failure(exc)
        pause = random.uniform(0.2, 0.6)  # noqa: S311 - jitter, not a secret
        if not retryable or budget.remaining() - pause < min_left:
            raise
        logger.bind(code=error_code(exc) or type(exc).__name__).info("bedrock call retried")
        budget.sleep(pause)
    return call()


def domain_error(exc: BaseException, service: str) -> DomainError:
    """The domain error a failed Bedrock call is answered with (429, 503 or 502).

    Messages are for the chat's user: they name the service and what to do, never the
    upstream text (it can carry account ids and ARNs); the log keeps the code and ids.
    """
    code = error_code(exc)
    logger.bind(
        service=service, code=code or type(exc).__name__, aws_request_id=_aws_request_id(exc)
    ).warning("bedrock call failed")
    lowered = code.lower()
    if lowered in RATE_LIMITED:
        return RateLimitedError(f"{service} is busy; try again in a few seconds")
    if lowered in UNAVAILABLE or _is_network_failure(exc):
        return UnavailableError(f"{service} is not available right now; try again shortly")
    if code:
        return UpstreamError(f"{service} refused or failed the request ({code})")
    return UpstreamError(f"{service} sent an answer that could not be read")
