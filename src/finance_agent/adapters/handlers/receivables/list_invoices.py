"""GET /agent/tools/invoices?customer_id=&status=open&as_of=&limit=50&next_token="""

from __future__ import annotations

from finance_agent.adapters.http.endpoint import ApiRequest, endpoint
from finance_agent.adapters.http.schemas import InvoicesQuery
from finance_agent.bootstrap import get_ledger
from finance_agent.domain.models.invoice_list import InvoiceList
from finance_agent.domain.usecases.list_invoices import ListInvoicesUC


@endpoint("list_invoices")
def handler(request: ApiRequest[InvoicesQuery, None]) -> InvoiceList:
    query = request.query
    return ListInvoicesUC(get_ledger()).execute(
        customer_id=query.customer_id,
        status=query.status,
        as_of=query.as_of,
        limit=query.limit,
        next_token=query.next_token,
    )
