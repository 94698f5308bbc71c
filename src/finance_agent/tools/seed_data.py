"""The seed tool's command line: fill the store the settings name with the demo data set.

    python -m finance_agent.tools.seed_data --seed 42 --today 2025-01-31

The data set is made in :mod:`.demo_data` and written by :mod:`.seeding`, whose names are
also importable from here (``generate``, ``seed``, ...). ``finance-agent seed`` runs
:func:`main`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from argparse import ArgumentTypeError
from collections.abc import Sequence
from datetime import date, timedelta

from finance_agent.cli.flags import FlagParser, UsageError, int_flag, iso_date
from finance_agent.domain.errors import DomainError
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared.settings import SettingsError
from finance_agent.tools.demo_accounts import REMIND_WITHIN_DAYS
from finance_agent.tools.demo_data import DEFAULT_SEED, KPI_PERIOD_DAYS, SeedData, generate
from finance_agent.tools.demo_ledger import LEDGER_DAYS
from finance_agent.tools.demo_sales import SALES_DAYS
from finance_agent.tools.seeding import Progress, SeedReport, WriteCount, seed

__all__ = [
    "DEFAULT_SEED",
    "SeedData",
    "SeedReport",
    "WriteCount",
    "build_parser",
    "generate",
    "main",
    "run_as_script",
    "seed",
]

PROG = "python -m finance_agent.tools.seed_data"
# The data set reaches back the days seed() reads (two of the longest KPI period, for its
# previous period) and the ledger's year of invoices, and ahead to the last sample reminder
# (yesterday's, up to 7 days later); a --today nearer the calendar's ends would need dates
# Python cannot hold.
_DAYS_BEFORE = max(2 * max(KPI_PERIOD_DAYS), SALES_DAYS, LEDGER_DAYS) - 1
_DAYS_AFTER = REMIND_WITHIN_DAYS - 1  # the last sample reminder is recorded yesterday
EARLIEST_TODAY = date.min + timedelta(days=_DAYS_BEFORE)
LATEST_TODAY = date.max - timedelta(days=_DAYS_AFTER)


def today_flag(text: str) -> date:
    day = iso_date(text)
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        raise ArgumentTypeError(
            f"must be from {EARLIEST_TODAY.isoformat()} to {LATEST_TODAY.isoformat()}, "
            f"so the demo data's dates ({_DAYS_BEFORE} days before it to {_DAYS_AFTER} after) "
            f"exist, got {text!r}"
        )
    return day


def build_parser(prog: str = PROG) -> FlagParser:
    parser = FlagParser(prog=prog, description="Fill the configured store with demo data.")
    parser.add_argument(
        "--seed", type=int_flag, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--today",
        type=today_flag,
        default=None,
        help="last day of the sales history, YYYY-MM-DD (default: today in TIMEZONE)",
    )
    return parser


def main(argv: Sequence[str] | None = None, prog: str = PROG, write: Progress = print) -> int:
    """Seed the store the settings name; exit 0 on success, 2 on a bad flag, 1 otherwise.

    ``finance-agent seed`` runs this too: ``prog`` names it in error lines, and ``write``
    is its way to stdout, which reports a full disk in one line.
    """
    try:
        args = build_parser(prog).parse_flags(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(exc.line, file=sys.stderr)
        return 2
    try:
        repo = _repo()
        result = seed(repo, args.seed, args.today, progress=write)
    except (SettingsError, DomainError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 1
    unusual = ", ".join(f"{a.date.isoformat()} ({a.sigmas:+d} sigma)" for a in result.injected)
    write(f"seeded with seed {result.seed}, sales ending {result.today.isoformat()}")
    write(f"unusual days injected: {unusual}")
    return 0


def _repo() -> FinanceRepository:
    # Imported here so importing this module for ``generate`` does not pull in a store.
    from finance_agent.bootstrap import get_repo

    return get_repo()


def run_as_script() -> int:
    """``python -m``: main(), with output that cannot be written told in one line."""
    try:
        code = main()
        sys.stdout.flush()  # a full disk shows here, while the error can still be told
    except OSError as exc:  # BrokenPipeError included: the reader went away
        # The Python docs' advice: stdout to /dev/null, so the exit's flush is quiet.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if isinstance(exc, BrokenPipeError):
            return 141  # stopped early by its reader, as `head` does: quietly, like SIGPIPE
        print(f"seed_data: error: cannot write output: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover - run_as_script() is tested directly
    raise SystemExit(run_as_script())
