"""Open buffers and their parse trees, re-parsed incrementally on every edit.

An edit re-parses only the top-level statements it touched (splice.py), which costs the size of
those statements, not of the module. When that cannot be proven to give the tree a full parse
gives (an open bracket or string reaching far, an edit across many statements, a text with "\\r"),
parso's diff parser updates the tree instead.

Either way the tree of one version is mutated by the next parse, so every parse and every walk of
the tree happens on the single analysis thread, and facts are taken before the next edit.
"""

from __future__ import annotations

from collections import Counter

from parso.python.diff import DiffParser
from parso.utils import split_lines

from backend_ls.analysis import grammar
from backend_ls.splice import StatementTree


class DocumentParser:
    def __init__(self):
        self._trees: dict[str, StatementTree] = {}
        # How the last parse was done, and how often each way was taken (for tests and
        # benchmarks): "full", "unchanged", "body" (statements of a top-level body re-parsed),
        # "statements" (top-level statements re-parsed), "diff" (parso's diff parser).
        self.last_parse_kind: str | None = None
        self.kinds: Counter = Counter()

    def parse(self, key: str, text: str):
        """The module for `text`, reusing the unchanged parts of the last tree parsed for `key`."""
        tree = self._trees.get(key)
        if tree is None:
            self._trees[key] = tree = StatementTree(text, grammar().parse(text, error_recovery=True), grammar())
            kind = "full"
        elif tree.text == text:
            kind = "unchanged"
        else:
            kind = tree.splice(text)
            if kind is None:
                # The diff parser directly rather than `parse(diff_cache=True)`: parso's cache of
                # trees by path is global and may drop an entry, and this tree is ours to keep.
                module = DiffParser(grammar()._pgen_grammar, grammar()._tokenizer, tree.module).update(
                    old_lines=split_lines(tree.text, keepends=True), new_lines=split_lines(text, keepends=True)
                )
                tree.reset(text, module)
                kind = "diff"
        self.last_parse_kind = kind
        self.kinds[kind] += 1
        return tree.module

    @property
    def kept_untouched_statements(self) -> bool:
        """Whether the last parse kept the nodes of the top-level statements the edit did not
        touch, text unchanged (positions may have moved): the diff parser may change a node it keeps."""
        return self.last_parse_kind in ("body", "statements", "unchanged")

    def forget(self, key: str) -> None:
        self._trees.pop(key, None)
