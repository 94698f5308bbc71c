"""``remind`` and ``actions``: collection reminders recorded, the action log read."""

from __future__ import annotations

import argparse
import getpass
from functools import partial

from finance_agent.cli.console import emit
from finance_agent.cli.flags import FlagParser, int_flag, iso_date, principal, principal_flag

# Who acts when --as is not given and there is no login name: the local server's user.
FALLBACK_USER = "local-user"


def login_name() -> str:
    """Who acts by default: the login name (LOGNAME, USER, LNAME, USERNAME, then the passwd
    entry); FALLBACK_USER when there is none, as for a container's user without an entry."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # KeyError up to Python 3.12, OSError from 3.13
        return FALLBACK_USER


def _cmd_remind(args: argparse.Namespace) -> None:
    from finance_agent.bootstrap import get_repo
    from finance_agent.cli.tables import render_action
    from finance_agent.domain.usecases import CreateCollectionReminderUC

    # --as was checked as it was parsed; the login name by the same rule.
    who = args.performed_by if args.performed_by is not None else principal(login_name())
    outcome = CreateCollectionReminderUC(get_repo()).execute(
        customer_id=args.customer_id,
        performed_by=who,
        invoice_id=args.invoice_id,
        remind_date=args.remind_date,
    )
    emit(outcome.action, args.json, partial(render_action, outcome.action, outcome.created))


def _cmd_actions(args: argparse.Namespace) -> None:
    from finance_agent.bootstrap import get_repo
    from finance_agent.cli.tables import render_actions
    from finance_agent.domain.usecases import ListActionsUC

    result = ListActionsUC(get_repo()).execute(limit=args.limit, next_token=args.next_token)
    emit(result, args.json, partial(render_actions, result))


def add_commands(sub: argparse._SubParsersAction[FlagParser], json_flag: FlagParser) -> None:
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
