"""Every function's permissions, read from its role: what it needs and nothing wider.

Read routes may only GetItem, BatchGetItem and Query (the table and its indexes); the
reminder route may also write actions and Idempotency-Key records, and note on each invoice
a reminder names the day it was named (``REMINDER#``, UpdateItem only); the chat may write
those and its history and call the configured Bedrock agent or model. No wildcard action,
no wildcard resource on the table, no Scan anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from finance_agent.infra import dynamo
from finance_agent.infra.dynamo import table as dynamo_table
from finance_agent.routes import ROUTES

from .cfn import as_list, branches, functions, load_template

TEMPLATE = load_template()
TABLE_ARN = {"Fn::GetAtt": ["Table", "Arn"]}
# Every function reads invoices (aging, KPIs, reminders, the chat, the action group), so
# each may query every index of the table: no more, no fewer.
INDEX_ARNS = tuple(
    {"Fn::Sub": f"${{Table.Arn}}/index/{index['IndexName']}"}
    for index in dynamo_table.GLOBAL_SECONDARY_INDEXES
)
READS = {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"}
ITEM_WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
# Partition-key prefixes each kind of function may write (the *_pk functions in infra/dynamo/).
ACTIONS = {"ACTION#*", "IDEMP#*", "REMINDER#*"}
WRITES_ALLOWED: dict[str, set[str]] = {
    "create_collection_reminder": ACTIONS,
    "agent_chat": ACTIONS | {"CHAT#*"},
    "action_group": ACTIONS,
}
BEDROCK_ALLOWED = {
    "agent_chat": {"bedrock:InvokeAgent", "bedrock:InvokeModel", "bedrock:ApplyGuardrail"}
}
# Written only by `finance-agent seed`, with the operator's own credentials.
SEED_ONLY = {"BatchWriteItem"}


@dataclass(frozen=True)
class Statement:
    actions: tuple[str, ...]
    resources: tuple[Any, ...]
    condition: dict[str, Any]
    raw: dict[str, Any]


def _statements(role: dict[str, Any]) -> list[Statement]:
    """Every statement of the role, with both sides of each condition (the widest case)."""
    props = role["Properties"]
    assert not props.get("ManagedPolicyArns"), "managed policies are not reviewed here"
    found = []
    for policy in as_list(props.get("Policies", [])):
        for statement in as_list(policy["PolicyDocument"]["Statement"]):
            assert statement["Effect"] == "Allow"
            assert not {"NotAction", "NotResource", "NotPrincipal"} & set(statement)
            found.append(
                Statement(
                    actions=tuple(as_list(statement["Action"])),
                    resources=tuple(as_list(statement["Resource"])),
                    condition=statement.get("Condition", {}),
                    raw=statement,
                )
            )
    return found


def _kind(function: dict[str, Any]) -> str:
    handler = function["Properties"]["Handler"]
    if handler == "finance_agent.adapters.action_group.handler":
        return "action_group"
    return next(route.operation_id for route in ROUTES if route.handler == handler)


def _role(function: dict[str, Any]) -> dict[str, Any]:
    role = function["Properties"]["Role"]
    assert set(role) == {"Fn::GetAtt"}
    assert role["Fn::GetAtt"][1] == "Arn"
    assert "Policies" not in function["Properties"], "permissions live in the role only"
    resource: dict[str, Any] = TEMPLATE["Resources"][role["Fn::GetAtt"][0]]
    assert resource["Type"] == "AWS::IAM::Role"
    return resource


FUNCTIONS = {_kind(function): function for function in functions(TEMPLATE).values()}


def _is_table(resource: Any) -> bool:
    text = str(resource)
    return "Table" in text or "dynamodb" in text


@pytest.mark.parametrize("kind", sorted(FUNCTIONS))
def test_no_function_may_use_a_wildcard_action_or_scan(kind: str) -> None:
    for statement in _statements(_role(FUNCTIONS[kind])):
        for action in statement.actions:
            assert isinstance(action, str), statement.raw
            assert "*" not in action, statement.raw
            assert action.lower() != "dynamodb:scan", statement.raw
            assert not action.lower().startswith("dynamodb:partiql"), statement.raw


@pytest.mark.parametrize("kind", sorted(FUNCTIONS))
def test_table_permissions_name_the_table_or_its_index_never_a_wildcard(kind: str) -> None:
    for statement in _statements(_role(FUNCTIONS[kind])):
        if any(action.startswith("dynamodb:") for action in statement.actions):
            assert all(r in (TABLE_ARN, *INDEX_ARNS) for r in statement.resources), statement.raw
        else:
            assert not any(_is_table(r) for r in statement.resources), statement.raw


@pytest.mark.parametrize("kind", sorted(FUNCTIONS))
def test_each_function_has_only_the_table_access_its_work_needs(kind: str) -> None:
    granted = set()
    for statement in _statements(_role(FUNCTIONS[kind])):
        for action in statement.actions:
            if not action.startswith("dynamodb:"):
                continue
            granted.add(action)
            if action in READS:
                if action == "dynamodb:Query":
                    assert statement.resources == INDEX_ARNS, "queries go through the indexes"
                continue
            assert action in ITEM_WRITES, f"{kind} may not {action}"
            assert kind in WRITES_ALLOWED, f"{kind} is read-only but may {action}"
            assert statement.resources == (TABLE_ARN,)
            prefixes = statement.condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
            assert set(prefixes) <= WRITES_ALLOWED[kind], statement.raw
            assert set(statement.condition) == {"ForAllValues:StringLike"}
    # Every function reads, the ledger's records by key in batches too.
    assert {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"} <= granted
    if kind in WRITES_ALLOWED:
        assert granted >= ITEM_WRITES  # actions and the Idempotency-Key records


def test_only_idempotency_records_may_be_updated_or_deleted_and_reminder_notes_updated() -> None:
    noted = set()
    for kind, function in FUNCTIONS.items():
        for statement in _statements(_role(function)):
            if not {"dynamodb:UpdateItem", "dynamodb:DeleteItem"} & set(statement.actions):
                continue
            prefixes = statement.condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
            if prefixes == ["REMINDER#*"]:
                # Adding a day to an invoice's reminder note: never deleting, never a put.
                assert statement.actions == ("dynamodb:UpdateItem",), f"{kind}: {statement.raw}"
                noted.add(kind)
            else:
                assert prefixes == ["IDEMP#*"], f"{kind}: {statement.raw}"
    # Every function that records reminders notes them on the invoices it names.
    assert noted == set(WRITES_ALLOWED)


@pytest.mark.parametrize("kind", sorted(FUNCTIONS))
def test_only_the_chat_calls_bedrock_and_only_what_is_configured(kind: str) -> None:
    role = _role(FUNCTIONS[kind])
    for policy_entry in role["Properties"]["Policies"]:
        policies = list(branches(policy_entry))
        is_conditional = "Fn::If" in policy_entry
        for policy in policies:
            for statement in as_list(policy["PolicyDocument"]["Statement"]):
                actions = as_list(statement["Action"])
                bedrock = {a for a in actions if a.startswith("bedrock:")}
                if not bedrock:
                    continue
                assert bedrock <= BEDROCK_ALLOWED.get(kind, set()), f"{kind}: {bedrock}"
                # Granted only when an agent, a model or a guardrail is configured.
                assert is_conditional
                assert policy_entry["Fn::If"][0] in {"HasAgent", "UseModel", "UseGuardrail"}
                for resource in as_list(statement["Resource"]):
                    arn = resource["Fn::Sub"]
                    if "*" in arn:  # a cross-Region profile's models: via that profile only
                        profile = statement["Condition"]["StringEquals"]
                        assert profile["bedrock:InferenceProfileArn"]["Fn::Sub"].endswith(
                            ":inference-profile/${BedrockModelId}"
                        )
                    else:
                        assert re.search(r"/\$\{(AgentId|BedrockModelId|GuardrailId)\}", arn), arn


def test_the_chat_role_names_the_agent_alias_model_and_guardrail_configured() -> None:
    text = str(_role(FUNCTIONS["agent_chat"]))
    assert "agent-alias/${AgentId}/${AgentAliasId}" in text
    assert "foundation-model/${BedrockModelId}" in text
    assert "inference-profile/${BedrockModelId}" in text
    assert "guardrail/${GuardrailId}" in text


@pytest.mark.parametrize("kind", sorted(FUNCTIONS))
def test_each_function_writes_logs_only_to_its_own_log_group(kind: str) -> None:
    function = FUNCTIONS[kind]
    own = {"Fn::GetAtt": [function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"], "Arn"]}
    sharing = [
        other
        for other in FUNCTIONS.values()
        if other["Properties"]["Role"] == function["Properties"]["Role"]
    ]
    allowed = [
        {"Fn::GetAtt": [other["Properties"]["LoggingConfig"]["LogGroup"]["Ref"], "Arn"]}
        for other in sharing
    ]
    log_resources = []
    for statement in _statements(_role(function)):
        if any(action.startswith("logs:") for action in statement.actions):
            assert set(statement.actions) == {"logs:CreateLogStream", "logs:PutLogEvents"}
            log_resources.extend(statement.resources)
    assert own in log_resources
    assert all(resource in allowed for resource in log_resources)


def test_read_routes_share_a_role_with_no_write_and_no_other_function() -> None:
    read_kinds = {route.operation_id for route in ROUTES if route.method == "GET"}
    roles = {str(FUNCTIONS[kind]["Properties"]["Role"]) for kind in read_kinds}
    assert len(roles) == 1
    writers = {str(FUNCTIONS[kind]["Properties"]["Role"]) for kind in WRITES_ALLOWED}
    assert not roles & writers


def test_every_operation_the_store_makes_is_granted_or_is_the_seed_tools() -> None:
    # The store is the modules of infra/dynamo/ it is composed of.
    store = sorted(Path(dynamo.__file__).parent.glob("*.py"))
    source = "".join(path.read_text(encoding="utf-8") for path in store)
    used = set(re.findall(r'self\._call\(\s*"(\w+)"', source))
    assert {"GetItem", "Query", "PutItem"} <= used
    granted = {
        action.removeprefix("dynamodb:")
        for function in FUNCTIONS.values()
        for statement in _statements(_role(function))
        for action in statement.actions
    }
    assert used - SEED_ONLY <= granted, used - SEED_ONLY - granted


def test_read_only_functions_cannot_read_chats_or_stored_responses() -> None:
    read_only = [kind for kind in FUNCTIONS if kind not in WRITES_ALLOWED and kind != "agent_chat"]
    assert read_only
    for kind in read_only:
        for statement in _statements(_role(FUNCTIONS[kind])):
            if not {"dynamodb:GetItem", "dynamodb:BatchGetItem"} & set(statement.actions):
                continue
            prefixes = statement.condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
            assert not {"CHAT#*", "IDEMP#*", "*"} & set(prefixes), f"{kind}: {statement.raw}"
            # ... and can read the ledger the aging and KPIs come from.
            assert {"CUSTOMER#*", "INVOICE#*", "LEDGER#*", "REMINDER#*"} <= set(prefixes), kind
