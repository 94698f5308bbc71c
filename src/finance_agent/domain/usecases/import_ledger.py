from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import TypeVar

from finance_agent.domain.errors import ConflictError, ValidationError
from finance_agent.domain.ledger.as_of import check_as_of
from finance_agent.domain.ledger.import_files import LedgerFile, Progress, no_progress
from finance_agent.domain.ledger.import_tally import Tally
from finance_agent.domain.ledger.plan_invoices import plan_customers, plan_invoices
from finance_agent.domain.ledger.plan_payments import plan_payments
from finance_agent.domain.ledger.plan_sales import plan_sales
from finance_agent.domain.ledger.ports import (
    LedgerRepository,
    LedgerWrites,
    TransactionalLedger,
)
from finance_agent.domain.ledger.problems import ProblemLog
from finance_agent.domain.models.import_report import (
    IMPORT_ACTION,
    ImportKind,
    ImportReport,
    RecordCounts,
)
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared import clock

T = TypeVar("T")
BATCH_SIZE = 500
COUNTED: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.INVOICES: ("customers", "invoices"),
    ImportKind.PAYMENTS: ("payments",),
    ImportKind.SALES: ("sales_days",),
}
# A step of an import: the file's lines it covers, and the write it would make.
_Step = tuple[int, Callable[[], None] | None]


@dataclass
class _Pass:
    """One pass over a scanned file: what it reads, and what it finds in the ledger."""

    file: LedgerFile
    day: date
    rows: int
    progress: Progress
    phase: str  # "checking" (nothing written) or "writing"
    problems: ProblemLog
    tally: Tally = field(init=False)

    def __post_init__(self) -> None:
        self.tally = Tally(COUNTED[self.file.kind])


class _Refused(Exception):
    """A problem met while writing in a transaction: it is rolled back."""


def _write(put: Callable[[Iterable[T]], None], records: Sequence[T]) -> Callable[[], None] | None:
    return partial(put, records) if records else None


class ImportLedgerUC:
    """Bring a file of books into the ledger: all of it, or (with any problem) none of it.

    1. The file is scanned whole for what is wrong with it on its own.
    2. Batch by batch, its lines are held against the stored records: what they would
       create, update or leave unchanged, and what they contradict (a payment for an unknown
       invoice, settlements above an invoice). Nothing is written yet.
    3. Only a file with no problem is written, batch by batch (customers before the invoices
       naming them), and only what changes. The batches are not one transaction on
       DynamoDB: an import that stopped midway finishes when run again, since what it wrote
       then counts as unchanged.

    On a store that writes in transactions (``TransactionalLedger``: SQLite), steps 2 and 3
    are one pass in one transaction, committed only if no problem was met: the same outcome
    in half the reading.

    A write is recorded in the action log (``import``: who, kind, file, counts); a dry run, a
    refused file and a file that changes nothing are not.
    """

    def __init__(
        self,
        ledger: LedgerRepository,
        finance: FinanceRepository,
        *,
        today: Callable[[], date] | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self._ledger = ledger
        self._finance = finance
        # Looked up when built, not when imported, so a replaced clock is honoured.
        self._today = today or clock.today
        self._size = batch_size

    def execute(
        self,
        file: LedgerFile,
        *,
        performed_by: str,
        as_of: date | str | None = None,
        dry_run: bool = False,
        progress: Progress = no_progress,
    ) -> ImportReport:
        if not isinstance(performed_by, str) or not performed_by.strip():
            raise ValidationError("performed_by", "must name who performs the import")
        day = check_as_of(as_of, today=self._today(), first_issue=None)
        problems = ProblemLog()
        rows = file.scan(problems, progress)
        at_once = self._transaction(file, dry_run)
        run = _Pass(file, day, rows, progress, "writing" if at_once else "checking", problems)
        if not problems:
            if at_once is not None:
                self._import_at_once(at_once, run)
            else:
                for _ in self._steps(run):
                    pass
        counts = run.tally.counts()
        report = ImportReport(
            kind=file.kind,
            file_name=file.name,
            as_of=day,
            dry_run=dry_run,
            status="refused" if problems else "would_import" if dry_run else "imported",
            rows=rows,
            counts=counts if not problems else dict.fromkeys(counts, RecordCounts()),
            changes=run.tally.changes() if not problems else [],
            problems=problems.listed(),
            problem_count=problems.count,
        )
        if report.status == "imported" and report.changed:
            if at_once is None:
                self._write(_Pass(file, day, rows, progress, "writing", ProblemLog()))
            self._finance.create_agent_action(
                IMPORT_ACTION, self._payload(report), performed_by.strip(), status="completed"
            )
        return report

    def _transaction(self, file: LedgerFile, dry_run: bool) -> TransactionalLedger | None:
        """The ledger, when it can take this import's writes in one transaction."""
        if dry_run or file.kind is ImportKind.SALES:  # sales days are the figures' store's
            return None
        return self._ledger if isinstance(self._ledger, TransactionalLedger) else None

    def _import_at_once(self, ledger: TransactionalLedger, run: _Pass) -> None:
        """Check and write in one pass and one transaction, rolled back at any problem."""
        with contextlib.suppress(_Refused), ledger.ledger_transaction() as writes:
            for _, write in self._steps(run, writes):
                if write is not None and not run.problems:  # past a problem, only check
                    write()
            if run.problems:
                raise _Refused

    def _write(self, run: _Pass) -> None:
        for _, write in self._steps(run):
            if run.problems:
                # The store changed between the check and the write (another import): what
                # is written stays, and running the import again finishes or reports it.
                raise ConflictError(
                    "the ledger changed while the file was being imported; import it again"
                )
            if write is not None:
                write()

    def _steps(self, run: _Pass, writes: LedgerWrites | None = None) -> Iterator[_Step]:
        done = 0
        total = None if run.file.kind is ImportKind.SALES else run.rows
        for lines, write in self._plans(run, writes or self._ledger):
            done += lines
            yield lines, write
            run.progress(run.phase, done, total)

    def _plans(self, run: _Pass, writes: LedgerWrites) -> Iterator[_Step]:
        ledger, size, file, tally = self._ledger, self._size, run.file, run.tally
        if file.kind is ImportKind.INVOICES:
            for customers in plan_customers(file, ledger, tally, size):
                yield 0, _write(writes.put_customers, customers)
            invoices = plan_invoices(
                file, ledger, run.day, run.problems, tally, size, build=run.phase == "writing"
            )
            for lines, records in invoices:
                yield lines, _write(writes.put_invoice_records, records)
        elif file.kind is ImportKind.PAYMENTS:
            for lines, records in plan_payments(file, ledger, run.problems, tally, size):
                yield lines, _write(writes.put_invoice_records, records)
        else:
            for lines, days in plan_sales(file, self._finance, tally, size):
                yield lines, _write(self._finance.put_sales_days, days)

    @staticmethod
    def _payload(report: ImportReport) -> dict[str, object]:
        return {
            "kind": report.kind.value,
            "file_name": report.file_name,
            "as_of": report.as_of.isoformat(),
            "rows": report.rows,
            "counts": {kind: counts.model_dump() for kind, counts in report.counts.items()},
        }
