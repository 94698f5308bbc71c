"""The DynamoDB store's public path: ``DynamoRepo`` lives in ``infra/dynamo/``, one module
per kind of record."""

from finance_agent.infra.dynamo.calls import BATCH_SIZE, shared_client
from finance_agent.infra.dynamo.repo import DynamoRepo

__all__ = ["BATCH_SIZE", "DynamoRepo", "shared_client"]
