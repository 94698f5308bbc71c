"""The embedded store, one module per kind of record behind the one ``SqliteRepo`` class
(``repo.py``): the file and its connections, the schema, then figures, receivables, actions,
idempotency records and chat history."""
