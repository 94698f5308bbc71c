"""The local front door: a Starlette server that plays API Gateway HTTP API (payload v2).

``events`` builds the v2 event API Gateway would send, ``app`` routes the route table to
the same Lambda handlers (``middleware`` answers preflight and stamps request ids), and
``serve`` prepares the store and secret and runs uvicorn.
"""
