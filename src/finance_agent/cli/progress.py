"""A progress bar for long commands (``import``), on stderr and only on a terminal.

Results go to stdout, so a bar never mixes with them or with ``--json``; a pipe, a file or
a CI log gets nothing (not even tqdm's import). The import calls ``(phase, done, total)``
now and then: a phase is one bar (reading counts bytes, checking and writing count rows).
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import IO, TYPE_CHECKING, Never, Self

if TYPE_CHECKING:
    from tqdm import tqdm

_UNITS = {"reading": "B"}


def on_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class ProgressBar:
    """A ``Progress`` callable drawing one bar per phase; silent when ``enabled`` is False."""

    def __init__(self, enabled: bool, stream: IO[str] | None = None) -> None:
        self._stream = stream or sys.stderr
        self.enabled = enabled and on_terminal(self._stream)
        self._phase: str | None = None
        self._bar: tqdm[Never] | None = None

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if phase != self._phase or self._bar is None:
            self.close()
            self._phase, self._bar = phase, self._open(phase, total)
        self._bar.update(done - self._bar.n)

    def _open(self, phase: str, total: int | None) -> tqdm[Never]:
        from tqdm import tqdm

        unit = _UNITS.get(phase, " rows")
        return tqdm(
            total=total,
            desc=phase.capitalize(),
            unit=unit,
            unit_scale=unit == "B",
            file=self._stream,
            leave=False,  # the report follows on stdout; the bars are only for the wait
            dynamic_ncols=True,
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()
