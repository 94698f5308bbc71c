"""The business's records: sales days, receivables, KPIs, forecasts, anomalies, actions."""

from finance_agent.domain.models.action import COLLECTION_REMINDER, ActionPage, AgentAction
from finance_agent.domain.models.anomaly import Anomaly, AnomalyReport, LevelShift
from finance_agent.domain.models.ar_aging import ARAging
from finance_agent.domain.models.chat import ChatTurn
from finance_agent.domain.models.forecast import (
    CashflowForecast,
    ForecastPoint,
    Interval,
    MethodScore,
)
from finance_agent.domain.models.idempotency import IdempotencyRecord
from finance_agent.domain.models.kpis import KPIs, KPISnapshot, PeriodFigures
from finance_agent.domain.models.sales import SalesDay

__all__ = [
    "COLLECTION_REMINDER",
    "ARAging",
    "ActionPage",
    "AgentAction",
    "Anomaly",
    "AnomalyReport",
    "CashflowForecast",
    "ChatTurn",
    "ForecastPoint",
    "IdempotencyRecord",
    "Interval",
    "KPISnapshot",
    "KPIs",
    "LevelShift",
    "MethodScore",
    "PeriodFigures",
    "SalesDay",
]
