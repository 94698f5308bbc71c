"""The embedded store, one module per kind of record behind the one ``SqliteRepo`` class
(``repo.py``): the file and its connections, the schema, then figures, the ledger, actions,
idempotency records and chat history; ``receivables.py`` reads the AR aging rows of before the
ledger for the upgrade (``migrations.py``)."""
