"""The house's limits, read from the code (README, "Layout"): no import cycle among the modules
of a package (every import statement counts, inside functions and under TYPE_CHECKING too), no
folder with more than 15 Python modules side by side, at most three Python modules over 300
lines and none over 450, no JavaScript file over 450 lines."""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_MODULES_PER_FOLDER = 15
LONG_MODULE_LINES = 300
MAX_LONG_MODULES = 3
MAX_MODULE_LINES = 450
MAX_SCRIPT_LINES = 450


@dataclass(frozen=True)
class House:
    modules: dict[str, Path]  # dotted name -> file
    imports: dict[str, set[str]]  # dotted name -> the package's modules it imports


def _module_name(package_dir: Path, path: Path) -> str:
    parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_names(module: str, path: Path, modules: Collection[str]) -> Iterator[str]:
    """Every dotted name an import statement of ``path`` names, wherever it stands.

    ``from package import module`` names the module, as ``import package.module`` does; the
    package itself counts only for the names that are not modules of it.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield full if full in modules else base


def read_house(package_dir: Path) -> House:
    modules = {_module_name(package_dir, p): p for p in sorted(package_dir.rglob("*.py"))}

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    imports: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {owner(n) for n in _imported_names(name, path, modules)}
        imports[name] = {t for t in targets if t is not None and t != name}
    return House(modules, imports)


def import_cycles(house: House) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a circle (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(house.imports[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in house.modules:
        if module not in index:
            visit(module)
    return cycles


def line_count(path: Path) -> int:
    with path.open(encoding="utf-8") as lines:
        return sum(1 for _ in lines)


def crowded_folders(package_dir: Path) -> dict[str, int]:
    """Folders holding more than MAX_MODULES_PER_FOLDER Python modules side by side."""
    counts = {
        str(folder.relative_to(package_dir.parent)): len(list(folder.glob("*.py")))
        for folder in [package_dir, *(p for p in package_dir.rglob("*") if p.is_dir())]
    }
    return {folder: n for folder, n in counts.items() if n > MAX_MODULES_PER_FOLDER}


def long_files(package_dir: Path, pattern: str, limit: int) -> dict[str, int]:
    lengths = {
        str(p.relative_to(package_dir.parent)): line_count(p) for p in package_dir.rglob(pattern)
    }
    return {name: n for name, n in sorted(lengths.items()) if n > limit}
