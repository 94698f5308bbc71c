"""``kpis``, ``forecast`` and ``anomalies``: the figures the business runs on."""

from __future__ import annotations

import argparse
from functools import partial

from finance_agent.cli.console import emit
from finance_agent.cli.flags import FlagParser, float_flag, int_flag, period_flag
from finance_agent.domain.analytics import ANOMALY_METHODS, FORECAST_METHODS


def _cmd_kpis(args: argparse.Namespace) -> None:
    from finance_agent.bootstrap import get_repo
    from finance_agent.cli.tables import render_kpis_report
    from finance_agent.domain.usecases import GetKPIsUC

    result = GetKPIsUC(get_repo()).execute(period=args.period)
    emit(result, args.json, partial(render_kpis_report, result))


def _cmd_forecast(args: argparse.Namespace) -> None:
    from finance_agent.bootstrap import get_repo
    from finance_agent.cli.tables import render_forecast
    from finance_agent.domain.usecases import CashflowForecastUC

    result = CashflowForecastUC(get_repo()).execute(horizon_days=args.horizon, method=args.method)
    emit(result, args.json, partial(render_forecast, result))


def _cmd_anomalies(args: argparse.Namespace) -> None:
    from finance_agent.bootstrap import get_repo
    from finance_agent.cli.tables import render_anomalies
    from finance_agent.domain.usecases import DetectAnomaliesUC

    uc = DetectAnomaliesUC(get_repo(), threshold=args.threshold, method=args.method)
    result = uc.execute(period=args.period)
    emit(result, args.json, partial(render_anomalies, result))


def add_commands(sub: argparse._SubParsersAction[FlagParser], json_flag: FlagParser) -> None:
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
