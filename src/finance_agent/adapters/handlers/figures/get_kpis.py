"""GET /agent/tools/kpis?period=last_30d"""

from __future__ import annotations

from finance_agent.adapters.http.endpoint import ApiRequest, endpoint
from finance_agent.adapters.http.schemas import KPIQuery
from finance_agent.bootstrap import get_repo
from finance_agent.domain.models import KPIs
from finance_agent.domain.usecases.get_kpis import GetKPIsUC


@endpoint("get_kpis")
def handler(request: ApiRequest[KPIQuery, None]) -> KPIs:
    return GetKPIsUC(get_repo()).execute(period=request.query.period)
