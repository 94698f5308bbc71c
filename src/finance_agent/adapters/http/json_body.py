"""A request body read as one JSON object, with rules the json module does not apply itself.

json.loads keeps the last of repeated keys and overflows the interpreter's stack on deep
nesting; both are refused here as a caller's mistake (a 400), never a guess or a 500.
"""

from __future__ import annotations

import json
from typing import Any

from finance_agent.domain.errors import ValidationError

# Far deeper than any body a route takes, far shallower than the parser's recursion limit.
MAX_JSON_DEPTH = 32
NESTING_RULE = f"must be a JSON object nested at most {MAX_JSON_DEPTH} levels"


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Which of two values for one key the caller meant is unknowable: refuse both.
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKey(key)
        obj[key] = value
    return obj


def _too_deep(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = list(item.values()) if isinstance(item, dict) else item
        if isinstance(children, list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in children)
    return False


def load_json_object(data: str | bytes) -> dict[str, Any]:
    """``data`` as a JSON object; a ValidationError naming ``body`` or the repeated key."""
    try:
        parsed = json.loads(data, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        raise ValidationError(exc.key, "must appear once") from None
    except RecursionError:  # deeper than the parser's own stack allows
        raise ValidationError("body", NESTING_RULE) from None
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("body", "must be valid JSON") from None
    if not isinstance(parsed, dict):
        raise ValidationError("body", "must be a JSON object")
    if _too_deep(parsed, MAX_JSON_DEPTH):
        raise ValidationError("body", NESTING_RULE)
    return parsed
