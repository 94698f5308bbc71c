"""The demo data's daily sales: a revenue model, and four unusual days put in on purpose.

Daily revenue is ``expected + noise`` where ``expected = BASE_LEVEL + TREND_PER_DAY * i +
WEEKDAY_PROFILE[weekday]`` (``i`` counts days from the first generated one) and the noise is
Gaussian with the fixed standard deviation ``NOISE_SIGMA``. On each day of
``INJECTED_ANOMALIES`` the noise is replaced by ``sigmas * NOISE_SIGMA``. These constants were
fixed once, before any detector was run on the data, and must not be tuned to flatter one.
The weekly pattern is kept small (within 0.2 sigma) so that the plain z-score rule at 2.0 over
the last 60 days finds all four days for every seed and weekday; a simulation over 300 seeds
and 7 consecutive days gave a smallest |z| of the injected days of about 2.1.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from finance_agent.domain.models import SalesDay
from finance_agent.domain.money import to_money

SALES_DAYS = 120

# -- daily revenue model (currency units per day) --------------------------------------------
BASE_LEVEL = 12_000.0
TREND_PER_DAY = 10.0  # about +10% over the 120 days
NOISE_SIGMA = 1_500.0
# Monday first; sums to zero so the trend and level keep their meaning. Within 0.2 sigma.
WEEKDAY_PROFILE: tuple[float, ...] = (50.0, 150.0, 200.0, 150.0, 0.0, -250.0, -300.0)
# Cost of goods sold as a share of the day's revenue, in basis points (55% to 65%).
COGS_SHARE_BP = (5_500, 6_500)

# (days before today, sigmas): two spikes, two drops, all inside last_60d (the anomaly
# detector's default period), none adjacent to another.
INJECTED_ANOMALIES: tuple[tuple[int, int], ...] = ((53, -4), (41, 5), (26, -5), (12, 4))


@dataclass(frozen=True)
class InjectedAnomaly:
    """A day whose revenue was set to its expected value plus ``sigmas * NOISE_SIGMA``."""

    date: date
    sigmas: int


def expected_revenue(index: int, day: date) -> float:
    """The model's revenue for the ``index``-th generated day, before noise."""
    return BASE_LEVEL + TREND_PER_DAY * index + WEEKDAY_PROFILE[day.weekday()]


def generate_sales(rng: random.Random, today: date) -> tuple[SalesDay, ...]:
    start = today - timedelta(days=SALES_DAYS - 1)
    injected = {today - timedelta(days=back): k for back, k in INJECTED_ANOMALIES}
    days = []
    for index in range(SALES_DAYS):
        day = start + timedelta(days=index)
        # Always draw, so an injected day leaves every other day's noise where it was.
        noise = rng.gauss(0.0, NOISE_SIGMA)
        share = Decimal(rng.randint(*COGS_SHARE_BP)) / 10_000
        k = injected.get(day)
        value = expected_revenue(index, day) + (k * NOISE_SIGMA if k is not None else noise)
        # Revenue cannot be negative; at these levels that is some 7 sigma away, never hit.
        revenue = to_money(max(value, 0.0))
        days.append(SalesDay(date=day, revenue=revenue, cogs=to_money(revenue * share)))
    return tuple(days)


def injected_days(today: date) -> tuple[InjectedAnomaly, ...]:
    return tuple(
        sorted(
            (InjectedAnomaly(today - timedelta(days=back), k) for back, k in INJECTED_ANOMALIES),
            key=lambda a: a.date,
        )
    )
