"""Flag parsing for ``finance-agent`` and ``python -m finance_agent.tools.seed_data``.

Every mistake is one line, ``<prog>: error: --<flag>: <rule>``, and the value types refuse
what the HTTP API refuses, so a terminal and a request agree on what is valid.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any, NoReturn

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.period import PERIOD_RULE, parse_period
from finance_agent.shared.auth import MAX_PRINCIPAL_LENGTH

DATE_RULE = "must be a date as YYYY-MM-DD"
PRINCIPAL_RULE = (
    f"must name who acts in 1 to {MAX_PRINCIPAL_LENGTH} characters, "
    "without control characters or line breaks"
)
# A value that starts with '-' but is a number ("-inf", "-1e3", "-.5"): argparse would
# take it for an option, so it is attached to its flag and the flag's own rule judges it.
_NEGATIVE_NUMBER = re.compile(r"-(\d|\.\d|inf|infinity|nan)", re.IGNORECASE)
_ARGUMENT = re.compile(r"argument (\S+): (.*)", re.DOTALL)
_REQUIRED = re.compile(r"the following arguments are required: (.*)", re.DOTALL)
_NO_VALUE = re.compile(r"ignored explicit argument (.*)", re.DOTALL)
# Unicode's control, format and line/paragraph separator categories: a newline or a
# right-to-left override in a name would forge or hide lines wherever the name is shown.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}


class UsageError(Exception):
    """A bad command line; ``line`` is what the user sees."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.line = f"{prog}: error: {message}"


def _rule(message: str) -> str:
    """argparse's message as ``--flag: rule``."""
    required = _REQUIRED.fullmatch(message)
    if required:
        names = required.group(1)
        return f"{names}: {'are' if ',' in names else 'is'} required"
    argument = _ARGUMENT.fullmatch(message)
    if argument is None:
        return message
    name = max(argument.group(1).split("/"), key=len)  # the long form of "-h/--help"
    rule = argument.group(2)
    no_value = _NO_VALUE.fullmatch(rule)
    if rule == "expected one argument":
        rule = "needs a value"
    elif no_value:
        rule = f"takes no value (got {no_value.group(1)})"
    return f"{name}: {rule}"


def _attach_negative_numbers(argv: Sequence[str]) -> list[str]:
    out: list[str] = []
    for token in argv:
        previous = out[-1] if out else ""
        if _NEGATIVE_NUMBER.match(token) and previous.startswith("--") and "=" not in previous:
            out[-1] = f"{previous}={token}"
        else:
            out.append(token)
    return out


class FlagParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are UsageError, one line naming the flag."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, _rule(message))

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # argparse says "invalid choice: 'x' (choose from 'a', 'b')"; the rule reads better.
        if action.choices is not None and value not in action.choices:
            choices = ", ".join(str(c) for c in action.choices)
            raise argparse.ArgumentError(action, f"must be one of {choices} (got {value!r})")

    def parse_flags(self, argv: Sequence[str]) -> argparse.Namespace:
        """parse_args, with negative numbers taken as values and leftovers named."""
        args, extra = self.parse_known_args(_attach_negative_numbers(argv))
        if extra:
            command = getattr(args, "command", None)
            prog = f"{self.prog} {command}" if command else self.prog
            token, see = extra[0], f"(see {prog} --help)"
            if token.startswith("-"):
                raise UsageError(prog, f"{token}: is not an option of {prog} {see}")
            raise UsageError(prog, f"unexpected argument {token!r} {see}")
        return args


# -- value types: argparse turns ArgumentTypeError into "argument --flag: <rule>" ----------


def int_flag(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None


def float_flag(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None


def port_flag(text: str) -> int:
    port = int_flag(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 0 to 65535, got {port}")
    return port


def iso_date(text: str) -> date:
    """Only ``YYYY-MM-DD``, as the API: ``date.fromisoformat`` also takes 20261201 and week
    dates such as 2026-W50-1."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"{DATE_RULE}, got {text!r}")


def period_flag(text: str) -> str:
    """``last_<N>d`` exactly: the API's pattern refuses surrounding spaces, so this does too."""
    try:
        if text != text.strip():
            raise ValidationError("period", PERIOD_RULE)
        parse_period(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(f"{exc.rule}, got {text!r}") from None
    return text


def principal(name: str) -> str:
    """Who acts, by the rule the API applies to a token's identity: the name without
    surrounding spaces, not blank and at most MAX_PRINCIPAL_LENGTH characters; and, because
    a terminal can type anything, no control characters. ValidationError otherwise."""
    stripped = name.strip()
    invisible = any(unicodedata.category(c) in _INVISIBLE for c in name)
    if not stripped or len(stripped) > MAX_PRINCIPAL_LENGTH or invisible:
        raise ValidationError("performed_by", PRINCIPAL_RULE)
    return stripped


def principal_flag(text: str) -> str:
    try:
        return principal(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(f"{exc.rule}, got {text!r}") from None
