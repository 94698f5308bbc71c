"""Pure analytics on daily series: forecasts with prediction intervals, anomaly flags.

Standard library only (``math``, ``statistics``): nothing here imports a store, HTTP or a
model class, so use cases, benchmarks and tests call the same functions on plain lists.
"""

from finance_agent.domain.analytics.anomalies import (
    ANOMALY_METHODS,
    DEFAULT_THRESHOLDS,
    AnomalyScan,
    Flag,
    detect,
    scan,
)
from finance_agent.domain.analytics.forecasting import (
    FORECAST_METHODS,
    Estimate,
    ForecastResult,
    HoldoutScore,
    forecast,
)

__all__ = [
    "ANOMALY_METHODS",
    "DEFAULT_THRESHOLDS",
    "FORECAST_METHODS",
    "AnomalyScan",
    "Estimate",
    "Flag",
    "ForecastResult",
    "HoldoutScore",
    "detect",
    "forecast",
    "scan",
]
