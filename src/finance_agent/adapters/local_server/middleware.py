"""What API Gateway does around every request, before and after any route: CORS preflight
answered without auth, and an X-Request-Id on every response."""

from __future__ import annotations

import uuid

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from finance_agent.shared import responses


class Preflight:
    """Answers CORS preflight on any path without auth, as the HTTP API's CORS setting does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            request = Request(scope)
            origin = request.headers.get("origin")
            if origin and request.headers.get("access-control-request-method"):
                headers = responses.cors_headers(origin)
                await Response(status_code=204, headers=headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class RequestIds:
    """Gives every response an X-Request-Id, as API Gateway does: preflight and files too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "x-request-id" not in headers:
                    headers["x-request-id"] = str(uuid.uuid4())
            await send(message)

        await self.app(scope, receive, send_with_id)
