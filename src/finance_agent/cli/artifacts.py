"""``package`` and ``openapi``: what a deployment or an agent platform takes."""

from __future__ import annotations

import argparse
import json
import sys

from finance_agent.cli.console import EXIT_FAILURE, write
from finance_agent.cli.flags import FlagParser


def _cmd_package(args: argparse.Namespace) -> None:
    from pathlib import Path

    from finance_agent.packaging import PackagingError, build_artifact, describe

    try:
        artifact = build_artifact(Path(args.output), source_only=args.source_only)
    except PackagingError as exc:
        print(f"finance-agent: error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_FAILURE) from None
    write(describe(artifact))


def _cmd_openapi(args: argparse.Namespace) -> None:
    if args.bedrock:
        from finance_agent.openapi_bedrock import build_bedrock_openapi

        write(json.dumps(build_bedrock_openapi(), indent=2))
        return
    from finance_agent.openapi import build_openapi

    write(json.dumps(build_openapi(), indent=2))


def add_commands(sub: argparse._SubParsersAction[FlagParser]) -> None:
    p = sub.add_parser("package", help="build the AWS Lambda artifact (no SAM, no Docker)")
    p.add_argument(
        "--output",
        default="build/lambda.zip",
        help="the zip to write; its folder (without .zip) is the template's CodeUri "
        "(default build/lambda.zip)",
    )
    p.add_argument(
        "--source-only",
        action="store_true",
        help="only the package and a requirements.txt in the folder, for `sam build`",
    )
    p.set_defaults(func=_cmd_package)

    p = sub.add_parser("openapi", help="print the OpenAPI document of the HTTP API")
    p.add_argument(
        "--bedrock",
        action="store_true",
        help="the Bedrock action group's schema instead: the tool routes, OpenAPI 3.0",
    )
    p.set_defaults(func=_cmd_openapi)
