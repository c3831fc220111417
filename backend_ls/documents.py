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
from backend_ls.facts import positions_replaced
from backend_ls.facts.names import bindings_of_import
from backend_ls.splice import StatementTree

# Where parso's `Module.iter_imports` looks for imports: statements and the blocks of compound
# statements, not function or class bodies.
_IMPORT_CONTAINERS = frozenset(
    {"suite", "simple_stmt", "decorated", "async_funcdef", "async_stmt", "if_stmt", "while_stmt", "for_stmt", "try_stmt", "with_stmt"}
)


class DocumentParser:
    def __init__(self):
        self._trees: dict[str, StatementTree] = {}
        # How the last parse was done, and how often each way was taken (for tests and
        # benchmarks): "full", "unchanged", "body" (statements of a top-level body re-parsed),
        # "statements" (top-level statements re-parsed), "diff" (parso's diff parser).
        self.last_parse_kind: str | None = None
        self.kinds: Counter = Counter()
        self._imports: dict[str, dict[int, tuple]] = {}  # key -> id of a top-level node -> (it, its imports)
        self._tables: dict[str, tuple[list, dict]] = {}  # key -> (its top-level nodes, their imports) last time

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

    def imports(self, key: str, module) -> dict[str, str]:
        """`imports_of(module)` for the module last parsed for `key`: the imports of the top-level
        statements the parse kept are those they had (a search of the whole tree cost 0.5 ms a
        keystroke at 10,000 lines)."""
        known = self._imports.get(key, {}) if self.kept_untouched_statements else {}
        last = self._tables.get(key) if known else None
        if last is not None and len(last[0]) == len(module.children):
            # The same number of statements: when those the edit replaced import nothing, and the
            # ones they replaced imported nothing either, the table is the last one (no loop over
            # a thousand statements in Python at 10,000 lines).
            children, table = last
            replaced = positions_replaced(children, module.children)
            for place in replaced:
                kept = known.get(id(children[place]))
                if kept is None or kept[0] is not children[place] or kept[1] or imports_in_statement(module.children[place]):
                    break
            else:
                for place in replaced:
                    del known[id(children[place])]
                    node = module.children[place]
                    known[id(node)] = (node, {})
                self._tables[key] = (list(module.children), table)
                return dict(table)
        seen, table = {}, {}
        for node in module.children:
            kept = known.get(id(node))
            if kept is None or kept[0] is not node:
                kept = (node, imports_in_statement(node))
            seen[id(node)] = kept
            if kept[1]:
                table.update(kept[1])
        self._imports[key] = seen
        self._tables[key] = (list(module.children), table)
        return dict(table)

    def forget(self, key: str) -> None:
        self._trees.pop(key, None)
        self._imports.pop(key, None)
        self._tables.pop(key, None)


def imports_in_statement(node) -> dict[str, str]:
    """Local name -> qualified name for the imports in one top-level statement, where parso's
    `iter_imports` finds them."""
    if node.type in ("import_name", "import_from"):
        return bindings_of_import(node)
    table: dict[str, str] = {}
    if node.type in _IMPORT_CONTAINERS:
        for child in node.children:
            table.update(imports_in_statement(child))
    return table
