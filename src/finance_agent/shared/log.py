"""Loguru configured for Lambda and the terminal: one JSON object per line on stdout.

CloudWatch Logs Insights reads the fields of each line directly. Context such as the
request id and the route is bound with ``logger.bind(...)`` or ``logger.contextualize(...)``
and lands as top-level fields. Never log tokens, chat text or customer emails.
"""

from __future__ import annotations

import json
import sys
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from loguru import logger

if TYPE_CHECKING:
    from loguru import Message

__all__ = ["configure_logging", "logger"]

_RESERVED = {"timestamp", "level", "message", "logger", "function", "line", "exception"}


def _write(stream: Literal["stdout", "stderr"], message: Message) -> None:
    record = message.record
    entry: dict[str, Any] = {
        "timestamp": record["time"].isoformat(timespec="milliseconds"),
        "level": record["level"].name,
        "message": record["message"],
        "logger": record["name"],
        "function": record["function"],
        "line": record["line"],
    }
    for key, value in record["extra"].items():
        entry[f"extra_{key}" if key in _RESERVED else key] = value
    if record["exception"] is not None:
        # The formatted message already carries the traceback after the text.
        entry["exception"] = str(message)[len(record["message"]) :].strip()
    # Looked up at write time so redirected or captured streams are honoured.
    out = sys.stdout if stream == "stdout" else sys.stderr
    out.write(json.dumps(entry, default=str) + "\n")
    out.flush()


def configure_logging(
    level: str | None = None, stream: Literal["stdout", "stderr"] = "stdout"
) -> None:
    """Replace loguru's handlers with the JSON sink at ``level`` (default: LOG_LEVEL).

    Lambda and servers log to stdout; the CLI logs to stderr, keeping stdout for results.
    """
    if level is None:
        from finance_agent.shared.settings import SettingsError, get_settings

        try:
            level = get_settings().log_level
        except SettingsError:
            # Importing must not fail; whoever loads the settings reports the bad value.
            level = "INFO"
    logger.remove()
    logger.add(
        partial(_write, stream), level=level, format="{message}", backtrace=False, diagnose=False
    )


configure_logging()
