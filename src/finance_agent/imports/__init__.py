"""Books files in, as the ledger's import reads them: CSV of invoices, payments or sales.

I/O and per-file validation only; what a file means for the stored ledger is the domain's
(``domain/usecases/import_ledger.py``).
"""

from __future__ import annotations

from finance_agent.domain.models.import_report import ImportKind
from finance_agent.imports.invoice_csv import InvoiceCsv
from finance_agent.imports.options import CsvOptions, parse_column_map
from finance_agent.imports.payment_csv import PaymentCsv
from finance_agent.imports.reader import Source
from finance_agent.imports.sales_csv import SalesCsv

__all__ = ["CsvFile", "CsvOptions", "ImportKind", "open_books", "parse_column_map"]

# Each is a domain ``LedgerFile`` of its kind, and a context manager.
CsvFile = InvoiceCsv | PaymentCsv | SalesCsv


def open_books(
    kind: ImportKind | str, source: Source, options: CsvOptions, name: str | None = None
) -> CsvFile:
    """The books file ``source`` (a path or a binary stream) read as ``kind``.

    Close it when done (it is a context manager): it owns a scratch file on disk.
    """
    chosen = ImportKind(kind)
    if chosen is ImportKind.INVOICES:
        return InvoiceCsv(source, options, name)
    if chosen is ImportKind.PAYMENTS:
        return PaymentCsv(source, options, name)
    return SalesCsv(source, options, name)
