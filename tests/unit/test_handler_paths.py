"""The handlers live in areas (figures, receivables, actions, chat); their flat paths of
before still import, as the same module, and only when asked for."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from finance_agent.adapters import handlers
from finance_agent.routes import HANDLERS, ROUTES

FLAT_NAMES = {
    "get_kpis",
    "get_sales",
    "cashflow_forecast",
    "detect_anomalies",
    "get_ar_aging",
    "create_collection_reminder",
    "list_actions",
    "agent_chat",
}


def test_every_route_handler_lives_in_an_area_subpackage() -> None:
    areas = {"figures", "receivables", "actions", "chat"}
    for route in ROUTES:
        area, module, attribute = route.handler.removeprefix(f"{HANDLERS}.").split(".")
        assert attribute == "handler"
        assert area in areas, route.handler
        # Routes added since the areas (list_invoices) have no flat path.
        assert handlers.FLAT_PATHS.get(module, area) == area, route.handler
    assert set(handlers.FLAT_PATHS) == FLAT_NAMES


@pytest.mark.parametrize("name", sorted(FLAT_NAMES))
def test_a_flat_path_imports_the_areas_module_itself(name: str) -> None:
    route = next(r for r in ROUTES if r.handler.endswith(f".{name}.handler"))
    flat = importlib.import_module(f"{HANDLERS}.{name}")
    real = importlib.import_module(f"{HANDLERS}.{handlers.FLAT_PATHS[name]}.{name}")
    assert flat is real
    assert flat.handler is route.load_handler()
    assert getattr(handlers, name) is real
    # The module keeps its own name and spec: it was loaded once, under its area.
    assert real.__name__ == real.__spec__.name == f"{HANDLERS}.{handlers.FLAT_PATHS[name]}.{name}"


def test_the_import_statement_forms_all_reach_the_handler() -> None:
    # A flat path has no file, so the import sorter puts it in a block of its own.
    from finance_agent.adapters.handlers.get_kpis import handler

    from finance_agent.adapters.handlers import list_actions
    from finance_agent.adapters.handlers.actions.list_actions import handler as list_handler
    from finance_agent.adapters.handlers.figures.get_kpis import handler as kpis_handler

    assert handler is kpis_handler
    assert list_actions.handler is list_handler


def test_a_name_that_never_was_a_handler_is_still_not_found() -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"{HANDLERS}.get_everything")


LOADED = """
import importlib, json, sys
def loaded():
    prefix = "finance_agent.adapters.handlers."
    return sorted(name for name in sys.modules if name.startswith(prefix))
import finance_agent.adapters.handlers
before = loaded()
from finance_agent.adapters.handlers.get_kpis import handler
after = loaded()
print(json.dumps([before, after]))
"""


def test_importing_the_package_or_one_flat_path_loads_no_other_handler() -> None:
    # A fresh interpreter: in this one, other tests have loaded every handler already.
    result = subprocess.run(
        [sys.executable, "-c", LOADED], capture_output=True, text=True, check=True
    )
    before, after = json.loads(result.stdout)
    assert before == []
    assert after == [
        f"{HANDLERS}.figures",
        f"{HANDLERS}.figures.get_kpis",
        f"{HANDLERS}.get_kpis",
    ]
