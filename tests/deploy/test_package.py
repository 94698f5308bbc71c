"""``finance-agent package``: the Lambda zip, its contents, its size and its reproducibility.

Most tests replace pip with a stand-in that writes a small dependency; the tests marked by
the ``lambda_zip`` fixture build the real artifact, which needs pip to download Linux arm64
wheels from the package registry (they are skipped, saying so, when it cannot be reached).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

import pytest

import finance_agent
from finance_agent import packaging
from finance_agent.cli import main
from finance_agent.packaging import (
    MARKER,
    PLATFORM,
    PYTHON_VERSION,
    PackagingError,
    build_artifact,
    runtime_requirements,
)
from finance_agent.routes import ROUTES

ACTION_GROUP_MODULE = "finance_agent.adapters.action_group"
BUDGET = 60 * 1024 * 1024
# Distributions for tests, development or the servers that run on one machine only.
NOT_IN_LAMBDA = {
    "moto",
    "pytest",
    "pytest-cov",
    "coverage",
    "hypothesis",
    "schemathesis",
    "httpx",
    "starlette",
    "uvicorn",
    "mcp",
    "ruff",
    "mypy",
    "boto3-stubs",
    "cfn-lint",
    "playwright",
}
NOT_IN_LAMBDA_IMPORTS = {"moto", "pytest", "_pytest", "hypothesis", "starlette", "uvicorn", "mcp"}


def fake_pip(calls: list[list[str]]) -> packaging.Installer:
    """Stands in for pip: one small dependency, its metadata, a script and some bytecode."""

    def install(requirements: Sequence[str], folder: Path) -> None:
        calls.append(list(requirements))
        (folder / "fakedep" / "__pycache__").mkdir(parents=True)
        (folder / "fakedep" / "__init__.py").write_text("VALUE = 1\n")
        (folder / "fakedep" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
        (folder / "fakedep-1.0.dist-info").mkdir()
        (folder / "fakedep-1.0.dist-info" / "METADATA").write_text("Name: fakedep\n")
        (folder / "bin").mkdir()
        (folder / "bin" / "fakedep").write_text("#!/bin/sh\n")

    return install


def names(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return archive.namelist()


# -- what goes in ----------------------------------------------------------------------------------


def test_runtime_requirements_leave_out_extras_and_the_servers_dependencies() -> None:
    declared = [
        "pydantic>=2.7,<3",
        "boto3>=1.34,<2",
        "starlette>=0.37,<2",
        "uvicorn>=0.30,<1",
        "MCP>=1.2",
        'tzdata>=2024.1; sys_platform == "win32"',
        'pytest>=8,<10; extra == "test"',
        'playwright>=1.49; extra == "browser"',
    ]
    assert runtime_requirements(declared) == [
        "pydantic>=2.7,<3",
        "boto3>=1.34,<2",
        'tzdata>=2024.1; sys_platform == "win32"',
    ]


def test_the_installed_packages_requirements_include_boto3_and_no_server() -> None:
    names_ = {re.split(r"[<>=;!~ \[]", r, maxsplit=1)[0].lower() for r in runtime_requirements()}
    assert {"boto3", "pydantic", "pydantic-settings", "loguru", "pyjwt"} <= names_
    assert not names_ & {"starlette", "uvicorn", "mcp", "pytest", "moto"}


def test_a_source_checkout_declares_its_dependencies_in_pyproject() -> None:
    import tomllib

    from .cfn import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert packaging.declared_requirements() == project["dependencies"]


def test_an_installed_package_declares_its_dependencies_in_its_metadata(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import importlib.metadata

    import finance_agent

    installed = tmp_path / "site-packages" / "finance_agent" / "__init__.py"
    monkeypatch.setattr(finance_agent, "__file__", str(installed))
    assert packaging.declared_requirements() == importlib.metadata.requires("finance-agent")


def test_pip_is_asked_for_linux_arm64_wheels_for_python_3_12_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[list[str]] = []

    def run(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        seen.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(packaging.subprocess, "run", run)
    packaging.pip_install(["boto3>=1.34"], tmp_path)
    (command,) = seen
    text = " ".join(command)
    assert f"--platform {PLATFORM}" in text
    assert f"--python-version {PYTHON_VERSION}" in text
    assert "--only-binary=:all:" in command
    assert "--no-compile" in command
    assert f"--target {tmp_path}" in text
    assert command[-1] == "boto3>=1.34"


def test_a_pip_failure_says_what_pip_said(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def run(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(
            command, 1, "", "ERROR: No matching distribution found for nothing-such\n"
        )

    monkeypatch.setattr(packaging.subprocess, "run", run)
    with pytest.raises(PackagingError, match="No matching distribution found for nothing-such"):
        packaging.pip_install(["nothing-such"], tmp_path)


# -- the zip ---------------------------------------------------------------------------------------


def test_the_zip_holds_the_package_and_dependencies_but_no_server_parts_bytecode_or_scripts(
    tmp_path: Path,
) -> None:
    calls: list[list[str]] = []
    artifact = build_artifact(tmp_path / "lambda.zip", install=fake_pip(calls))
    assert calls == [runtime_requirements()]
    listed = names(tmp_path / "lambda.zip")
    for route in ROUTES:
        assert route.handler.rpartition(".")[0].replace(".", "/") + ".py" in listed
    assert "fakedep/__init__.py" in listed
    assert "fakedep-1.0.dist-info/METADATA" in listed
    forbidden = re.compile(
        r"(^|/)__pycache__/|\.pyc$|^bin/|^finance_agent/web/|"
        r"^finance_agent/adapters/local_server/|^finance_agent/adapters/mcp"
    )
    assert not [name for name in listed if forbidden.search(name)]
    assert MARKER not in listed
    assert artifact.files == len(listed)
    assert artifact.folder == tmp_path / "lambda"
    assert artifact.zipped_bytes == (tmp_path / "lambda.zip").stat().st_size


PLANTED = [
    ".env",
    "finance.db",
    "notes.txt",
    "settings.json",
    "shared/.secret.py",
    ".hidden/module.py",
    "tests/__init__.py",
    "tests/x.py",
    "test/x.py",
    "scratch/x.py",  # a folder that is no package
    "adapters/handlers/dump.sqlite",
]


def test_only_the_packages_modules_and_py_typed_go_in_whatever_else_is_in_the_tree(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = Path(finance_agent.__file__).parent
    copy = tmp_path / "src" / "finance_agent"
    shutil.copytree(real, copy, ignore=shutil.ignore_patterns("__pycache__"))
    expected = {
        f"finance_agent/{path.relative_to(copy).as_posix()}"
        for path in copy.rglob("*")
        if path.is_file()
        and (path.suffix == ".py" or path.name == "py.typed")
        and not re.match(
            r"web/|adapters/local_server/|adapters/mcp", path.relative_to(copy).as_posix()
        )
    }
    for planted in PLANTED:
        (copy / planted).parent.mkdir(parents=True, exist_ok=True)
        (copy / planted).write_text("SECRET=planted\n")
    monkeypatch.setattr(finance_agent, "__file__", str(copy / "__init__.py"))

    build_artifact(tmp_path / "out" / "lambda.zip", install=fake_pip([]))

    listed = {
        name for name in names(tmp_path / "out" / "lambda.zip") if name.startswith("finance_agent/")
    }
    assert listed == expected
    assert "finance_agent/py.typed" in listed


def test_the_zip_is_byte_for_byte_the_same_when_built_again(tmp_path: Path) -> None:
    first = build_artifact(tmp_path / "a" / "lambda.zip", install=fake_pip([]))
    second = build_artifact(tmp_path / "b" / "lambda.zip", install=fake_pip([]))
    assert first.zip_path is not None
    assert second.zip_path is not None
    assert first.zip_path.read_bytes() == second.zip_path.read_bytes()
    with zipfile.ZipFile(first.zip_path) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_an_artifact_over_the_budget_is_refused_with_its_size(tmp_path: Path) -> None:
    with pytest.raises(PackagingError, match=r"MiB unzipped, over the budget of 0 MiB"):
        build_artifact(tmp_path / "lambda.zip", install=fake_pip([]), max_unzipped_bytes=1)


def test_the_output_must_be_a_zip(tmp_path: Path) -> None:
    with pytest.raises(PackagingError, match=r"must be a \.zip file"):
        build_artifact(tmp_path / "lambda", install=fake_pip([]))


def test_a_folder_the_command_did_not_make_is_never_emptied(tmp_path: Path) -> None:
    precious = tmp_path / "lambda" / "notes.txt"
    precious.parent.mkdir()
    precious.write_text("keep me")
    with pytest.raises(PackagingError, match="was not made by this command"):
        build_artifact(tmp_path / "lambda.zip", install=fake_pip([]))
    assert precious.read_text() == "keep me"


def test_a_folder_it_made_is_rebuilt_from_scratch(tmp_path: Path) -> None:
    build_artifact(tmp_path / "lambda.zip", install=fake_pip([]))
    stale = tmp_path / "lambda" / "stale.py"
    stale.write_text("")
    build_artifact(tmp_path / "lambda.zip", install=fake_pip([]))
    assert not stale.exists()
    assert "stale.py" not in names(tmp_path / "lambda.zip")


def test_source_only_stages_the_package_and_requirements_for_sam_build(tmp_path: Path) -> None:
    calls: list[list[str]] = []
    artifact = build_artifact(tmp_path / "lambda.zip", source_only=True, install=fake_pip(calls))
    assert calls == []
    assert artifact.zip_path is None
    assert not (tmp_path / "lambda.zip").exists()
    folder = tmp_path / "lambda"
    lines = (folder / "requirements.txt").read_text().splitlines()
    assert lines == runtime_requirements()
    assert (folder / "finance_agent" / "routes.py").is_file()
    assert "sam build" in packaging.describe(artifact)


# -- the command -----------------------------------------------------------------------------------


def test_the_package_command_reports_the_zipped_and_unzipped_size(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(packaging, "pip_install", fake_pip([]))
    assert main(["package", "--output", str(tmp_path / "out" / "lambda.zip")]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "out" / "lambda.zip") in out
    assert re.search(r"zipped: +\d+\.\d MiB", out)
    assert re.search(r"unzipped: +\d+\.\d MiB in \d+ files \(budget 60 MiB\)", out)
    assert "CodeUri" in out


def test_the_package_command_fails_clearly_over_the_budget(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(packaging, "pip_install", fake_pip([]))
    monkeypatch.setattr(packaging, "MAX_UNZIPPED_BYTES", 1)
    with pytest.raises(SystemExit) as stopped:
        main(["package", "--output", str(tmp_path / "lambda.zip")])
    assert stopped.value.code == 1
    assert "over the budget" in capsys.readouterr().err


def test_the_package_command_stages_sources_for_sam_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["package", "--source-only", "--output", str(tmp_path / "lambda.zip")]) == 0
    assert "sam build" in capsys.readouterr().out
    assert (tmp_path / "lambda" / "requirements.txt").is_file()


# -- the real artifact (pip downloads Linux arm64 wheels) ------------------------------------------


def _registry_problem(folder: Path) -> str | None:
    """Why pip cannot fetch a Linux arm64 wheel for Python 3.12, or None when it can."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--retries",
        "1",
        "--timeout",
        "20",
        "--platform",
        PLATFORM,
        "--python-version",
        PYTHON_VERSION,
        "--implementation",
        "cp",
        "--only-binary=:all:",
        "--dest",
        str(folder),
        "pydantic-core",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        return "pip did not answer within 300 s"
    if result.returncode == 0:
        return None
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[-1] if lines else f"pip exited with {result.returncode}"


@pytest.fixture(scope="module")
def lambda_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("artifact")
    problem = _registry_problem(folder / "probe")
    if problem is not None:
        pytest.skip(
            "the package registry cannot be reached, so the Lambda artifact (Linux arm64 "
            f"wheels) cannot be built here: {problem}"
        )
    artifact = build_artifact(folder / "lambda.zip")
    assert artifact.zip_path is not None
    return artifact.zip_path


def _module_file(module: str, present: set[str]) -> str | None:
    base = module.replace(".", "/")
    for candidate in (f"{base}.py", f"{base}/__init__.py"):
        if candidate in present:
            return candidate
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(source: str, module: str, is_package: bool) -> set[str]:
    """Every module ``module`` may import when it runs (type-checking-only imports aside)."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in child.names)
            visit(child)

    visit(ast.parse(source))
    return found


def test_the_artifact_holds_every_handler_and_the_action_group(lambda_zip: Path) -> None:
    present = set(names(lambda_zip))
    for module in [route.handler.rpartition(".")[0] for route in ROUTES] + [ACTION_GROUP_MODULE]:
        assert _module_file(module, present), f"{module} is not in the artifact"


def test_the_artifact_holds_boto3_and_arm64_binaries_for_python_3_12(lambda_zip: Path) -> None:
    present = names(lambda_zip)
    assert "boto3/__init__.py" in present
    assert "botocore/__init__.py" in present
    binaries = [name for name in present if name.endswith(".so")]
    assert binaries
    assert all("aarch64" in name or "abi3" in name for name in binaries), binaries
    assert any("cpython-312-aarch64" in name for name in binaries)


def test_the_artifact_holds_no_test_development_or_server_dependency(lambda_zip: Path) -> None:
    present = names(lambda_zip)
    tops = {PurePosixPath(name).parts[0] for name in present}
    distributions = {
        re.sub(r"[-_.]+", "-", top.rsplit("-", 1)[0]).lower()
        for top in tops
        if top.endswith(".dist-info")
    }
    assert not distributions & NOT_IN_LAMBDA
    modules = {top.removesuffix(".py") for top in tops if not top.endswith(".dist-info")}
    assert not modules & NOT_IN_LAMBDA_IMPORTS
    assert "finance-agent" not in distributions  # the package is copied, not installed


def test_the_artifact_stays_under_60_mib_unzipped(lambda_zip: Path) -> None:
    with zipfile.ZipFile(lambda_zip) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    assert unzipped < BUDGET, f"{unzipped / 1024 / 1024:.1f} MiB"


def test_what_the_lambda_entry_points_import_is_in_the_artifact_and_no_server(
    lambda_zip: Path,
) -> None:
    with zipfile.ZipFile(lambda_zip) as archive:
        sources = {
            name: archive.read(name).decode() for name in archive.namelist() if name.endswith(".py")
        }
    present = set(sources)
    tops = {PurePosixPath(name).parts[0].removesuffix(".py") for name in present}
    pending = [route.handler.rpartition(".")[0] for route in ROUTES] + [ACTION_GROUP_MODULE]
    seen: set[str] = set()
    third_party: set[str] = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        # Importing a.b.c runs a/__init__ and a/b/__init__ first.
        parents = [".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)]
        pending.extend(parents)
        path = _module_file(module, present)
        assert path is not None, f"{module} is imported on a Lambda path but not in the artifact"
        for imported in _imports(sources[path], module, path.endswith("__init__.py")):
            top = imported.split(".")[0]
            if top != "finance_agent":
                third_party.add(top)
            elif _module_file(imported, present) is not None:
                pending.append(imported)
            elif _module_file(imported.rpartition(".")[0], present) is None:
                pytest.fail(f"{module} imports {imported}, which is not in the artifact")
    assert not third_party & NOT_IN_LAMBDA_IMPORTS, third_party & NOT_IN_LAMBDA_IMPORTS
    missing = {top for top in third_party if top not in tops and top not in sys.stdlib_module_names}
    assert not missing, f"imported on a Lambda path but not in the artifact: {sorted(missing)}"
