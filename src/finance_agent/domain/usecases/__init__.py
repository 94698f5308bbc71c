"""Use cases: one class per thing a user asks or does; each depends only on the repository."""

from finance_agent.domain.usecases.cashflow_forecast import CashflowForecastUC
from finance_agent.domain.usecases.create_collection_reminder import CreateCollectionReminderUC
from finance_agent.domain.usecases.detect_anomalies import DetectAnomaliesUC
from finance_agent.domain.usecases.get_kpis import GetKPIsUC
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC
from finance_agent.domain.usecases.list_actions import ListActionsUC
from finance_agent.domain.usecases.sales_history import GetSalesHistoryUC

__all__ = [
    "AgingAsOfUC",
    "CashflowForecastUC",
    "CreateCollectionReminderUC",
    "DetectAnomaliesUC",
    "GetKPIsUC",
    "GetSalesHistoryUC",
    "ListActionsUC",
]
