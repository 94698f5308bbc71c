"""The deployment template, read as CloudFormation reads it, and small helpers over it.

YAML's short tags (``!Ref``, ``!Sub``, ``!GetAtt``, ``!If``...) become the long forms
(``{"Ref": ...}``, ``{"Fn::Sub": ...}``), so the tests see what CloudFormation sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
NO_VALUE = {"Ref": "AWS::NoValue"}


class _CfnLoader(yaml.SafeLoader):
    pass


def _tag(loader: _CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    key = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    return {key: value}


_CfnLoader.add_multi_constructor("!", _tag)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        loaded: dict[str, Any] = yaml.load(stream, Loader=_CfnLoader)
    return loaded


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == kind
    }


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources(template, "AWS::Serverless::Function")


def branches(value: Any) -> Iterator[Any]:
    """Every value ``value`` can take: both sides of an ``Fn::If``, never ``AWS::NoValue``."""
    if isinstance(value, dict) and set(value) == {"Fn::If"}:
        _, when_true, when_false = value["Fn::If"]
        yield from branches(when_true)
        yield from branches(when_false)
    elif value != NO_VALUE:
        yield value


def as_list(value: Any) -> list[Any]:
    """A policy field that may be one value or a list, with every ``Fn::If`` branch."""
    items = value if isinstance(value, list) else [value]
    return [branch for item in items for branch in branches(item)]


def parameter_default(template: dict[str, Any], value: Any) -> Any:
    """A ``Ref`` to a parameter, as its default; anything else as it is."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        parameter = template["Parameters"].get(value["Ref"])
        if parameter is not None:
            return parameter.get("Default")
    return value
