"""What every forecast method shares: the weekly season, the days it fits on, the fewest
days each method needs, and a method's fit before its intervals are drawn.

Its own module so that the methods (``forecasting``, ``holt_winters``) and ``auto``'s choice
(``method_choice``) can all use it without importing each other in a circle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

SEASON: Final = 7
# Days used to fit Holt-Winters and to estimate the seasonal-naive residual spread.
FIT_DAYS: Final = 52 * SEASON

# Fewest days of history each method can be fitted on.
MIN_DAYS: Final[Mapping[str, int]] = MappingProxyType(
    {"sma": 1, "seasonal_naive": 2 * SEASON, "holt_winters": 4 * SEASON, "auto": 3 * SEASON}
)


@dataclass(frozen=True)
class Fit:
    """A method's forecast before intervals are drawn: means and standard deviations."""

    method: str
    means: list[float]
    sds: list[float]
    total_sd: float
    sigma: float
    parameters: dict[str, float]
