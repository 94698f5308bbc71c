"""What every command shares at the terminal: its name, exit statuses, and the one way to
print results (a full disk told in one line, a reader that leaves ending quietly)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from pydantic import BaseModel

PROG = "finance-agent"
EXIT_FAILURE = 1
EXIT_USAGE = 2
# What a program stopped by SIGPIPE reports (128 + 13), as `yes | head` does under pipefail.
EXIT_BROKEN_PIPE = 141


class OutputError(Exception):
    """stdout refused the result (a full disk, a closed file); not the reader leaving."""


def write(text: str = "", *, flush: bool = False) -> None:
    try:
        print(text, end="\n" if text else "", flush=flush)
    except BrokenPipeError:
        raise  # the reader stopped early, as `head` does: main ends quietly
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from exc


def stdout_to_devnull() -> None:
    """Point stdout at /dev/null, as the Python docs advise after a broken pipe: the exit's
    own flush of what is still buffered then succeeds instead of printing a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind stdout (captured): nothing to flush
        pass


def emit(model: BaseModel, as_json: bool, render: Callable[[], str]) -> None:
    write(model.model_dump_json(indent=2) if as_json else render())


def error(prog: str, message: str) -> None:
    print(f"{prog}: error: {message}", file=sys.stderr)
