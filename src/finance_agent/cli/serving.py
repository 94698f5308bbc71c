"""``serve`` and ``mcp``: the API and the tools served from this machine."""

from __future__ import annotations

import argparse

from finance_agent.cli.console import EXIT_FAILURE, PROG, error
from finance_agent.cli.flags import FlagParser, port_flag


def _cmd_serve(args: argparse.Namespace) -> int:
    from finance_agent.adapters.local_server.serve import ListenError, run_server

    try:
        run_server(args.host, args.port)
    except ListenError as exc:
        error(PROG, str(exc))
        return EXIT_FAILURE
    return 0


def _cmd_mcp(args: argparse.Namespace) -> None:
    from finance_agent.adapters.mcp_server import run_stdio

    run_stdio(args.token)


def add_serve(sub: argparse._SubParsersAction[FlagParser]) -> None:
    p = sub.add_parser("serve", help="run the HTTP API on this machine, with demo data")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=port_flag, default=8000, help="port (default 8000; 0: any)")
    p.set_defaults(func=_cmd_serve)


def add_mcp(sub: argparse._SubParsersAction[FlagParser]) -> None:
    p = sub.add_parser("mcp", help="serve the tools to an MCP client over stdio")
    p.add_argument(
        "--token",
        help="a bearer token to act as (default: MCP_TOKEN); without one, read-only tools",
    )
    p.set_defaults(func=_cmd_mcp)
