"""Which files a folder holds for analysis: `*.py`, minus what .gitignore and tool folders hold."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

SKIPPED_FOLDERS = {
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".env", "__pycache__", "node_modules", "build",
    "dist", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "site-packages",
    ".backend-ls-cache",
}


def _gitignore_patterns(folder: Path) -> list[str]:
    try:
        text = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith(("#", "!"))]


def _ignored(relative: str, name: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        bare = pattern.rstrip("/")
        if bare.startswith("/"):
            if fnmatch.fnmatch(relative, bare[1:]):
                return True
        elif fnmatch.fnmatch(name, bare) or fnmatch.fnmatch(relative, bare):
            return True
    return False


def python_files(paths: list[Path]) -> list[Path]:
    """Expand files and folders into the Python files to analyse, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
            continue
        patterns = _gitignore_patterns(path)
        for folder, folders, files in os.walk(path):
            here = Path(folder)
            relative_folder = here.relative_to(path).as_posix()
            patterns_here = patterns + ([] if here == path else _gitignore_patterns(here))
            folders[:] = sorted(
                name
                for name in folders
                if name not in SKIPPED_FOLDERS
                and not name.endswith(".egg-info")
                and not _ignored(_join(relative_folder, name), name, patterns_here)
            )
            for name in sorted(files):
                if name.endswith(".py") and not _ignored(_join(relative_folder, name), name, patterns_here):
                    found.append(here / name)
    return found


def _join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"
