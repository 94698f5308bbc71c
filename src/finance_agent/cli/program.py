"""The ``finance-agent`` command line: its subcommands, gathered from one module per area,
and the mapping of their errors to one line and an exit status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from finance_agent.cli import actions, artifacts, books, figures, receivables, serving, store
from finance_agent.cli.console import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILURE,
    EXIT_USAGE,
    PROG,
    OutputError,
    error,
    stdout_to_devnull,
    write,
)
from finance_agent.cli.flags import FlagParser, UsageError
from finance_agent.domain.errors import DomainError, ValidationError
from finance_agent.shared.log import configure_logging
from finance_agent.shared.settings import SettingsError, get_settings

# Domain field names as the flags that carry them, so an error names what the user typed.
FLAG_OF_FIELD = {
    "period": "--period",
    "horizon": "--horizon",
    "threshold": "--threshold",
    "limit": "--limit",
    "next_token": "--next-token",
    "customer_id": "--customer-id",
    "invoice_id": "--invoice-id",
    "remind_date": "--remind-date",
    "performed_by": "--as",
    "method": "--method",
    "as_of": "--as-of",
    "basis": "--basis",
    "min_days_overdue": "--min-days-overdue",
    "status": "--status",
    "map": "--map",
    "date_format": "--date-format",
    "aggregate": "--aggregate",
}


def build_parser() -> FlagParser:
    parser = FlagParser(
        prog=PROG,
        description="Finance KPIs, cash-flow outlook, sales anomalies and collection actions.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=FlagParser)
    json_flag = FlagParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="print the API's JSON")
    figures.add_commands(sub, json_flag)
    actions.add_commands(sub, json_flag)
    receivables.add_commands(sub, json_flag)
    books.add_commands(sub, json_flag)
    store.add_commands(sub)
    serving.add_serve(sub)
    artifacts.add_commands(sub)
    serving.add_mcp(sub)
    return parser


def _run(args: argparse.Namespace) -> int:
    """The command, its domain errors mapped to exit codes; usage errors name the flag."""
    command = f"{PROG} {args.command}"
    try:
        get_settings()
        code: int | None = args.func(args)  # None, or the exit status the command chose
    except SettingsError as exc:
        error(PROG, str(exc))
        return EXIT_USAGE
    except ValidationError as exc:
        flags = ", ".join(FLAG_OF_FIELD.get(i.field, i.field) for i in exc.issues)
        error(command, f"{flags}: {exc.rule}")
        return EXIT_USAGE
    except DomainError as exc:
        error(PROG, exc.message)
        return EXIT_FAILURE
    return code or 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_flags(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(exc.line, file=sys.stderr)
        return EXIT_USAGE
    # stdout carries results (and --json); logs go to stderr so they never mix.
    configure_logging(stream="stderr")
    try:
        code = _run(args)
        write(flush=True)  # a full disk shows here, while the error can still be told
    except BrokenPipeError:
        stdout_to_devnull()
        return EXIT_BROKEN_PIPE
    except OutputError as exc:
        stdout_to_devnull()
        error(PROG, f"cannot write output: {exc}")
        return EXIT_FAILURE
    return code
