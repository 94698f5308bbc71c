"""The DynamoDB table's public path: its definition lives in ``infra/dynamo/table.py``."""

from finance_agent.infra.dynamo.table import (
    GSI1_NAME,
    TTL_ATTRIBUTE,
    create_client,
    ensure_table,
    table_definition,
)

__all__ = ["GSI1_NAME", "TTL_ATTRIBUTE", "create_client", "ensure_table", "table_definition"]
