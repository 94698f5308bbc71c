"""GET /agent/tools/cashflow?horizon=30&method=sma"""

from __future__ import annotations

from finance_agent.adapters.http.endpoint import ApiRequest, endpoint
from finance_agent.adapters.http.schemas import CashflowQuery
from finance_agent.bootstrap import get_repo
from finance_agent.domain.models import CashflowForecast
from finance_agent.domain.usecases.cashflow_forecast import CashflowForecastUC


@endpoint("cashflow_forecast")
def handler(request: ApiRequest[CashflowQuery, None]) -> CashflowForecast:
    query = request.query
    return CashflowForecastUC(get_repo()).execute(horizon_days=query.horizon, method=query.method)
