"""GET /agent/tools/ar-aging?min_days_overdue=0&as_of=YYYY-MM-DD&basis=due_date"""

from __future__ import annotations

from finance_agent.adapters.http.endpoint import ApiRequest, endpoint
from finance_agent.adapters.http.schemas import ARAgingList, ARAgingQuery
from finance_agent.bootstrap import get_ledger
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC
from finance_agent.shared.settings import get_settings


@endpoint("get_ar_aging")
def handler(request: ApiRequest[ARAgingQuery, None]) -> ARAgingList:
    query = request.query
    aging = AgingAsOfUC(get_ledger()).execute(
        as_of=query.as_of, basis=query.basis, min_days_overdue=query.min_days_overdue
    )
    return ARAgingList(
        currency=get_settings().currency,
        as_of=aging.as_of,
        basis=aging.basis,
        min_days_overdue=query.min_days_overdue,
        customers=aging.customers,
    )
