"""GET /agent/tools/ar-aging?min_days_overdue=0"""

from __future__ import annotations

from finance_agent.adapters.http.endpoint import ApiRequest, endpoint
from finance_agent.adapters.http.schemas import ARAgingList, ARAgingQuery
from finance_agent.bootstrap import get_repo
from finance_agent.domain.usecases.overdue_customers import ListOverdueCustomersUC
from finance_agent.shared.settings import get_settings


@endpoint("get_ar_aging")
def handler(request: ApiRequest[ARAgingQuery, None]) -> ARAgingList:
    days = request.query.min_days_overdue
    customers = ListOverdueCustomersUC(get_repo()).execute(min_days_overdue=days)
    return ARAgingList(currency=get_settings().currency, min_days_overdue=days, customers=customers)
