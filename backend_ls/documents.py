"""Open buffers and their parse trees, re-parsed incrementally with parso's diff parser.

The diff parser keeps one tree per path and mutates it on the next parse, so every parse and every
walk of the tree happens on the single analysis thread, and facts are taken before the next edit.
"""

from __future__ import annotations

from parso.cache import parser_cache

from backend_ls.analysis import grammar


class DocumentParser:
    def parse(self, key: str, text: str):
        """The module for `text`, reusing the unchanged parts of the last tree parsed for `key`."""
        return grammar().parse(text, error_recovery=True, diff_cache=True, cache=False, path=key)

    def forget(self, key: str) -> None:
        from pathlib import Path

        parser_cache.get(grammar()._hashed, {}).pop(Path(key), None)
