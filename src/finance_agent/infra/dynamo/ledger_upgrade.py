"""``init-table`` on a table made before the ledger: each ``AR_AGING#<customer_id>`` item
becomes a customer and its opening invoices (``ar_aging_conversion.py``).

Every write is a conditional put (``attribute_not_exists(pk)``), so a run that stopped
midway is finished by running it again, and a customer or invoice already in the ledger
is never overwritten. The ``LEDGER#META`` item records the day it was done; a table with
that mark (every table made since) is not converted again. The AR aging items stay in
place, no longer read as receivables.
"""

from __future__ import annotations

import contextlib
from datetime import date

from finance_agent.domain.errors import ConflictError
from finance_agent.infra.ar_aging_conversion import opening_ledger
from finance_agent.infra.dynamo import items, receivables
from finance_agent.infra.dynamo import ledger_items as ledger
from finance_agent.infra.dynamo.ledger import DynamoLedger
from finance_agent.shared.log import logger


class LedgerUpgrade(DynamoLedger):
    def convert_ar_aging(self, upgrade_day: date) -> int:
        """Convert the AR aging items unless done before; how many customers it converted."""
        meta = self._get_raw(ledger.LEDGER_META_PK) or {}
        if ledger.AR_AGING_CONVERTED_ON in meta:
            return 0
        rows = self._parsed(
            self._query_all(self._gsi1_query(receivables.AR_AGING)), receivables.ar_from_item
        )
        earliest: date | None = None
        for row in rows:
            customer, records = opening_ledger(row, upgrade_day)
            for record in records:
                first = record.invoice.issue_date
                if earliest is None or first < earliest:
                    self._keep_first_issue_date(first)
                    earliest = first
            self._put_if_absent(ledger.customer_item(customer))
            for record in records:
                self._put_if_absent(ledger.invoice_item(record))
        self._call(
            "UpdateItem",
            self.client.update_item,
            TableName=self.table_name,
            Key=items.key(ledger.LEDGER_META_PK),
            UpdateExpression="SET #done = :day",
            ExpressionAttributeNames={"#done": ledger.AR_AGING_CONVERTED_ON},
            ExpressionAttributeValues={":day": {"S": upgrade_day.isoformat()}},
        )
        if rows:
            logger.bind(table=self.table_name, customers=len(rows)).info(
                "converted AR aging into opening invoices"
            )
        return len(rows)

    def _put_if_absent(self, item: items.Item) -> None:
        """Converted by an earlier run, or put in the ledger since: kept as it is."""
        with contextlib.suppress(ConflictError):
            self._call(
                "PutItem",
                self.client.put_item,
                conflict="already in the ledger",
                TableName=self.table_name,
                Item=item,
                ConditionExpression="attribute_not_exists(pk)",
            )
