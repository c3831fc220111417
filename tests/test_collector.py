"""The server's garbage collection is paced by the editor (backend_ls/lsp/collector.py): objects
are frozen after each analysis, and a full collection runs only after a pause in the edits."""

from __future__ import annotations

import asyncio
import gc
import weakref

from backend_ls.lsp import collector
from backend_ls.lsp.collector import PacedCollector


class Node:
    pass


def test_a_collection_waits_for_a_pause_and_frees_cycles():
    runs = []

    async def run_collection(function):
        runs.append(asyncio.get_running_loop().time())
        function()

    async def session():
        paced = PacedCollector(run_collection, idle_seconds=0.2)
        for _ in range(5):  # edits in quick succession: no collection while they come
            paced.analysed()
            await asyncio.sleep(0.05)
        assert runs == []
        assert gc.get_freeze_count() > 0  # what the analyses made is out of the automatic collections' way
        node = Node()
        node.itself = node  # a cycle, as a replaced parse tree holds (parent <-> children)
        alive = weakref.ref(node)
        paced.analysed()  # freezes it
        del node
        gc.collect()
        assert alive() is not None  # frozen garbage: the automatic collections leave it
        await asyncio.sleep(0.4)
        assert len(runs) == 1
        assert alive() is None  # the paced collection unfroze and freed it
        assert gc.get_freeze_count() > 0  # frozen again after the collection

    try:
        asyncio.run(session())
    finally:
        gc.unfreeze()


def test_many_analyses_without_a_pause_still_collect(monkeypatch):
    monkeypatch.setattr(collector, "MOST_ANALYSES_BETWEEN_COLLECTIONS", 3)
    runs = []

    async def run_collection(function):
        runs.append(1)

    async def session():
        paced = PacedCollector(run_collection, idle_seconds=60)
        for _ in range(7):
            paced.analysed()
            await asyncio.sleep(0)
        await asyncio.sleep(0.01)

    try:
        asyncio.run(session())
    finally:
        gc.unfreeze()
    assert len(runs) == 2


def test_an_analysis_leaves_what_it_made_frozen_and_the_collector_on():
    """Nothing an analysis made waits for the next automatic collection to be walked: that
    collection fell on the way to a document's first diagnostics."""
    from backend_ls.lsp.session import Session
    from backend_ls.rules.registry import load_rules

    session = Session(load_rules())
    gc.unfreeze()
    try:
        assert gc.isenabled()
        outcome = session.analyse("file:///tmp/app.py", "/tmp/app.py", "from flask import Flask\napp = Flask(__name__)\n")
        made = gc.get_freeze_count()
        assert gc.isenabled() and made > 0
        assert not gc.is_tracked(outcome) or outcome not in gc.get_objects(0)
    finally:
        gc.unfreeze()


def test_the_grammar_is_ready_before_the_first_document_comes():
    import subprocess
    import sys

    check = (
        "from backend_ls.lsp.session import Session\n"
        "from backend_ls.rules.registry import load_rules\n"
        "import backend_ls.analysis as analysis\n"
        "session = Session(load_rules())\n"
        "session.executor.submit(lambda: None).result()\n"
        "assert analysis._GRAMMAR is not None\n"
    )
    subprocess.run([sys.executable, "-c", check], check=True, timeout=60)
