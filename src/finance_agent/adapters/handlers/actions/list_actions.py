"""GET /agent/actions?limit=50&next_token=..."""

from __future__ import annotations

from finance_agent.adapters.http.endpoint import ApiRequest, endpoint
from finance_agent.adapters.http.schemas import ListActionsQuery
from finance_agent.bootstrap import get_repo
from finance_agent.domain.models import ActionPage
from finance_agent.domain.usecases.list_actions import ListActionsUC


@endpoint("list_actions")
def handler(request: ApiRequest[ListActionsQuery, None]) -> ActionPage:
    query = request.query
    return ListActionsUC(get_repo()).execute(limit=query.limit, next_token=query.next_token)
