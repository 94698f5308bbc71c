"""The chat behind POST /agent/chat: one small interface (``types``), three providers
chosen by settings (``providers``): a Bedrock Agent or a Bedrock model with tools
(``bedrock/``), or the local assistant, offline and deterministic (``local/``).

Every tool a provider uses is a route of the route table, called in-process as the chat's
caller (``adapters.http.v2_events.call_route``): validation and scope checks are the API's.
"""
