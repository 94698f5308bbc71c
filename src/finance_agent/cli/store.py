"""``seed`` and ``init-table``: the store made ready, with demo data or a DynamoDB table;
and the configured store as the ledger, for the commands that read or import books."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, cast

from finance_agent.cli.console import PROG, write
from finance_agent.cli.flags import FlagParser, int_flag
from finance_agent.shared.settings import get_settings

if TYPE_CHECKING:
    from finance_agent.domain.ledger.ports import LedgerRepository
    from finance_agent.domain.ports import FinanceRepository


def ledger_store() -> tuple[FinanceRepository, LedgerRepository]:
    """The configured store, as the figures' repository and as the ledger's.

    Both stores (SqliteRepo, DynamoRepo) implement the two protocols; ``get_repo`` is typed
    by the first only.
    """
    from finance_agent.bootstrap import get_repo

    repo = get_repo()
    return repo, cast("LedgerRepository", repo)


def _cmd_seed(args: argparse.Namespace) -> int:
    from finance_agent.tools import seed_data

    argv = ["--seed", str(args.seed)]
    if args.today is not None:
        argv += ["--today", args.today]
    return seed_data.main(argv, prog=f"{PROG} seed", write=write)


def _cmd_init_table(_: argparse.Namespace) -> None:
    from finance_agent.infra.dynamo.repo import DynamoRepo
    from finance_agent.infra.dynamo.table import create_client, ensure_table
    from finance_agent.shared.clock import today

    settings = get_settings()
    client = create_client(
        settings.aws_region, settings.dynamodb_endpoint_url, profile=settings.aws_profile
    )
    created = ensure_table(client, settings.table_name)
    state = "created" if created else "already exists"
    write(f"DynamoDB table {settings.table_name} {state} and is active.")
    # A table made before the ledger: its AR aging becomes opening invoices, once.
    repo = DynamoRepo(settings.table_name, settings.aws_region, client=client)
    converted = repo.convert_ar_aging(today())
    if converted:
        write(f"Converted the AR aging of {converted} customers into opening invoices.")


def add_commands(sub: argparse._SubParsersAction[FlagParser]) -> None:
    p = sub.add_parser("seed", help="write the synthetic demo data set to the store")
    p.add_argument("--seed", type=int_flag, default=42, help="random seed (default 42)")
    # Checked by the seed tool, which names this command in its error lines.
    p.add_argument("--today", help="last day of the sales series, YYYY-MM-DD (default today)")
    p.set_defaults(func=_cmd_seed)

    p = sub.add_parser("init-table", help="create the DynamoDB table if it does not exist")
    p.set_defaults(func=_cmd_init_table)
