"""The local server: the route table behind Starlette, playing API Gateway HTTP API.

For each request it does what API Gateway does before a Lambda runs: answers CORS
preflight, matches the route (404 for an unknown path, 405 for another method), verifies
the Bearer token as the JWT authorizer would and puts the claims where API Gateway puts
them, then builds the v2 event and calls the route's handler in a worker thread. The
handler's v2 response becomes the HTTP response.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as HttpRoute
from starlette.types import Receive, Scope, Send

from finance_agent.adapters.http.errors import invalid_input
from finance_agent.adapters.local_server.events import LocalContext, build_event, claims_context
from finance_agent.adapters.local_server.middleware import Preflight, RequestIds
from finance_agent.adapters.mcp_server import McpHttpEndpoint
from finance_agent.routes import ROUTES, Route
from finance_agent.shared import responses
from finance_agent.shared.auth import UnauthorizedError, verify_token
from finance_agent.shared.log import logger
from finance_agent.shared.settings import get_settings

# API Gateway's payload limit; the handlers apply their own, smaller one.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
OPENAPI_PATH = "/openapi.json"
# The tool routes for MCP clients (streamable HTTP), with the same Bearer auth.
MCP_PATH = "/mcp"
# The web page: static files that hold no data (every API call carries the token), so they
# are served without auth, each at the root beside index.html as a static host would.
WEB_DIR = Path(__file__).resolve().parents[2] / "web"
WEB_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
}
WEB_HEADERS = {
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
WEB_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' http: https:; base-uri 'none'; form-action 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def to_http(result: Any, request_id: str, origin: str | None = None) -> Response:
    """A Lambda's v2 response as an HTTP response, read the way API Gateway reads it."""
    if not isinstance(result, Mapping) or "statusCode" not in result:
        # Payload v2: anything without a statusCode is a 200 JSON body.
        result = {"statusCode": 200, "body": json.dumps(result), "isBase64Encoded": False}
    headers = {str(k).lower(): str(v) for k, v in (result.get("headers") or {}).items()}
    headers.setdefault("content-type", "application/json")
    for name, value in responses.cors_headers(origin).items():
        headers.setdefault(name, value)
    headers.setdefault("x-request-id", request_id)
    headers["apigw-requestid"] = request_id
    body = result.get("body") or ""
    content = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    response = Response(content, status_code=int(result["statusCode"]), headers=headers)
    for cookie in result.get("cookies") or []:
        response.raw_headers.append((b"set-cookie", str(cookie).encode("latin-1")))
    return response


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("a bearer token is required")
    return token.strip()


@cache
def _handler(route: Route) -> Any:
    return route.load_handler()


def _body_limit(route: Route) -> int:
    """The limit a caller is told: the handler's own for a route that takes a body."""
    return route.max_body_bytes if route.body_model is not None else MAX_REQUEST_BYTES


async def _read_body(request: Request, limit: int) -> bytes | None:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _invoke(route: Route, request: Request) -> Response:
    request_id = str(uuid.uuid4())
    origin = request.headers.get("origin")
    try:
        # Like the JWT authorizer: refused before the handler runs, which never sees it.
        claims = verify_token(_bearer(request))
    except UnauthorizedError as exc:
        logger.info("request refused", route=route.route_key, status=401, request_id=request_id)
        return to_http(responses.unauthorized(exc.message), request_id, origin)
    limit = _body_limit(route)
    body = await _read_body(request, limit)
    if body is None:
        rule = f"must be at most {limit} bytes"
        return to_http(invalid_input([{"field": "body", "rule": rule}]), request_id, origin)
    event = build_event(request, body, route.route_key, request_id=request_id)
    event["requestContext"]["authorizer"] = claims_context(claims)
    handler, context = _handler(route), LocalContext(request_id)
    if route.calls_upstream or get_settings().store_kind != "sqlite":
        # Waits on a network (a model, DynamoDB): off the event loop.
        result = await run_in_threadpool(handler, event, context)
    else:
        # A local SQLite read takes well under a millisecond: handing it to a worker thread
        # and back would cost more than it (benchmarks/server_throughput.py).
        result = handler(event, context)
    return to_http(result, request_id, origin)


def _method_not_allowed(request: Request, allowed: str) -> Response:
    message = f"{request.method} is not allowed on {request.url.path}; use {allowed}"
    error = responses.error(405, "method_not_allowed", message, headers={"allow": allowed})
    return to_http(error, str(uuid.uuid4()), request.headers.get("origin"))


class _PathEndpoint:
    """Every method of one path: its route's, or a 405 naming the allowed ones.

    An ASGI app rather than a function, so Starlette passes it every method.
    """

    def __init__(self, by_method: dict[str, Route]) -> None:
        self.by_method = by_method
        self.allowed = ", ".join(sorted(by_method))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        route = self.by_method.get(request.method.upper())
        if route is None:
            response = _method_not_allowed(request, self.allowed)
        else:
            response = await _invoke(route, request)
        await response(scope, receive, send)


def web_files() -> dict[str, Path]:
    """The page's files by URL path (``/index.html``, ``/app.js``, ``/panels/kpis.js``, ...)."""
    if not WEB_DIR.is_dir():
        return {}
    return {
        f"/{path.relative_to(WEB_DIR).as_posix()}": path
        for path in sorted(WEB_DIR.rglob("*"))
        if path.is_file()
        and path.suffix in WEB_TYPES
        and not any(part.startswith(".") for part in path.relative_to(WEB_DIR).parts)
    }


def _web_response(path: Path) -> Response:
    headers = dict(WEB_HEADERS)
    if path.suffix == ".html":
        headers["content-security-policy"] = WEB_CSP
    return Response(path.read_bytes(), media_type=WEB_TYPES[path.suffix], headers=headers)


def _web_file(path: Path) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(_request: Request) -> Response:
        return _web_response(path)

    return endpoint


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "").lower()


async def _index(request: Request) -> Response:
    """A browser gets the web page; a program gets a pointer to the API description."""
    page = WEB_DIR / "index.html"
    if _wants_html(request) and page.is_file():
        return _web_response(page)
    body = {
        "name": "finance-agent",
        "openapi": OPENAPI_PATH,
        "authentication": "Authorization: Bearer <token>",
        "routes": [route.route_key for route in ROUTES],
    }
    return to_http(responses.ok(body), str(uuid.uuid4()), request.headers.get("origin"))


async def _openapi(request: Request) -> Response:
    from finance_agent.openapi import build_openapi  # only when asked: it loads every model

    document = build_openapi(server_url=str(request.base_url).rstrip("/"))
    return to_http(responses.ok(document), str(uuid.uuid4()), request.headers.get("origin"))


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's routing errors (no such path, method of a fixed route) in our format."""
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    if status == 405:
        allowed = (exc.headers or {}).get("Allow", "GET") if isinstance(exc, HTTPException) else ""
        return _method_not_allowed(request, allowed)
    message = f"no route for {request.method} {request.url.path}"
    return to_http(responses.not_found(message), str(uuid.uuid4()), request.headers.get("origin"))


async def _internal_error(request: Request, exc: Exception) -> Response:
    request_id = str(uuid.uuid4())
    logger.opt(exception=exc).error("unhandled error in the local server", request_id=request_id)
    error = responses.server_error(request_id=request_id)
    return to_http(error, request_id, request.headers.get("origin"))


def create_app() -> Starlette:
    """The local API: one HTTP route per path of the route table, plus / and /openapi.json.

    ``/`` is the web page for a browser (the JSON pointer otherwise); the page's other files
    are served beside it.
    """
    by_path: dict[str, dict[str, Route]] = {}
    for route in ROUTES:
        by_path.setdefault(route.path, {})[route.method] = route
    http_routes = [
        HttpRoute("/", _index, methods=["GET"]),
        HttpRoute(OPENAPI_PATH, _openapi, methods=["GET"]),
        HttpRoute(MCP_PATH, McpHttpEndpoint()),
    ]
    http_routes += [HttpRoute(path, _PathEndpoint(m)) for path, m in by_path.items()]
    http_routes += [
        HttpRoute(url, _web_file(file), methods=["GET"])
        for url, file in web_files().items()
        if url not in by_path and url != OPENAPI_PATH
    ]
    app = Starlette(
        routes=http_routes,
        middleware=[Middleware(RequestIds), Middleware(Preflight)],
        exception_handlers={HTTPException: _http_error, Exception: _internal_error},
    )
    # API Gateway has no slash redirect: /agent/tools/kpis/ is an unknown route, a JSON 404.
    app.router.redirect_slashes = False
    return app
