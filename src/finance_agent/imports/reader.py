"""The rows of a CSV file, streamed: UTF-8 with or without a byte-order mark, LF or CRLF.

A file is read twice at most (``scan`` reads it; the lines are then served from the scratch
store), so a stream that cannot rewind is first spooled to a temporary file.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from finance_agent.domain.ledger.import_files import Progress
from finance_agent.domain.ledger.problems import ProblemLog

Source = str | os.PathLike[str] | BinaryIO | IO[bytes]
REPORT_EVERY = 5000  # rows between two progress reports
_SPOOL_IN_MEMORY = 8 * 1024 * 1024


class OpenedFile:
    """A seekable binary stream over ``source``, closed with this object when it opened it."""

    def __init__(self, source: Source, name: str | None = None) -> None:
        self._owned: IO[bytes] | None = None
        if isinstance(source, str | os.PathLike):
            path = Path(source)
            self.stream: IO[bytes] = self._own(path.open("rb"))
            self.name = name or path.name
            self.size: int | None = path.stat().st_size
            return
        self.name = name or str(getattr(source, "name", "") or "upload")
        self.name = Path(self.name).name
        if not source.seekable():
            spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
            shutil.copyfileobj(source, spool)
            spool.seek(0)
            source = self._own(spool)
        self.stream = source
        start = source.tell()
        self.size = source.seek(0, io.SEEK_END) - start
        source.seek(start)
        self._start = start

    def _own(self, stream: IO[bytes]) -> IO[bytes]:
        self._owned = stream
        self._start = 0
        return stream

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def _lines(self) -> Iterator[str]:
        # Line by line rather than through a TextIOWrapper, which decodes 8 KB ahead: a byte
        # that is not UTF-8 is then met on its own row, and the report can say which.
        first = True
        for raw in self.stream:
            if first:
                raw, first = raw.removeprefix(codecs.BOM_UTF8), False
            yield raw.decode("utf-8")

    def records(self, problems: ProblemLog, progress: Progress) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of every CSV record, the header being row 1.

        Text that is not UTF-8, and broken quoting, stop the reading with a problem at the
        row where they were met: past them no row number could be trusted.
        """
        self.stream.seek(self._start)
        number = 0
        try:
            for number, cells in enumerate(csv.reader(self._lines(), strict=True), start=1):
                yield number, cells
                if number % REPORT_EVERY == 0:
                    progress("reading", self.stream.tell() - self._start, self.size)
        except UnicodeDecodeError:
            problems.add(number + 1, None, "must be UTF-8 text")
        except csv.Error as exc:
            problems.add(number + 1, None, f"must be well-formed CSV ({exc})")
        progress("reading", self.size or 0, self.size)
