"""The DynamoDB store, one module per kind of record behind the one ``DynamoRepo`` class
(``repo.py``): the table's definition, its client calls and reads, the items all kinds
share, then figures, receivables, actions, idempotency records and chat history."""
