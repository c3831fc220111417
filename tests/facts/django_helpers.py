"""Route tables of fixture projects (through the CLI) and of small projects written in a test
(through the workspace index), for the Django and DRF route tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from backend_ls.index import WorkspaceIndex

FIXTURES = Path(__file__).parent.parent / "fixtures"
ORACLE = Path(__file__).parent / "route_oracle.py"


def cli_routes(project: str) -> list[tuple]:
    """(method, path, handler, file, line, framework) rows of `backend-ls routes --format json`."""
    result = subprocess.run(
        [sys.executable, "-m", "backend_ls", "routes", str(FIXTURES / project), "--format", "json", "--no-cache"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    base = (FIXTURES / project).as_posix() + "/"
    return [
        (row["method"], row["path"], row["handler"], row["file"].removeprefix(base), row["line"], row["framework"])
        for row in json.loads(result.stdout)
    ]


def django_python() -> str | None:
    """An interpreter with Django and DRF installed, to ask Django itself (BACKEND_LS_DJANGO_PYTHON)."""
    return os.environ.get("BACKEND_LS_DJANGO_PYTHON")


def oracle_routes(python: str, project: str, settings: str) -> list[tuple]:
    result = subprocess.run(
        [python, str(ORACLE), str(FIXTURES / project), settings],
        capture_output=True, text=True, timeout=120, check=True,
    )
    return [tuple(row) for row in json.loads(result.stdout)]


def write_project(root: Path, files: dict[str, str]) -> WorkspaceIndex:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    index = WorkspaceIndex([root])
    index.build()
    return index


def table(index: WorkspaceIndex) -> list[tuple[str, str | None, str]]:
    """(method, path, module.handler) of every route of the workspace, sorted."""
    rows = []
    for path, route in index.all_routes():
        module = index.modules[path].names[0]
        for method in route.methods or ("?",):
            rows.append((method, route.path, f"{module}.{route.handler}"))
    return sorted(rows, key=lambda row: (row[1] or "", row[0], row[2]))


def routes_named(index: WorkspaceIndex, handler: str):
    """The Route objects whose dotted handler is `handler`."""
    found = []
    for path, route in index.all_routes():
        if f"{index.modules[path].names[0]}.{route.handler}" == handler:
            found.append(route)
    return found
