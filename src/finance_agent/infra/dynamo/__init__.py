"""The DynamoDB store, one module per kind of record behind the one ``DynamoRepo`` class
(``repo.py``): the table's definition, its client calls and reads, the items all kinds
share, then figures, the ledger, actions, idempotency records and chat history;
``receivables.py`` reads the AR aging items of before the ledger for its upgrade."""
