"""The local assistant's answers about the actions recorded so far: the latest, or one
customer's ("did we remind CUST004?")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from finance_agent.adapters.chat.local import intents
from finance_agent.adapters.chat.local.format import LISTED
from finance_agent.adapters.chat.local.requests import named_customer_id
from finance_agent.adapters.chat.local.tools import Ask


def actions(ask: Ask) -> str:
    if (named := named_customer_id(ask.request.message)) is not None:
        return _actions_for(ask, named)
    limit = min(max(intents.actions_limit(ask.text), 1), 100)
    page = ask.tools.call("list_actions", limit=limit)
    items = page["items"]
    if not items:
        return "No action has been recorded yet."
    lines = [_describe_action(item) for item in items]
    head = "The most recent action" if len(items) == 1 else f"The {len(items)} most recent actions"
    return f"{head}, newest first:\n" + "\n".join(f"- {line}" for line in lines)


def _actions_for(ask: Ask, customer_id: str) -> str:
    """ "Did we remind CUST004?": that customer's actions among the latest 100."""
    page = ask.tools.call("list_actions", limit=100)
    items = page["items"]
    mine = [i for i in items if (i.get("payload") or {}).get("customer_id") == customer_id]
    among = f"the latest {len(items)}" if page.get("next_token") else f"all {len(items)}"
    if not mine:
        return f"No action is recorded for {customer_id}, among {among} actions."
    lines = "\n".join(f"- {_describe_action(item)}" for item in mine[:LISTED])
    more = f"\n(and {len(mine) - LISTED} more)" if len(mine) > LISTED else ""
    return f"Actions for {customer_id} among {among} actions, newest first:\n{lines}{more}"


def _describe_action(item: Mapping[str, Any]) -> str:
    payload = item.get("payload") or {}
    when = str(item["created_at"])[:10]
    what = str(item["action"]).replace("_", " ")
    if payload.get("customer_id"):
        what += f" for {payload.get('customer_name') or 'customer'} ({payload['customer_id']})"
    if payload.get("invoice_id"):
        what += f", invoice {payload['invoice_id']}"
    if payload.get("remind_date"):
        what += f", reminding on {payload['remind_date']}"
    return f"{when}: {what}, by {item['performed_by']} ({item['status']})"
