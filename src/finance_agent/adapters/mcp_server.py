"""The tool routes as an MCP server, with the official ``mcp`` SDK.

One MCP tool per tool route: named by its operation id, described by the route, its input
schema the route's query or body model and its output schema the response model, so the
tools are typed by the same models as the API. Each call runs through the route table as a
v2 event carrying the caller's verified identity (``call_route``): the API's checks, errors
and figures, whatever the door. The result is the API's JSON body, as text and as
structured content; an API error is a tool error with the API's error body.

Two transports:

- stdio (``finance-agent mcp``): the caller is the bearer token given by ``--token`` or
  MCP_TOKEN, verified with JWT_SECRET at start and again at each call (it may expire);
  without a token the caller is read-only, so a reminder is the API's 403.
- streamable HTTP at ``/mcp`` of the local server (``McpHttpEndpoint``): the Bearer token of
  each request is verified as the API's are (401 without a valid one), and that request's
  tool call runs as its identity.

The SDK is imported on first use only: the local server starts without it, and nothing on
the Lambda path imports this module.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from functools import cache, partial
from typing import TYPE_CHECKING, Any

import anyio

from finance_agent import __version__
from finance_agent.adapters.http.v2_events import call_route
from finance_agent.domain.errors import UnavailableError
from finance_agent.routes import Route, tool_routes
from finance_agent.shared import responses
from finance_agent.shared.auth import Identity, UnauthorizedError, authenticate
from finance_agent.shared.log import logger

if TYPE_CHECKING:
    from mcp import types
    from mcp.server import Server, ServerRequestContext
    from starlette.types import Receive, Scope, Send

SERVER_NAME = "finance-agent"
INSTRUCTIONS = (
    "Finance tools of one company: KPIs, cash-flow forecast, unusual sales days, sales "
    "history, receivables aging and invoices as of any day, recorded actions, and collection "
    "reminders (these need the agent:actions scope). Money is a number rounded to cents in "
    "the company's one currency (named by the results that carry a currency)."
)
# Where the HTTP endpoint leaves the verified identity for the tool call (ASGI scope key).
IDENTITY_KEY = "finance_agent.identity"
READ_ONLY = Identity(principal="mcp:read-only")
# Tool arguments are a few short fields; anything near this is not a tool call.
MAX_REQUEST_BYTES = 256 * 1024
# Who a call runs as, from the transport's request (a Starlette Request over HTTP, None on stdio).
IdentityOf = Callable[[Any], Identity]


def require_sdk() -> None:
    """UnavailableError naming the fix when the ``mcp`` package is not installed."""
    if importlib.util.find_spec("mcp") is None:
        raise UnavailableError(
            "the MCP server needs the mcp package: pip install 'finance-agent[mcp]'"
        )


def identity_from_token(token: str) -> Identity:
    """The identity a bearer token names, verified as the API verifies one (or 401)."""
    return authenticate({"headers": {"authorization": f"Bearer {token}"}})


def input_schema(route: Route) -> dict[str, Any]:
    model = route.query_model or route.body_model
    if model is None:
        return {"type": "object", "properties": {}, "additionalProperties": False}
    return model.model_json_schema(mode="validation")


def _description(route: Route) -> str:
    if route.scope is None:
        return route.description
    return f"{route.description} Needs the {route.scope} scope."


@cache
def tool_list() -> list[types.Tool]:
    from mcp import types

    return [
        types.Tool(
            name=route.operation_id,
            title=route.summary,
            description=_description(route),
            input_schema=input_schema(route),
            output_schema=route.response_model.model_json_schema(mode="serialization"),
            annotations=types.ToolAnnotations(
                read_only_hint=route.method == "GET",
                destructive_hint=False,
                idempotent_hint=True,
                open_world_hint=False,
            ),
        )
        for route in tool_routes()
    ]


def _result(status: int, body: Any) -> types.CallToolResult:
    from mcp import types

    return types.CallToolResult(
        content=[types.TextContent(type="text", text=responses.to_json(body))],
        structured_content=body if isinstance(body, dict) else None,
        is_error=status >= 400,
    )


async def call_tool(
    identity_of: IdentityOf, request: Any, name: str, arguments: Mapping[str, Any] | None
) -> types.CallToolResult:
    """Run the tool route ``name`` as the caller ``identity_of(request)`` names."""
    from mcp import types
    from mcp.shared.exceptions import MCPError

    route = next((r for r in tool_routes() if r.operation_id == name), None)
    if route is None:
        raise MCPError(code=types.INVALID_PARAMS, message=f"no tool named {name[:64]!r}")
    request_id = str(uuid.uuid4())
    started = time.perf_counter()
    try:
        identity = identity_of(request)
    except UnauthorizedError as exc:
        status, body = 401, {"error": "unauthorized", "message": exc.message, "details": []}
    else:
        run = partial(call_route, route, identity, dict(arguments or {}), request_id=request_id)
        status, body = await anyio.to_thread.run_sync(run)
    logger.bind(
        request_id=request_id,
        tool=route.operation_id,
        transport="stdio" if request is None else "http",
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
    ).info("mcp tool call")
    return _result(status, body)


def build_server(identity_of: IdentityOf) -> Server[Any]:
    """The MCP server of the tool routes, calling each as ``identity_of`` says."""
    from mcp import types
    from mcp.server import Server

    async def on_list_tools(
        _ctx: ServerRequestContext[Any, Any], _params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tool_list())

    async def on_call_tool(
        ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        return await call_tool(identity_of, ctx.request, params.name, params.arguments)

    return Server(
        SERVER_NAME,
        version=__version__,
        instructions=INSTRUCTIONS,
        on_list_tools=on_list_tools,
        on_call_tool=on_call_tool,
    )


# --- stdio: ``finance-agent mcp`` ----------------------------------------------------------


def stdio_identity(token: str | None) -> IdentityOf:
    """The caller of a stdio session: the token, verified now and at each call; or read-only."""
    if token is None:
        return lambda _request: READ_ONLY
    identity_from_token(token)  # a bad token stops the server at start, with the reason
    return lambda _request: identity_from_token(token)


def run_stdio(token: str | None = None) -> None:
    """Serve the tools on stdin/stdout until the client closes them."""
    from finance_agent.shared.settings import get_settings

    # Python sets a stream to None when its descriptor was closed at start (`mcp <&-`).
    if sys.stdin is None or sys.stdout is None:
        closed = "stdin" if sys.stdin is None else "stdout"
        raise UnavailableError(
            f"{closed} is closed: finance-agent mcp talks to its MCP client over stdin and "
            "stdout, so start it from the client (or with both open)"
        )

    require_sdk()
    from mcp.server.stdio import stdio_server

    configured = get_settings().mcp_token
    if token is None and configured is not None:
        token = configured.get_secret_value()
    server = build_server(stdio_identity(token))
    logger.bind(transport="stdio", signed_in=token is not None).info("mcp server started")

    async def serve() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(serve)


# --- streamable HTTP: ``/mcp`` of the local server -----------------------------------------


def http_identity(request: Any) -> Identity:
    """The identity ``McpHttpEndpoint`` verified for this HTTP request."""
    identity = request.scope.get(IDENTITY_KEY) if request is not None else None
    if not isinstance(identity, Identity):
        raise UnauthorizedError("a bearer token is required")
    return identity


@cache
def _http_server() -> Server[Any]:
    return build_server(http_identity)


class McpHttpEndpoint:
    """ASGI app for ``/mcp``: the Bearer token checked as the API checks it, then the SDK.

    Stateless streamable HTTP with JSON answers: each request is complete in itself and
    carries its own token, so no session outlives the request that verified its caller.
    Only POST: the tools never speak first, so there is no server stream to open with GET
    (405, which the protocol allows) and no session to end with DELETE.
    The host is not checked (DNS-rebinding protection): every request needs a valid token.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.datastructures import Headers

        asgi = (scope, receive, send)
        if scope.get("method") != "POST":
            message = f"{scope.get('method')} is not allowed on {scope.get('path')}; use POST"
            refusal = responses.error(405, "method_not_allowed", message, headers={"allow": "POST"})
            await self._answer(refusal, *asgi)
            return
        try:
            authorization = Headers(scope=scope).get("authorization", "")
            identity = authenticate({"headers": {"authorization": authorization}})
        except UnauthorizedError as exc:
            await self._answer(responses.unauthorized(exc.message), *asgi)
            return
        try:
            require_sdk()
        except UnavailableError as exc:
            await self._answer(responses.error(501, "not_implemented", exc.message), *asgi)
            return
        scope[IDENTITY_KEY] = identity
        from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

        # A stateless manager lives for one request: nothing to start with the server.
        manager = StreamableHTTPSessionManager(
            app=_http_server(),
            stateless=True,
            json_response=True,
            max_request_body_size=MAX_REQUEST_BYTES,
        )
        async with manager.run():
            await manager.handle_request(scope, receive, send)

    @staticmethod
    async def _answer(result: dict[str, Any], scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.responses import Response

        headers = {str(k): str(v) for k, v in result["headers"].items()}
        response = Response(result["body"], status_code=result["statusCode"], headers=headers)
        await response(scope, receive, send)
