"""GET /agent/tools/sales?days=120"""

from __future__ import annotations

from finance_agent.adapters.http.endpoint import ApiRequest, endpoint
from finance_agent.adapters.http.schemas import SalesQuery, SalesSeries
from finance_agent.bootstrap import get_repo
from finance_agent.domain.usecases.sales_history import GetSalesHistoryUC
from finance_agent.shared.settings import get_settings


@endpoint("get_sales")
def handler(request: ApiRequest[SalesQuery, None]) -> SalesSeries:
    start, end, days = GetSalesHistoryUC(get_repo()).execute(days=request.query.days)
    return SalesSeries(start_date=start, end_date=end, currency=get_settings().currency, days=days)
