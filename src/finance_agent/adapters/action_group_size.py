"""Keep an action group's answer under the 25 KB Bedrock accepts from its Lambda function.

Bedrock refuses a larger answer outright ("lambda response exceeds maximum size 25KB") and
the agent gets nothing. A route's long list (``Route.long_list``) is therefore cut to what
fits, from the end the route names, and the answer says so in ``truncated``, with how to
ask for less; the figures outside the list (a forecast's total, a page's currency) still
cover everything asked for. A paged list is asked for again with a smaller page instead, so
its ``next_token`` carries on right after what was shown. An answer that cannot be made to
fit is a 413 ``response_too_large`` error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from finance_agent.routes import LongList, Route

# Bedrock's limit is 25 KB for the whole answer; the margin is for the session attributes
# it echoes and for counting differences.
MAX_ANSWER_BYTES = 24_000
REASON = "Bedrock accepts at most 25 KB from an action group"
# Times a smaller page is asked for, should new items make it larger than measured.
PAGE_TRIES = 3

Measure = Callable[[int, Any], int]
"""The size in bytes of the whole answer Bedrock would receive for (status, body)."""
Call = Callable[[Mapping[str, Any]], tuple[int, Any]]
"""The route called again with other arguments."""


def answer_size(answer: Mapping[str, Any]) -> int:
    """Bytes of ``answer`` as the Lambda runtime serializes it (``json.dumps``, UTF-8)."""
    return len(json.dumps(answer).encode())


def _cut(body: Mapping[str, Any], spec: LongList, shown: int) -> dict[str, Any]:
    items = body[spec.field]
    kept = items[:shown] if spec.keep == "first" else items[len(items) - shown :]
    note = {
        "field": spec.field,
        "shown": shown,
        "total": len(items),
        "kept": "the first" if spec.keep == "first" else "the last",
        "reason": REASON,
        "narrow": spec.narrow,
    }
    return {**body, spec.field: kept, "truncated": note}


def _most_that_fit(body: Mapping[str, Any], spec: LongList, status: int, measure: Measure) -> int:
    """The largest count of list items whose cut answer fits, by bisection; -1 if none."""
    low, high = -1, len(body[spec.field])
    while low < high:
        middle = (low + high + 1) // 2
        if measure(status, _cut(body, spec, middle)) <= MAX_ANSWER_BYTES:
            low = middle
        else:
            high = middle - 1
    return low


def _too_large(size: int) -> tuple[int, dict[str, Any]]:
    message = f"the answer is {size:,} bytes; {REASON}"
    return 413, {"error": "response_too_large", "message": message, "details": []}


def fit(
    route: Route,
    status: int,
    body: Any,
    arguments: Mapping[str, Any],
    measure: Measure,
    call: Call,
) -> tuple[int, Any]:
    """``(status, body)`` as it can go to Bedrock: unchanged when it fits."""
    size = measure(status, body)
    if size <= MAX_ANSWER_BYTES:
        return status, body
    spec = route.long_list
    if (
        spec is None
        or status >= 400
        or not isinstance(body, Mapping)
        or not isinstance(body.get(spec.field), list)
    ):
        return _too_large(size)
    shown = _most_that_fit(body, spec, status, measure)
    if shown < 1:
        return _too_large(size)
    if spec.page_size is None:
        return status, _cut(body, spec, shown)
    # A smaller page, asked for again: its next_token then follows the last item shown.
    asked = arguments.get(spec.page_size, _default(route, spec.page_size))
    for _ in range(PAGE_TRIES):
        status, page = call({**arguments, spec.page_size: shown})
        if status >= 400:
            return status, page
        size = measure(status, page)
        if size <= MAX_ANSWER_BYTES:
            note = {"field": spec.field, "shown": len(page[spec.field]), "asked": asked}
            return status, {**page, "truncated": {**note, "reason": REASON, "narrow": spec.narrow}}
        shown = max(1, shown * 9 // 10)  # the page changed meanwhile: a little smaller
    return _too_large(size)


def _default(route: Route, name: str) -> Any:
    field = route.query_model.model_fields.get(name) if route.query_model else None
    return field.default if field is not None else None
