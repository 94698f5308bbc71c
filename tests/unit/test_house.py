"""The limits README's Layout section promises, kept by a test (house_rules.py reads them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from house_rules import (
    LONG_MODULE_LINES,
    MAX_LONG_MODULES,
    MAX_MODULE_LINES,
    MAX_SCRIPT_LINES,
    crowded_folders,
    import_cycles,
    long_files,
    read_house,
)

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "finance_agent"


def test_no_import_cycle_among_the_packages_modules() -> None:
    assert import_cycles(read_house(PACKAGE)) == []


def test_no_folder_holds_more_than_fifteen_python_modules() -> None:
    assert crowded_folders(PACKAGE) == {}


def test_at_most_three_python_modules_are_over_300_lines_and_none_over_450() -> None:
    long_modules = long_files(PACKAGE, "*.py", LONG_MODULE_LINES)
    assert len(long_modules) <= MAX_LONG_MODULES, long_modules
    assert long_files(PACKAGE, "*.py", MAX_MODULE_LINES) == {}


def test_no_javascript_file_is_over_450_lines() -> None:
    assert long_files(PACKAGE, "*.js", MAX_SCRIPT_LINES) == {}


# The rules themselves, on small packages written for the purpose: each must be able to fail.


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": "def late():\n    from pkg.a import thing\n",
        },
    )
    assert import_cycles(read_house(package)) == [["pkg.a", "pkg.b"]]


def test_a_cycle_under_type_checking_and_relative_imports_is_found(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/sub/__init__.py": "",
            "pkg/sub/a.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..c import C\n"
            ),
            "pkg/c.py": "from .sub import a\n",
        },
    )
    assert import_cycles(read_house(package)) == [["pkg.c", "pkg.sub.a"]]


def test_imports_in_one_direction_are_no_cycle(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "import json\n"},
    )
    assert import_cycles(read_house(package)) == []


def test_a_folder_of_sixteen_modules_is_crowded(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": ""} | {f"pkg/m{i}.py": "" for i in range(15)}
    package = _write(tmp_path, files)
    assert crowded_folders(package) == {"pkg": 16}


@pytest.mark.parametrize(("lines", "over"), [(450, False), (451, True)])
def test_a_module_over_450_lines_is_too_long(tmp_path: Path, lines: int, over: bool) -> None:
    package = _write(tmp_path, {"pkg/__init__.py": "", "pkg/big.py": "x = 1\n" * lines})
    assert bool(long_files(package, "*.py", MAX_MODULE_LINES)) is over


def test_a_module_named_through_its_package_is_imported_not_the_package(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.program import main\n",
            "pkg/program.py": "from pkg import flags\n",
            "pkg/flags.py": "",
        },
    )
    assert import_cycles(read_house(package)) == []


def test_a_name_the_package_itself_defines_counts_as_importing_the_package(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.program import main\nVALUE = 1\n",
            "pkg/program.py": "from pkg import VALUE\n",
        },
    )
    assert import_cycles(read_house(package)) == [["pkg", "pkg.program"]]
