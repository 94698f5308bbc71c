"""``import``: a company's own books (invoices, payments or sales) from a CSV file.

The whole file is checked before anything is written: a file with any problem writes nothing,
and the report lists what to fix (exit 1). Otherwise the records that change are written, the
import is recorded in the action log, and the report counts what was new, updated and
unchanged (exit 0; a file imported before changes nothing).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from finance_agent.cli.actions import login_name
from finance_agent.cli.console import EXIT_FAILURE, write
from finance_agent.cli.flags import FlagParser, iso_date, principal, principal_flag
from finance_agent.cli.tables import table
from finance_agent.domain.models.import_report import ImportKind

if TYPE_CHECKING:
    from finance_agent.domain.models.import_report import ImportReport

_RECORD_NAMES = {
    "customers": "Customers",
    "invoices": "Invoices",
    "payments": "Payments",
    "sales_days": "Sales days",
}


def readable_file(text: str) -> Path:
    """A file that exists and can be read (the import reads it whole, twice at most)."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file {text!r}")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"must be a file, not a folder ({text!r})")
    if not os.access(path, os.R_OK):
        raise argparse.ArgumentTypeError(f"cannot be read ({text!r})")
    return path


def _cmd_import(args: argparse.Namespace) -> int:
    from finance_agent.cli.progress import ProgressBar
    from finance_agent.cli.store import ledger_store
    from finance_agent.domain.usecases.import_ledger import ImportLedgerUC
    from finance_agent.imports import CsvOptions, open_books, parse_column_map
    from finance_agent.shared import clock
    from finance_agent.shared.settings import get_settings

    options = CsvOptions(
        currency=get_settings().currency,
        today=clock.today(),
        column_map=parse_column_map(args.map or ()),
        date_format=args.date_format,
        aggregate=args.aggregate,
    )
    # --as was checked as it was parsed; the login name by the same rule.
    who = args.performed_by if args.performed_by is not None else principal(login_name())
    finance, ledger = ledger_store()
    uc = ImportLedgerUC(ledger, finance)
    with (
        open_books(args.kind, args.file, options) as books,
        ProgressBar(enabled=not args.json) as progress,
    ):
        report = uc.execute(
            books, performed_by=who, as_of=args.as_of, dry_run=args.dry_run, progress=progress
        )
    write(report.model_dump_json(indent=2) if args.json else render_report(report))
    return EXIT_FAILURE if report.refused else 0


def _headline(report: ImportReport) -> str:
    rows = f"{report.rows:,} row{'' if report.rows == 1 else 's'}"
    what = f"{report.kind.value} from {report.file_name} ({rows}"
    if report.kind is ImportKind.INVOICES:
        what += f"; open balances as of {report.as_of.isoformat()}"
    what += ")"
    if report.refused:
        count = report.problem_count
        return (
            f"Refused {what}: {count:,} problem{'' if count == 1 else 's'}, nothing written. "
            "Fix the file and import it again."
        )
    if report.changed == 0:
        return f"Nothing to change: the ledger already holds every record of {what}."
    if report.dry_run:
        return f"Dry run: would import {what}; nothing written."
    return f"Imported {what}."


def render_report(report: ImportReport) -> str:
    parts = [_headline(report)]
    if not report.refused:
        rows = [
            (_RECORD_NAMES.get(kind, kind), f"{c.new:,}", f"{c.updated:,}", f"{c.unchanged:,}")
            for kind, c in report.counts.items()
        ]
        parts.append(table(("Records", "New", "Updated", "Unchanged"), rows))
    if report.changes:
        changed = [(c.record, c.id, ", ".join(c.fields)) for c in report.changes]
        parts.append("Updated:\n" + table(("Record", "Id", "Fields changed"), changed))
    if report.problems:
        problems = [
            (
                "file" if p.row is None else str(p.row),
                p.column or "",
                p.rule,
                "" if p.value is None else f"'{p.value}'",  # quoted: spaces show
            )
            for p in report.problems
        ]
        listing = table(("Row", "Column", "Rule", "Value"), problems)
        if report.problem_count > len(report.problems):
            listing += (
                f"\n(the first {len(report.problems)} of {report.problem_count:,} problems, by row)"
            )
        parts.append(listing)
    return "\n\n".join(parts)


def add_commands(sub: argparse._SubParsersAction[FlagParser], json_flag: FlagParser) -> None:
    p = sub.add_parser(
        "import",
        parents=[json_flag],
        help="import invoices, payments or sales from a CSV file",
        description=(
            "Check a CSV file of books whole, then write what it changes; "
            "a file with any problem writes nothing (exit 1, with the report)."
        ),
    )
    p.add_argument("kind", choices=[kind.value for kind in ImportKind], help="what the file holds")
    p.add_argument(
        "file", type=readable_file, metavar="FILE", help="the CSV file (UTF-8, LF or CRLF)"
    )
    p.add_argument(
        "--as-of",
        type=iso_date,
        help="YYYY-MM-DD: the day open_balance is owed at (default today)",
    )
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.add_argument(
        "--date-format",
        help="strptime format of the file's dates, e.g. %%d/%%m/%%Y (default YYYY-MM-DD)",
    )
    p.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=HEADER",
        help="read COLUMN from the file's HEADER (repeatable), e.g. invoice_id=Num",
    )
    p.add_argument("--aggregate", action="store_true", help="sales: sum transaction lines per day")
    p.add_argument(
        "--as",
        dest="performed_by",
        type=principal_flag,
        help="who imports, in the action log (default: your login name)",
    )
    p.set_defaults(func=_cmd_import)
