"""One Lambda ``handler(event, context)`` per route, grouped by area: ``figures``,
``receivables``, ``actions`` and ``chat``. The route table and the template name each by its
full path (``finance_agent.adapters.handlers.figures.get_kpis.handler``).

The flat paths the handlers had before their areas (``finance_agent.adapters.handlers.get_kpis``)
stay importable: importing one gives the module in its area, the same module object, loaded
only then. Importing this package loads no handler, so a Lambda function still loads its own
handler alone.
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

# The area of each route module that had a flat path; routes added since have none.
FLAT_PATHS: dict[str, str] = {
    "get_kpis": "figures",
    "get_sales": "figures",
    "cashflow_forecast": "figures",
    "detect_anomalies": "figures",
    "get_ar_aging": "receivables",
    "create_collection_reminder": "actions",
    "list_actions": "actions",
    "agent_chat": "chat",
}


class _FlatPathFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``<this package>.<name>`` for the names in FLAT_PATHS and loads it as the area's
    module: ``sys.modules`` then holds that one module under both names, never a copy (a
    test that patches one patches what the route table runs)."""

    def find_spec(
        self, fullname: str, _path: Sequence[str] | None, _target: ModuleType | None = None
    ) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != __name__ or name not in FLAT_PATHS:
            return None
        return ModuleSpec(fullname, self, loader_state=f"{__name__}.{FLAT_PATHS[name]}.{name}")

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module = importlib.import_module(spec.loader_state)
        # The import system gives the module this spec next: keep its own to put it back.
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # Loaded already under its own name; only its own spec is put back.
        flat_spec = module.__spec__
        if flat_spec is not None and isinstance(flat_spec.loader_state, ModuleSpec):
            module.__spec__ = flat_spec.loader_state


if not any(isinstance(finder, _FlatPathFinder) for finder in sys.meta_path):
    sys.meta_path.append(_FlatPathFinder())
