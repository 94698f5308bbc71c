"""``finance-agent package``: the Lambda code artifact, built without SAM or Docker.

pip installs the runtime dependencies as Linux arm64 wheels for Python 3.12 (what the
template's functions run) into a folder, the package is copied beside them, and the folder is
zipped with fixed timestamps and modes, so the same sources give the same bytes. The folder is
the template's ``CodeUri``; the zip is what the size budget is checked on (and what
``aws lambda update-function-code`` takes).

Only the package's Python modules and ``py.typed`` are copied (an allow-list, so a stray
``.env`` or database file in the tree never ships). Left out: the local server and the web
page (``starlette`` and ``uvicorn`` serve them on one machine), the MCP server and the
command line's progress bar (``tqdm``), none of which a Lambda function imports.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import finance_agent

DISTRIBUTION = "finance-agent"
PLATFORM = "manylinux2014_aarch64"
PYTHON_VERSION = "3.12"
MIB = 1024 * 1024
MAX_UNZIPPED_BYTES = 60 * MIB  # our budget; Lambda's own limit is 250 MB
# Dependencies only the local server, the MCP server or the terminal (the import's progress
# bar) need.
SERVER_ONLY = frozenset({"starlette", "uvicorn", "mcp", "tqdm"})
# Parts of the package no Lambda function imports (paths inside finance_agent/).
SERVER_ONLY_PARTS = ("web/*", "adapters/local_server/*", "adapters/mcp*")
# What the runtime reads from the package: its modules, and the typing marker.
PACKAGED_SUFFIXES = frozenset({".py"})
PACKAGED_NAMES = frozenset({"py.typed"})
UNPACKAGED_FOLDERS = frozenset({"__pycache__", "tests", "test"})
# Marks a folder this command made, so it may be emptied on the next run.
MARKER = ".finance-agent-package"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

Installer = Callable[[Sequence[str], Path], None]


class PackagingError(Exception):
    """The artifact could not be built; the message says why and what to do."""


@dataclass(frozen=True)
class Artifact:
    folder: Path
    zip_path: Path | None
    zipped_bytes: int
    unzipped_bytes: int
    files: int


def _name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


def declared_requirements() -> list[str]:
    """The dependencies the project declares: its pyproject.toml when this is a source
    checkout (an editable install's metadata is as old as its last install), else the
    installed distribution's metadata."""
    pyproject = Path(finance_agent.__file__).resolve().parents[2] / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == DISTRIBUTION:
            return [str(requirement) for requirement in project.get("dependencies", [])]
    return importlib.metadata.requires(DISTRIBUTION) or []


def runtime_requirements(declared: Iterable[str] | None = None) -> list[str]:
    """The package's own dependencies without extras and without the server-only ones.

    Markers stay on the requirement, for pip to decide (tzdata is for Windows only).
    """
    if declared is None:
        declared = declared_requirements()
    kept = []
    for requirement in declared:
        marker = requirement.partition(";")[2]
        if "extra" in marker or _name(requirement) in SERVER_ONLY:
            continue
        kept.append(requirement.strip())
    return kept


def pip_install(requirements: Sequence[str], folder: Path) -> None:
    """Install wheels for Lambda's platform (never built here: ``--only-binary``)."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",  # this interpreter's bytecode is no use to Lambda's Python
        "--platform",
        PLATFORM,
        "--python-version",
        PYTHON_VERSION,
        "--implementation",
        "cp",
        "--only-binary=:all:",
        "--target",
        str(folder),
        *requirements,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise PackagingError("pip could not install the dependencies:\n  " + "\n  ".join(detail))


def _fresh_folder(folder: Path) -> None:
    if folder.exists():
        if any(folder.iterdir()) and not (folder / MARKER).exists():
            raise PackagingError(f"{folder} exists and was not made by this command; remove it")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("made by finance-agent package; emptied on each run\n")


def package_files(source: Path) -> list[Path]:
    """The files of the package at ``source`` a Lambda function reads, relative to it.

    An allow-list: Python modules and ``py.typed``, inside Python packages (every folder on
    the way has an ``__init__.py``), never in a hidden or test folder, never the server parts.
    Whatever else lies in a working tree (a ``.env``, a SQLite file, a scratch test) stays out.
    """
    kept = []
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if path.is_symlink() or not path.is_file():
            continue
        if path.suffix not in PACKAGED_SUFFIXES and path.name not in PACKAGED_NAMES:
            continue
        if any(part.startswith(".") or part in UNPACKAGED_FOLDERS for part in relative.parts):
            continue
        if any(fnmatch(relative.as_posix(), part) for part in SERVER_ONLY_PARTS):
            continue
        if all((source / folder / "__init__.py").is_file() for folder in relative.parents):
            kept.append(relative)
    return sorted(kept, key=lambda p: p.as_posix())


def _copy_package(folder: Path) -> None:
    source = Path(finance_agent.__file__).parent
    target = folder / "finance_agent"
    for relative in package_files(source):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, target / relative)


def _artifact_files(folder: Path) -> list[Path]:
    # bin/ holds the console scripts pip writes; nothing imports them.
    files = [
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.relative_to(folder).parts[0] not in {MARKER, "bin"}
        and "__pycache__" not in path.relative_to(folder).parts
    ]
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


def write_zip(folder: Path, zip_path: Path) -> tuple[int, int]:
    """Zip ``folder`` reproducibly; (number of files, unzipped bytes)."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    files = _artifact_files(folder)
    total = 0
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=ZIP_DATE)
            info.external_attr = 0o100644 << 16  # a regular file, readable by the runtime
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            total += len(data)
            archive.writestr(info, data)
    return len(files), total


def build_artifact(
    output: Path,
    *,
    source_only: bool = False,
    install: Installer | None = None,
    max_unzipped_bytes: int | None = None,
) -> Artifact:
    """Fill ``output`` without ``.zip`` (the folder) and write ``output`` (the zip).

    ``source_only``: the package and a requirements.txt only, for ``sam build`` to install.
    ``install`` replaces pip (tests); the budget defaults to ``MAX_UNZIPPED_BYTES``.
    """
    install = install or pip_install
    budget = MAX_UNZIPPED_BYTES if max_unzipped_bytes is None else max_unzipped_bytes
    if output.suffix != ".zip":
        raise PackagingError(f"the output must be a .zip file, got {output}")
    folder = output.with_suffix("")
    requirements = runtime_requirements()
    _fresh_folder(folder)
    _copy_package(folder)
    if source_only:
        (folder / "requirements.txt").write_text("\n".join(requirements) + "\n")
        staged = _artifact_files(folder)
        return Artifact(folder, None, 0, sum(p.stat().st_size for p in staged), len(staged))
    install(requirements, folder)
    files, unzipped = write_zip(folder, output)
    if unzipped > budget:
        raise PackagingError(
            f"the artifact is {unzipped / MIB:.1f} MiB unzipped, over the budget of "
            f"{budget / MIB:.0f} MiB: look for a dependency that should not be there"
        )
    return Artifact(folder, output, output.stat().st_size, unzipped, files)


def describe(artifact: Artifact) -> str:
    if artifact.zip_path is None:
        return (
            f"Lambda sources in {artifact.folder} ({artifact.files} files, "
            f"{artifact.unzipped_bytes / MIB:.1f} MiB) with requirements.txt: run `sam build`."
        )
    return "\n".join(
        [
            f"Lambda artifact {artifact.zip_path}",
            f"  zipped:   {artifact.zipped_bytes / MIB:.1f} MiB",
            f"  unzipped: {artifact.unzipped_bytes / MIB:.1f} MiB in {artifact.files} files "
            f"(budget {MAX_UNZIPPED_BYTES / MIB:.0f} MiB)",
            f"  folder:   {artifact.folder} (the template's CodeUri)",
        ]
    )
