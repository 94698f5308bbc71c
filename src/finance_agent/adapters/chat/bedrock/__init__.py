"""The Bedrock providers: ``agent`` (a Bedrock Agent and its action group) and ``converse``
(a model calling the route table's tools, ``tools``), and what both share (``calls``)."""
