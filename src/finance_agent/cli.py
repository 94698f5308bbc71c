"""The ``finance-agent`` command: the use cases from a terminal, seeding and store setup."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from functools import partial

from pydantic import BaseModel

from finance_agent.cli_flags import (
    FlagParser,
    UsageError,
    float_flag,
    int_flag,
    iso_date,
    period_flag,
    port_flag,
    principal,
    principal_flag,
)
from finance_agent.domain.analytics import ANOMALY_METHODS, FORECAST_METHODS
from finance_agent.domain.errors import DomainError, ValidationError
from finance_agent.shared.log import configure_logging
from finance_agent.shared.settings import SettingsError, get_settings

# Domain field names as the flags that carry them, so an error names what the user typed.
FLAG_OF_FIELD = {
    "period": "--period",
    "horizon": "--horizon",
    "threshold": "--threshold",
    "limit": "--limit",
    "next_token": "--next-token",
    "customer_id": "--customer-id",
    "invoice_id": "--invoice-id",
    "remind_date": "--remind-date",
    "performed_by": "--as",
    "method": "--method",
}
EXIT_FAILURE = 1
EXIT_USAGE = 2
# What a program stopped by SIGPIPE reports (128 + 13), as `yes | head` does under pipefail.
EXIT_BROKEN_PIPE = 141
# Who acts when --as is not given and there is no login name: the local server's user.
FALLBACK_USER = "local-user"
PROG = "finance-agent"


class OutputError(Exception):
    """stdout refused the result (a full disk, a closed file); not the reader leaving."""


def _write(text: str = "", *, flush: bool = False) -> None:
    try:
        print(text, end="\n" if text else "", flush=flush)
    except BrokenPipeError:
        raise  # the reader stopped early, as `head` does: main ends quietly
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from exc


def _stdout_to_devnull() -> None:
    """Point stdout at /dev/null, as the Python docs advise after a broken pipe: the exit's
    own flush of what is still buffered then succeeds instead of printing a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind stdout (captured): nothing to flush
        pass


def _emit(model: BaseModel, as_json: bool, render: Callable[[], str]) -> None:
    _write(model.model_dump_json(indent=2) if as_json else render())


def _cmd_kpis(args: argparse.Namespace) -> None:
    from finance_agent.bootstrap import get_repo
    from finance_agent.cli_output import render_kpis_report
    from finance_agent.domain.usecases import GetKPIsUC

    result = GetKPIsUC(get_repo()).execute(period=args.period)
    _emit(result, args.json, partial(render_kpis_report, result))


def _cmd_forecast(args: argparse.Namespace) -> None:
    from finance_agent.bootstrap import get_repo
    from finance_agent.cli_output import render_forecast
    from finance_agent.domain.usecases import CashflowForecastUC

    result = CashflowForecastUC(get_repo()).execute(horizon_days=args.horizon, method=args.method)
    _emit(result, args.json, partial(render_forecast, result))


def _cmd_anomalies(args: argparse.Namespace) -> None:
    from finance_agent.bootstrap import get_repo
    from finance_agent.cli_output import render_anomalies
    from finance_agent.domain.usecases import DetectAnomaliesUC

    uc = DetectAnomaliesUC(get_repo(), threshold=args.threshold, method=args.method)
    result = uc.execute(period=args.period)
    _emit(result, args.json, partial(render_anomalies, result))


def _cmd_remind(args: argparse.Namespace) -> None:
    from finance_agent.bootstrap import get_repo
    from finance_agent.cli_output import render_action
    from finance_agent.domain.usecases import CreateCollectionReminderUC

    # --as was checked as it was parsed; the login name by the same rule.
    who = args.performed_by if args.performed_by is not None else principal(login_name())
    outcome = CreateCollectionReminderUC(get_repo()).execute(
        customer_id=args.customer_id,
        performed_by=who,
        invoice_id=args.invoice_id,
        remind_date=args.remind_date,
    )
    _emit(outcome.action, args.json, partial(render_action, outcome.action, outcome.created))


def login_name() -> str:
    """Who acts by default: the login name (LOGNAME, USER, LNAME, USERNAME, then the passwd
    entry); FALLBACK_USER when there is none, as for a container's user without an entry."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # KeyError up to Python 3.12, OSError from 3.13
        return FALLBACK_USER


def _cmd_actions(args: argparse.Namespace) -> None:
    from finance_agent.bootstrap import get_repo
    from finance_agent.cli_output import render_actions
    from finance_agent.domain.usecases import ListActionsUC

    result = ListActionsUC(get_repo()).execute(limit=args.limit, next_token=args.next_token)
    _emit(result, args.json, partial(render_actions, result))


def _cmd_seed(args: argparse.Namespace) -> int:
    from finance_agent.tools import seed_data

    argv = ["--seed", str(args.seed)]
    if args.today is not None:
        argv += ["--today", args.today]
    return seed_data.main(argv, prog=f"{PROG} seed", write=_write)


def _cmd_init_table(_: argparse.Namespace) -> None:
    from finance_agent.infra.dynamo_repo import DynamoRepo
    from finance_agent.infra.dynamo_table import create_client, ensure_table
    from finance_agent.shared.clock import today

    settings = get_settings()
    client = create_client(
        settings.aws_region, settings.dynamodb_endpoint_url, profile=settings.aws_profile
    )
    created = ensure_table(client, settings.table_name)
    state = "created" if created else "already exists"
    _write(f"DynamoDB table {settings.table_name} {state} and is active.")
    # A table made before the ledger: its AR aging becomes opening invoices, once.
    repo = DynamoRepo(settings.table_name, settings.aws_region, client=client)
    converted = repo.convert_ar_aging(today())
    if converted:
        _write(f"Converted the AR aging of {converted} customers into opening invoices.")


def _cmd_serve(args: argparse.Namespace) -> int:
    from finance_agent.adapters.local_server.serve import ListenError, run_server

    try:
        run_server(args.host, args.port)
    except ListenError as exc:
        _error(PROG, str(exc))
        return EXIT_FAILURE
    return 0


def _cmd_package(args: argparse.Namespace) -> None:
    from pathlib import Path

    from finance_agent.packaging import PackagingError, build_artifact, describe

    try:
        artifact = build_artifact(Path(args.output), source_only=args.source_only)
    except PackagingError as exc:
        print(f"finance-agent: error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_FAILURE) from None
    _write(describe(artifact))


def _cmd_openapi(args: argparse.Namespace) -> None:
    if args.bedrock:
        from finance_agent.openapi_bedrock import build_bedrock_openapi

        _write(json.dumps(build_bedrock_openapi(), indent=2))
        return
    from finance_agent.openapi import build_openapi

    _write(json.dumps(build_openapi(), indent=2))


def _cmd_mcp(args: argparse.Namespace) -> None:
    from finance_agent.adapters.mcp_server import run_stdio

    run_stdio(args.token)


def build_parser() -> FlagParser:
    parser = FlagParser(
        prog=PROG,
        description="Finance KPIs, cash-flow outlook, sales anomalies and collection actions.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=FlagParser)
    json_flag = FlagParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="print the API's JSON")

    p = sub.add_parser("kpis", parents=[json_flag], help="revenue, margin and receivables")
    p.add_argument(
        "--period",
        type=period_flag,
        default="last_30d",
        help="last_<N>d, N 1-365 (default last_30d)",
    )
    p.set_defaults(func=_cmd_kpis)

    p = sub.add_parser("forecast", parents=[json_flag], help="cash-flow forecast")
    p.add_argument("--horizon", type=int_flag, default=30, help="days ahead, 1-365 (default 30)")
    p.add_argument(
        "--method",
        choices=FORECAST_METHODS,
        help="sma, seasonal_naive, holt_winters or auto (default: FORECAST_METHOD, sma)",
    )
    p.set_defaults(func=_cmd_forecast)

    p = sub.add_parser("anomalies", parents=[json_flag], help="unusual sales days")
    p.add_argument(
        "--period",
        type=period_flag,
        default="last_60d",
        help="last_<N>d, N 1-365 (default last_60d)",
    )
    p.add_argument(
        "--threshold", type=float_flag, help="|score| to flag (default 2 for zscore, 3.5 robust)"
    )
    p.add_argument(
        "--method",
        choices=ANOMALY_METHODS,
        help="zscore or robust (default: ANOMALY_METHOD, zscore)",
    )
    p.set_defaults(func=_cmd_anomalies)

    p = sub.add_parser("remind", parents=[json_flag], help="record a collection reminder")
    p.add_argument("--customer-id", required=True)
    p.add_argument("--invoice-id")
    p.add_argument(
        "--remind-date", type=iso_date, help="YYYY-MM-DD, today to a year ahead (default today)"
    )
    p.add_argument(
        "--as",
        dest="performed_by",
        type=principal_flag,
        help=f"who acts (default: your login name, or {FALLBACK_USER} when it is unknown)",
    )
    p.set_defaults(func=_cmd_remind)

    p = sub.add_parser("actions", parents=[json_flag], help="recent actions, newest first")
    p.add_argument("--limit", type=int_flag, default=50, help="1-100 (default 50)")
    p.add_argument("--next-token", help="continue after the previous page")
    p.set_defaults(func=_cmd_actions)

    p = sub.add_parser("seed", help="write the synthetic demo data set to the store")
    p.add_argument("--seed", type=int_flag, default=42, help="random seed (default 42)")
    # Checked by the seed tool, which names this command in its error lines.
    p.add_argument("--today", help="last day of the sales series, YYYY-MM-DD (default today)")
    p.set_defaults(func=_cmd_seed)

    p = sub.add_parser("init-table", help="create the DynamoDB table if it does not exist")
    p.set_defaults(func=_cmd_init_table)

    p = sub.add_parser("serve", help="run the HTTP API on this machine, with demo data")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=port_flag, default=8000, help="port (default 8000; 0: any)")
    p.set_defaults(func=_cmd_serve)

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

    p = sub.add_parser("mcp", help="serve the tools to an MCP client over stdio")
    p.add_argument(
        "--token",
        help="a bearer token to act as (default: MCP_TOKEN); without one, read-only tools",
    )
    p.set_defaults(func=_cmd_mcp)
    return parser


def _error(prog: str, message: str) -> None:
    print(f"{prog}: error: {message}", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    """The command, its domain errors mapped to exit codes; usage errors name the flag."""
    command = f"{PROG} {args.command}"
    try:
        get_settings()
        code: int | None = args.func(args)  # None, or the exit status the command chose
    except SettingsError as exc:
        _error(PROG, str(exc))
        return EXIT_USAGE
    except ValidationError as exc:
        flags = ", ".join(FLAG_OF_FIELD.get(i.field, i.field) for i in exc.issues)
        _error(command, f"{flags}: {exc.rule}")
        return EXIT_USAGE
    except DomainError as exc:
        _error(PROG, exc.message)
        return EXIT_FAILURE
    return code or 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_flags(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(exc.line, file=sys.stderr)
        return EXIT_USAGE
    # stdout carries results (and --json); logs go to stderr so they never mix.
    configure_logging(stream="stderr")
    try:
        code = _run(args)
        _write(flush=True)  # a full disk shows here, while the error can still be told
    except BrokenPipeError:
        _stdout_to_devnull()
        return EXIT_BROKEN_PIPE
    except OutputError as exc:
        _stdout_to_devnull()
        _error(PROG, f"cannot write output: {exc}")
        return EXIT_FAILURE
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
