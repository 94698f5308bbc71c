"""POST /agent/actions/collection-reminder  (scope agent:actions)

201 with the new action; 200 with the existing one when the same reminder (customer,
invoice, date) was already recorded. ``performed_by`` is the verified caller. What is owed
is read from the ledger: an unknown customer or invoice is a 404, nothing past due a 409.
"""

from __future__ import annotations

from finance_agent.adapters.http.endpoint import ApiRequest, ApiResult, endpoint
from finance_agent.adapters.http.schemas import ReminderBody
from finance_agent.bootstrap import get_ledger, get_repo
from finance_agent.domain.usecases.create_collection_reminder import CreateCollectionReminderUC


@endpoint("create_collection_reminder")
def handler(request: ApiRequest[None, ReminderBody]) -> ApiResult:
    body = request.body
    outcome = CreateCollectionReminderUC(get_repo(), get_ledger()).execute(
        customer_id=body.customer_id,
        performed_by=request.identity.principal,
        invoice_id=body.invoice_id,
        remind_date=body.remind_date,
    )
    return ApiResult(outcome.action, 201 if outcome.created else 200)
