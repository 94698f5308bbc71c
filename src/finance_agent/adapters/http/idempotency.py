"""Idempotency-Key handling for POST routes: a retried request returns the first response.

The record lives in the store (``IDEMP#<key>``, conditional write, expiry), so retries
that land on different Lambda instances agree. Keys are scoped to the caller and the
route; the same key with a different body is a 409.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from finance_agent.bootstrap import get_repo
from finance_agent.domain.errors import ConflictError, StoreError, ValidationError
from finance_agent.domain.models import IdempotencyRecord
from finance_agent.shared.clock import now_utc
from finance_agent.shared.log import logger
from finance_agent.shared.responses import Response, cors_headers

if TYPE_CHECKING:
    from finance_agent.adapters.http.api_request import ApiRequest
    from finance_agent.domain.ports import FinanceRepository
    from finance_agent.routes import Route

KEY_HEADER = "idempotency-key"
# A completed request's response is replayed for a day.
RECORD_TTL = timedelta(hours=24)
# A claim holds its key this long while its request runs: well past any route's run (the
# Lambda timeout is 29 s), yet short enough that a request that died midway (a crash, a
# timeout, a store failure after the write) frees its key in minutes, not a day.
CLAIM_LEASE = timedelta(minutes=5)
# How long a retry waits for the first request, still running, to finish.
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05
# What a record may keep of a response: a DynamoDB item stops at 400 KB. A larger answer
# (a very long chat reply) is answered without being kept, so a retry runs again.
MAX_KEPT_BODY_BYTES = 350_000


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _check_key(key: str) -> str:
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise ValidationError("Idempotency-Key", "must be 1 to 255 printable characters")
    return key


def _replay(record: IdempotencyRecord) -> Response:
    return {
        "statusCode": record.status_code,
        "headers": {
            "content-type": "application/json",
            "idempotent-replayed": "true",
            **cors_headers(),
        },
        "body": record.response_body,
        "isBase64Encoded": False,
    }


def _keepable(response: Response) -> bool:
    if len(str(response["body"]).encode()) <= MAX_KEPT_BODY_BYTES:
        return True
    logger.warning("response too large to keep for Idempotency-Key retries")
    return False


def _complete(repo: FinanceRepository, record_key: str, response: Response) -> None:
    """Keep the response for retries. If the store fails now, the request itself has
    succeeded: answer it, and free the key so a retry runs again (the reminder's own natural
    key still records it once) instead of waiting out the claim."""
    try:
        repo.complete_idempotency_key(
            record_key,
            response["statusCode"],
            response["body"],
            expires_at=now_utc() + RECORD_TTL,
        )
    except StoreError:
        logger.warning("could not keep the response for Idempotency-Key retries")
        with contextlib.suppress(StoreError):
            repo.release_idempotency_key(record_key)


def run_idempotent(
    route: Route, request: ApiRequest[Any, Any], produce: Callable[[], Response]
) -> Response:
    """Run ``produce`` once per (caller, route, key); replay its response to retries."""
    key = _check_key(request.headers[KEY_HEADER])
    record_key = _digest(request.identity.principal, route.route_key, key)
    body = request.body.model_dump(mode="json") if request.body is not None else None
    fingerprint = _digest(json.dumps(body, sort_keys=True, separators=(",", ":")))
    repo = get_repo()
    existing = repo.claim_idempotency_key(
        IdempotencyRecord(
            key=record_key, fingerprint=fingerprint, expires_at=now_utc() + CLAIM_LEASE
        )
    )
    if existing is None:
        try:
            response = produce()
        except BaseException:
            repo.release_idempotency_key(record_key)
            raise
        if 200 <= response["statusCode"] < 300 and _keepable(response):
            _complete(repo, record_key, response)
        else:
            # A refused request changed nothing; the client may fix it and retry with the key.
            repo.release_idempotency_key(record_key)
        return response
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if existing.fingerprint != fingerprint:
            raise ConflictError("this Idempotency-Key was already used with a different request")
        if existing.status == "completed":
            return _replay(existing)
        if time.monotonic() >= deadline:
            raise ConflictError("a request with this Idempotency-Key is still in progress")
        time.sleep(POLL_SECONDS)
        latest = repo.get_idempotency_record(record_key)
        if latest is None:  # the first request failed and released the key: take it over
            return run_idempotent(route, request, produce)
        existing = latest
