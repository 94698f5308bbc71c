"""GET /agent/tools/anomalies?period=last_60d&threshold=2.0&method=zscore"""

from __future__ import annotations

from finance_agent.adapters.http.endpoint import ApiRequest, endpoint
from finance_agent.adapters.http.schemas import AnomaliesQuery
from finance_agent.bootstrap import get_repo
from finance_agent.domain.models import AnomalyReport
from finance_agent.domain.usecases.detect_anomalies import DetectAnomaliesUC


@endpoint("detect_anomalies")
def handler(request: ApiRequest[AnomaliesQuery, None]) -> AnomalyReport:
    query = request.query
    uc = DetectAnomaliesUC(get_repo(), threshold=query.threshold, method=query.method)
    return uc.execute(period=query.period)
