"""The cold build: facts parsed by worker processes (sent to the parent pickled, as they are
cached) are the facts a build in one process makes, and the cache they leave answers the same."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from backend_ls import index as index_module
from backend_ls.index import WorkspaceIndex, index_executor

EXTENSIONS = "from flask_sqlalchemy import SQLAlchemy\nfrom flask import Blueprint\n\ndb = SQLAlchemy()\nbp = Blueprint('shop', __name__, url_prefix='/shop')\n"
VIEWS = (
    "import requests\nfrom .extensions import db, bp\n\n\n"
    "class Item{n}(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    name = db.Column(db.String(80))\n\n\n"
    "@bp.route('/items{n}/<int:item_id>', methods=['POST'])\n"
    "def item_{n}(item_id):\n    requests.get('http://stock/{n}')\n    return Item{n}.query.get(item_id).name\n"
)


def _project(root: Path, modules: int) -> list[Path]:
    package = root / "shop"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "extensions.py").write_text(EXTENSIONS)
    for n in range(modules):
        (package / f"views{n}.py").write_text(VIEWS.format(n=n))
    (package / "broken.py").write_bytes(b"name = '\xe9'\n")  # not UTF-8: reported, not indexed
    return sorted(package.glob("*.py"))


def _build(root: Path, files: list[Path], cache_dir: Path | None, pooled: bool, fork: bool = False):
    index = WorkspaceIndex([root], cache_dir=cache_dir)
    with index_executor(len(files) if pooled else 0, fork=fork) as executor:
        assert (executor is not None) == pooled
        results = index.build(files, executor)
    return index, results


@pytest.mark.parametrize("fork", [False, True], ids=["spawned", "forked"])
@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_pooled_build_equals_a_build_in_one_process(tmp_path, monkeypatch, cached, fork):
    monkeypatch.setattr(index_module, "POOLED_FROM_FILES", 2)
    files = _project(tmp_path / "project", 6)
    cache_dir = tmp_path / "facts" if cached else None
    serial, serial_results = _build(tmp_path / "project", files, None, pooled=False)
    pooled, pooled_results = _build(tmp_path / "project", files, cache_dir, pooled=True, fork=fork)

    assert [(r.path, r.text, r.error, r.pickled) for r in pooled_results] == [
        (r.path, r.text, r.error, None) for r in serial_results
    ]
    assert [r.facts for r in pooled_results] == [r.facts for r in serial_results]
    assert pooled.modules.keys() == serial.modules.keys()
    for key, module in serial.modules.items():
        assert pooled.modules[key].facts == module.facts
    # The second pass took the views again knowing `db` and `bp` (imported from .extensions).
    views = next(r for r in pooled_results if r.path.endswith("views0.py"))
    assert views.facts.routes and views.facts.models
    assert serial.errors == pooled.errors and "broken.py" in pooled.errors[0]

    if cached:
        # What the workers wrote is what a build in one process loads from the cache.
        stored = [path for path in cache_dir.rglob("*") if path.is_file()]
        assert stored and all(pickle.loads(path.read_bytes()) for path in stored)
        _, reread = _build(tmp_path / "project", files, cache_dir, pooled=False)
        assert [r.facts for r in reread] == [r.facts for r in serial_results]
