"""Holding the garbage collector off while work makes mostly objects that live on."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collection_paused():
    """No automatic collection inside; the collector is as it was after. For an analysis, an index
    build or the CLI's checks: what they make lives on or is freed by reference counts, and the
    collector's passes over a growing heap would cost a good part of the time (a third of a
    10,000-line module's first analysis)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
