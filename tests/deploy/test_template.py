"""template.yaml: cfn-lint clean, and built from the same sources as the code it deploys.

The route table (routes.py), the table definition (infra/dynamo_table.py), the settings
(shared/settings.py) and the CORS headers (shared/responses.py) are the truth; the template
must agree with them both ways.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from finance_agent.cli import build_parser
from finance_agent.infra import dynamo_table
from finance_agent.routes import ROUTES, Route
from finance_agent.shared import responses
from finance_agent.shared.settings import Settings

from .cfn import TEMPLATE, functions, load_template, parameter_default, resources

ACTION_GROUP_HANDLER = "finance_agent.adapters.action_group.handler"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def api_events(function: dict[str, Any]) -> list[dict[str, Any]]:
    events = function["Properties"].get("Events") or {}
    return [e["Properties"] for e in events.values() if e["Type"] == "HttpApi"]


def function_of(template: dict[str, Any], route: Route) -> tuple[str, dict[str, Any]]:
    found = [
        (name, function)
        for name, function in functions(template).items()
        for event in api_events(function)
        if (event["Method"], event["Path"]) == (route.method, route.path)
    ]
    assert len(found) == 1, f"{route.route_key}: {len(found)} functions in the template"
    return found[0]


# -- cfn-lint --------------------------------------------------------------------------------------


def test_cfn_lint_finds_no_error_or_warning_in_the_template() -> None:
    from cfnlint.api import lint_file

    matches = lint_file(TEMPLATE)
    assert not matches, "\n".join(str(match) for match in matches)


# -- the route table, both ways --------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.operation_id)
def test_every_route_has_its_function_with_the_route_tables_handler(
    template: dict[str, Any], route: Route
) -> None:
    _, function = function_of(template, route)
    assert function["Properties"]["Handler"] == route.handler


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.operation_id)
def test_every_route_requires_exactly_the_route_tables_scope(
    template: dict[str, Any], route: Route
) -> None:
    _, function = function_of(template, route)
    (event,) = api_events(function)
    assert event["ApiId"] == {"Ref": "HttpApi"}  # behind the API and its JWT authorizer
    auth = event.get("Auth") or {}
    assert "Authorizer" not in auth, "no route may leave the default JWT authorizer"
    scopes = [parameter_default(template, s) for s in auth.get("AuthorizationScopes", [])]
    assert scopes == ([route.scope] if route.scope else [])


def test_the_scope_parameter_takes_the_scope_alone_or_behind_a_resource_server(
    template: dict[str, Any],
) -> None:
    scoped = {route.scope for route in ROUTES if route.scope}
    assert scoped == {"agent:actions"}
    pattern = template["Parameters"]["ActionsScope"]["AllowedPattern"]
    assert re.fullmatch(pattern, "agent:actions")
    assert re.fullmatch(pattern, "finance-agent/agent:actions")  # Cognito's form
    for other in ("agent:actions:read", "read agent:actions", "agent:actionsX", "*"):
        assert not re.fullmatch(pattern, other)


def test_the_template_has_no_route_the_route_table_lacks(template: dict[str, Any]) -> None:
    table = {route.route_key for route in ROUTES}
    deployed = [
        f"{event['Method']} {event['Path']}"
        for function in functions(template).values()
        for event in api_events(function)
    ]
    assert sorted(deployed) == sorted(table)
    events = [
        event
        for function in functions(template).values()
        for event in (function["Properties"].get("Events") or {}).values()
    ]
    assert all(event["Type"] == "HttpApi" for event in events)


def test_every_function_is_a_route_or_the_action_group(template: dict[str, Any]) -> None:
    handlers = sorted(f["Properties"]["Handler"] for f in functions(template).values())
    assert handlers == sorted([route.handler for route in ROUTES] + [ACTION_GROUP_HANDLER])


def test_every_handler_in_the_template_can_be_imported() -> None:
    for function in functions(load_template()).values():
        module, _, attribute = function["Properties"]["Handler"].rpartition(".")
        assert callable(getattr(importlib.import_module(module), attribute))


def test_the_action_group_function_and_its_permission_are_optional_and_scoped(
    template: dict[str, Any],
) -> None:
    (name,) = [
        name
        for name, function in functions(template).items()
        if function["Properties"]["Handler"] == ACTION_GROUP_HANDLER
    ]
    assert template["Resources"][name]["Condition"] == "ActionGroupEnabled"
    (permission,) = resources(template, "AWS::Lambda::Permission").values()
    assert permission["Condition"] == "ActionGroupEnabled"
    props = permission["Properties"]
    assert props["FunctionName"] == {"Fn::GetAtt": [name, "Arn"]}
    assert props["Principal"] == "bedrock.amazonaws.com"
    assert props["SourceAccount"] == {"Ref": "AWS::AccountId"}
    condition, agent_arn, otherwise = props["SourceArn"]["Fn::If"]
    assert condition == "HasAgentId"
    assert agent_arn["Fn::Sub"].endswith(":agent/${AgentId}")
    assert otherwise == {"Ref": "AWS::NoValue"}


# -- functions: runtime, settings, logs ------------------------------------------------------------


def test_functions_run_python_3_12_on_arm64_from_the_packaged_folder(
    template: dict[str, Any],
) -> None:
    defaults = template["Globals"]["Function"]
    assert defaults["Runtime"] == "python3.12"
    assert defaults["Architectures"] == ["arm64"]
    # `finance-agent package` fills the folder named as its zip without ".zip".
    default_zip = Path(build_parser().parse_args(["package"]).output)
    assert defaults["CodeUri"] == default_zip.with_suffix("").as_posix()
    for function in functions(template).values():
        overridden = {"Runtime", "Architectures", "CodeUri"} & set(function["Properties"])
        assert not overridden


def test_env_is_pinned_to_prod_and_every_variable_is_a_setting(
    template: dict[str, Any],
) -> None:
    assert template["Globals"]["Function"]["Environment"]["Variables"]["ENV"] == "prod"
    settings = {name.upper() for name in Settings.model_fields}
    everywhere = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    for function in functions(template).values():
        own = function["Properties"].get("Environment", {}).get("Variables", {})
        assert "ENV" not in own
        everywhere.update(own)
    assert set(everywhere) <= settings, set(everywhere) - settings


def test_the_chat_function_gets_every_bedrock_setting_and_the_time_it_needs(
    template: dict[str, Any],
) -> None:
    _, chat = function_of(template, next(r for r in ROUTES if r.operation_id == "agent_chat"))
    variables = chat["Properties"]["Environment"]["Variables"]
    assert {
        "AGENT_ID",
        "AGENT_ALIAS_ID",
        "BEDROCK_MODEL_ID",
        "BEDROCK_GUARDRAIL_ID",
        "BEDROCK_GUARDRAIL_VERSION",
        "CHAT_MAX_OUTPUT_TOKENS",
        "SESSION_SIGNING_SECRET",
    } <= set(variables)
    # Its answer is read within 26 s; API Gateway ends a request at 30 s.
    assert 29 <= chat["Properties"]["Timeout"] <= 30
    assert template["Parameters"]["SessionSigningSecret"]["NoEcho"] is True


def test_every_function_logs_to_its_own_group_with_the_retention_parameter(
    template: dict[str, Any],
) -> None:
    groups = resources(template, "AWS::Logs::LogGroup")
    seen = set()
    for name, function in functions(template).items():
        group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert group not in seen, f"{name} shares a log group"
        seen.add(group)
        assert groups[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        assert groups[group].get("Condition") == template["Resources"][name].get("Condition")
    assert template["Globals"]["Function"]["Tracing"] == {
        "Fn::If": ["XRayEnabled", "Active", "PassThrough"]
    }


# -- the API ---------------------------------------------------------------------------------------


def test_the_api_verifies_jwts_from_the_configured_issuer_and_audience(
    template: dict[str, Any],
) -> None:
    auth = template["Resources"]["HttpApi"]["Properties"]["Auth"]
    assert auth["DefaultAuthorizer"] == "JwtAuthorizer"
    authorizer = auth["Authorizers"]["JwtAuthorizer"]
    assert authorizer["IdentitySource"] == "$request.header.Authorization"
    assert authorizer["JwtConfiguration"] == {
        "issuer": {"Ref": "JwtIssuer"},
        "audience": {"Ref": "JwtAudience"},
    }


def test_cors_on_the_api_matches_what_the_local_server_sends(template: dict[str, Any]) -> None:
    cors = template["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"]
    condition, any_origin, listed = cors["Fn::If"]
    assert template["Conditions"][condition] == {"Fn::Equals": [{"Ref": "CorsAllowOrigins"}, "*"]}
    assert any_origin["AllowOrigins"] == ["*"]
    assert listed["AllowOrigins"] == {"Fn::Split": [",", {"Ref": "CorsAllowOrigins"}]}
    sent = responses.cors_headers()
    for branch in (any_origin, listed):
        assert branch["AllowHeaders"] == sent["access-control-allow-headers"].split(",")
        assert branch["AllowMethods"] == sent["access-control-allow-methods"].split(",")
        assert branch["ExposeHeaders"] == sent["access-control-expose-headers"].split(",")
        assert branch["MaxAge"] == int(sent["access-control-max-age"])
        assert branch["AllowCredentials"] is False
    assert "Idempotency-Key" in any_origin["AllowHeaders"]
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["CORS_ALLOW_ORIGINS"] == {"Ref": "CorsAllowOrigins"}
    default = template["Parameters"]["CorsAllowOrigins"]["Default"]
    assert default == Settings.model_fields["cors_allow_origins"].default
    pattern = template["Parameters"]["CorsAllowOrigins"]["AllowedPattern"]
    assert re.fullmatch(pattern, "https://a.example.com,http://localhost:8000")
    assert not re.fullmatch(pattern, "https://a.example.com, https://b.example.com")


def test_every_route_is_throttled_by_default(template: dict[str, Any]) -> None:
    props = template["Resources"]["HttpApi"]["Properties"]
    assert props["DefaultRouteSettings"] == {
        "ThrottlingBurstLimit": {"Ref": "ThrottlingBurst"},
        "ThrottlingRateLimit": {"Ref": "ThrottlingRate"},
    }
    chat = next(route for route in ROUTES if route.operation_id == "agent_chat")
    assert set(props["RouteSettings"]) == {chat.route_key}


def test_outputs_give_the_api_url_and_the_table_name(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert outputs["ApiUrl"]["Value"]["Fn::Sub"].startswith("https://${HttpApi}.execute-api.")
    assert outputs["TableName"]["Value"] == {"Ref": "Table"}


# -- the table -------------------------------------------------------------------------------------


def _with(value: Any, conditions: dict[str, bool]) -> Any:
    """``value`` as CloudFormation resolves it when ``conditions`` hold as given."""
    if isinstance(value, dict) and set(value) == {"Fn::If"}:
        condition, when_true, when_false = value["Fn::If"]
        return _with(when_true if conditions[condition] else when_false, conditions)
    if isinstance(value, list):
        resolved = (_with(item, conditions) for item in value)
        return [item for item in resolved if item != {"Ref": "AWS::NoValue"}]
    if isinstance(value, dict):
        return {key: _with(item, conditions) for key, item in value.items()}
    return value


def test_the_table_is_the_one_init_table_creates(template: dict[str, Any]) -> None:
    (table,) = resources(template, "AWS::DynamoDB::Table").values()
    props = _with(table["Properties"], {"HasGsi3": True, "ProtectTable": True})
    expected = dynamo_table.table_definition("unused")
    del expected["TableName"]
    assert {key: props[key] for key in expected} == expected
    assert parameter_default(template, {"Ref": "LedgerIndexes"}) == "gsi2-and-gsi3"
    assert template["Conditions"]["HasGsi3"] == {
        "Fn::Equals": [{"Ref": "LedgerIndexes"}, "gsi2-and-gsi3"]
    }


def test_the_first_of_two_updates_of_an_older_stack_adds_gsi2_alone(
    template: dict[str, Any],
) -> None:
    (table,) = resources(template, "AWS::DynamoDB::Table").values()
    props = _with(table["Properties"], {"HasGsi3": False, "ProtectTable": True})
    expected = dynamo_table.table_definition("unused")
    names = [index["IndexName"] for index in props["GlobalSecondaryIndexes"]]
    assert names == ["gsi1", "gsi2"]  # one index more than the release before the ledger
    assert props["GlobalSecondaryIndexes"] == expected["GlobalSecondaryIndexes"][:2]
    assert props["AttributeDefinitions"] == [
        a for a in expected["AttributeDefinitions"] if not a["AttributeName"].startswith("gsi3")
    ]
    assert props["TimeToLiveSpecification"] == {
        "AttributeName": dynamo_table.TTL_ATTRIBUTE,
        "Enabled": True,
    }


def test_the_table_has_point_in_time_recovery_encryption_and_deletion_protection(
    template: dict[str, Any],
) -> None:
    (table,) = resources(template, "AWS::DynamoDB::Table").values()
    props = table["Properties"]
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert props["DeletionProtectionEnabled"] == {"Fn::If": ["ProtectTable", True, False]}
    assert template["Conditions"]["ProtectTable"] == {
        "Fn::Equals": [{"Ref": "DeletionProtection"}, "true"]
    }
    assert template["Parameters"]["DeletionProtection"]["Default"] == "true"
    assert template["Globals"]["Function"]["Environment"]["Variables"]["TABLE_NAME"] == {
        "Ref": "Table"
    }


# -- alarms ----------------------------------------------------------------------------------------


def _metric_functions(alarm: dict[str, Any], metric: str) -> set[str]:
    names = set()
    for query in alarm["Properties"]["Metrics"]:
        for branch in [query["Fn::If"][1]] if "Fn::If" in query else [query]:
            stat = branch.get("MetricStat")
            if stat:
                assert stat["Metric"]["MetricName"] == metric
                (dimension,) = stat["Metric"]["Dimensions"]
                names.add(dimension["Value"]["Ref"])
    return names


def test_alarms_watch_api_5xx_and_every_functions_errors_and_throttles(
    template: dict[str, Any],
) -> None:
    alarms = resources(template, "AWS::CloudWatch::Alarm")
    api = alarms["Api5xxAlarm"]["Properties"]
    assert (api["Namespace"], api["MetricName"]) == ("AWS/ApiGateway", "5xx")
    assert api["Dimensions"] == [{"Name": "ApiId", "Value": {"Ref": "HttpApi"}}]
    every = set(functions(template))
    assert _metric_functions(alarms["LambdaErrorsAlarm"], "Errors") == every
    assert _metric_functions(alarms["LambdaThrottlesAlarm"], "Throttles") == every
    topic = {"Fn::If": ["HasAlarmEmail", [{"Ref": "AlarmTopic"}], {"Ref": "AWS::NoValue"}]}
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == topic
    assert template["Resources"]["AlarmTopic"]["Condition"] == "HasAlarmEmail"


# -- the scope as Cognito writes it ----------------------------------------------------------------


def test_the_functions_accept_the_scope_behind_a_cognito_resource_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from finance_agent.shared.auth import authenticate, check_scope
    from finance_agent.shared.settings import get_settings

    scope = "finance-agent/agent:actions"
    # What the template passes on from its ActionsScope parameter.
    monkeypatch.setenv("ACTIONS_SCOPE", scope)
    get_settings.cache_clear()
    claims = {"sub": "6q1vj4k2m8n3p5r7s9t0u2w4y6", "token_use": "access", "scope": scope}
    event = {"requestContext": {"authorizer": {"jwt": {"claims": claims, "scopes": [scope]}}}}
    check_scope(authenticate(event), "agent:actions")
