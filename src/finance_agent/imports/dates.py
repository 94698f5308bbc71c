"""Dates in books files: YYYY-MM-DD unless the user names the format; never guessed.

Without ``--date-format`` only ISO dates are read: ``03/04/2026`` could be March or April, so
it is refused with a pointer to the option. With a format every value must match it whole
(``strptime``). Formats that leave a date open to two readings are refused up front: one
without a year, month or day, and two-digit years (``%y``: 1968 or 2068?). Times in the
format (``%H:%M``) are allowed and ignored, for exports that write midnight on every date.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from finance_agent.domain.errors import ValidationError
from finance_agent.imports.cells import REQUIRED, CellError

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIRECTIVE = re.compile(r"%(.)")
_ALLOWED = set("YmdbBHMSIp%")
_YEAR, _MONTH, _DAY = set("Y"), set("mbB"), set("d")
IMPOSSIBLE = "must be a real date (that day does not exist)"
FORMAT_RULE = (
    "must be a strptime format with %Y, a month (%m, %b or %B) and %d "
    "(times %H %M %S %I %p allowed; no %y: two-digit years read two ways)"
)


def check_format(fmt: str | None) -> str | None:
    """``fmt`` when it reads every date one way; ``ValidationError`` on ``date_format``."""
    if fmt is None:
        return None
    used = _DIRECTIVE.findall(fmt.replace("%%", ""))
    letters = set(used)
    if (
        len(fmt) > 64
        or fmt.replace("%%", "").rstrip().endswith("%")
        or not letters <= _ALLOWED
        or not (letters & _YEAR and letters & _MONTH and letters & _DAY)
        or len(used) != len(letters)
    ):
        raise ValidationError("date_format", FORMAT_RULE)
    return fmt


class DateReader:
    def __init__(self, fmt: str | None = None) -> None:
        self.format = check_format(fmt)
        if self.format is None:
            self.rule = "must be a date as YYYY-MM-DD (or give --date-format)"
        else:
            self.rule = f"must be a real date written {self.format}"
        # Books repeat the same few hundred dates; parsing each once is most of the work.
        self.read = lru_cache(maxsize=4096)(self._read)

    def __call__(self, value: str) -> date:
        text = value.strip()
        if not text:
            raise CellError(REQUIRED)
        return self.read(text)

    def _read(self, text: str) -> date:
        if self.format is None:
            if not _ISO.fullmatch(text):
                raise CellError(self.rule)
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise CellError(IMPOSSIBLE) from None
        try:
            return datetime.strptime(text, self.format).date()
        except ValueError:
            raise CellError(self.rule) from None
