"""The findings of a whole `check` run, kept on disk for the next run over the same files.

Checks read across files, so the key covers everything a run reads: the engine (every module and
rule document of the package), the options of the run, and the path and content of every file
checked and of every pyproject.toml that configures them. A CI job run twice over the same tree
answers from here without parsing anything.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)


def cache_root() -> Path:
    """Where backend-ls keeps what it computed: `$XDG_CACHE_HOME/backend-ls` (never the project)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "backend-ls"


@lru_cache(maxsize=1)
def engine_digest() -> str:
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".md") and path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def run_key(files: list[Path], options: str) -> str | None:
    """The key of a run over `files`, or None when a file cannot be read (the run reports it)."""
    digest = hashlib.sha256(engine_digest().encode() + b"\0" + options.encode())
    configs: set[Path] = set()
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        digest.update(b"\0" + str(path).encode() + b"\0" + hashlib.sha256(data).digest())
        configs.update(_pyprojects(path.resolve().parent))
    for config in sorted(configs):
        try:
            digest.update(b"\0" + str(config).encode() + b"\0" + config.read_bytes())
        except OSError:
            return None
    return digest.hexdigest()


@lru_cache(maxsize=1024)
def _pyprojects(folder: Path) -> tuple[Path, ...]:
    found = tuple(candidate / "pyproject.toml" for candidate in (folder, *folder.parents) if (candidate / "pyproject.toml").is_file())
    return found


def _file(directory: Path, key: str) -> Path:
    return directory / "runs" / key[:2] / key


def load(directory: Path | None, key: str | None):
    if directory is None or key is None:
        return None
    try:
        with open(_file(directory, key), "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None


def load_report(directory: Path | None, key: str | None, output_format: str) -> tuple[bool, str] | None:
    """(whether the run had findings, its report) in `output_format`, as a run printed it."""
    return load(directory, None if key is None else f"{key}.{output_format}")


def store_report(directory: Path | None, key: str | None, output_format: str, has_findings: bool, report: str) -> None:
    store(directory, None if key is None else f"{key}.{output_format}", (has_findings, report))


def store(directory: Path | None, key: str | None, results) -> None:
    if directory is None or key is None:
        return
    target = _file(directory, key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{key}.{os.getpid()}")
        with open(temporary, "wb") as handle:
            pickle.dump(results, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except OSError as error:  # a cache that cannot be written only costs time
        log.debug("cannot write the run cache: %s", error)
