"""Re-parse only the top-level statements an edit touched, and splice them into the previous tree.

parso tokenizes and parses left to right. Just before a token that starts a top-level statement at
column 0, right after a real NEWLINE token, its state is always the same: no open bracket, string,
f-string or line continuation, no indentation, nothing pending on the parser stack (so no DEDENT
left to omit either). Call such a token a seam. If both ends of the changed text are seams in the
old tree and in the new text, the new tree is: the old statements before the first seam, a parse
of the text between the seams on its own (tokenized from that line on), and the old statements
from the second seam on, moved by the lines the edit added or removed. `StatementTree.splice`
proves the seams before it trusts them, and declines (returns False) when it cannot; the caller
then parses some other way.

Left seam: the statement before the re-parsed text ends with a NEWLINE token, and the first token
of the re-parsed text is at column 0; and either the statement before is one that no later token
can continue (a `def`, a `class`, a simple statement: no `else`, `elif`, `except` or `finally` may
follow it), or that first token is the very token the old tree had there (same value, type and
position), so the parser takes the same steps at it as before.

Right seam: the first token of an unchanged statement after the edit, at column 0 after a NEWLINE
token in the old tree, must also start a top-level statement at column 0 after a NEWLINE token in
the parse of the new text. The re-parsed text therefore runs on to that token (and stops after it:
what follows it cannot change how the text before it parses).
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from parso.python.parser import Parser
from parso.python.tokenize import tokenize_lines
from parso.tree import BaseNode
from parso.utils import split_lines

# Top-level statements that no following token can continue: once one is complete, whatever
# comes next starts a new statement (unlike `if`, `for`, `while`, `try`, `async for`).
_COMPLETE = frozenset({"simple_stmt", "funcdef", "classdef", "decorated", "with_stmt", "newline"})

_ATTEMPTS = 6  # re-parses of a widening range before giving up on one edit
_MIN_BUDGET = 4_000  # characters re-parsed for one edit, at least ...
_BUDGET_SHARE = 24  # ... or 1/24 of the text: past that, parso's diff parser is cheaper


class StatementTree:
    """One document's text and its parso module, kept in step edit by edit.

    `starts[i]` is the offset where the text of `module.children[i]` begins (its first leaf's
    prefix included); the endmarker is the last child, its text the trailing blank lines and
    comments."""

    def __init__(self, text: str, module, grammar):
        self._grammar = grammar
        self._leaves: dict = {}  # top-level statement -> its leaves, to move them when lines shift
        self.reset(text, module)

    def reset(self, text: str, module) -> None:
        """Take a tree parsed some other way (first parse, diff parser)."""
        self.text = text
        self.module = module
        self._leaves.clear()
        # Offsets are counted with "\n" as the only line break; parso also breaks lines at a lone
        # "\r", so texts with one never take the statement path.
        self.starts = None if "\r" in text else _region_starts(text, module)

    def splice(self, new: str) -> bool:
        """Update the module to `new` by re-parsing the statements the edit touched; False (and
        nothing changed) when that is not proven to give the tree a full parse gives."""
        if self.starts is None or "\r" in new:
            return False
        old, children, starts = self.text, self.module.children, self.starts
        prefix = _common_prefix(old, new)
        suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
        changed_end = len(old) - suffix  # old[prefix:changed_end] became new[prefix:len(new) - suffix]
        moved = len(new) - len(old)
        last = len(children) - 1  # the endmarker
        budget = max(_MIN_BUDGET, len(new) // _BUDGET_SHARE)

        first = bisect_right(starts, prefix) - 1
        after = bisect_right(starts, changed_end) - 1
        if after < last and self._token_offset(after) < changed_end:
            after += 1
        for _ in range(_ATTEMPTS):
            while first > 0 and not _ends_with_newline(children[first - 1]):
                first -= 1
            while after < last and not self._right_seam_candidate(after, new, moved):
                after += 1
            start = starts[first]
            if after == last:
                end = len(new)
            else:
                sentinel = children[after].get_first_leaf()
                end = self._token_offset(after) + moved + len(sentinel.value)
            if end - start > budget:
                return False
            line = children[first - 1].get_last_leaf().end_pos[0] if first else 1
            chunk = new[start:end]
            if start and chunk.startswith("\ufeff"):  # a byte order mark is only one at offset 0
                return False
            parsed = self._parse(chunk, line)
            if not self._left_seam_holds(first, parsed):
                if first == 0:
                    return False
                first -= 1
                continue
            if after == last:
                self._replace_tail(first, parsed, start, line, chunk)
            else:
                index = self._right_seam(after, parsed, start, line, chunk, new, moved)
                if index is None:
                    after += 1
                    continue
                self._replace(first, after, parsed, index, start, line, chunk, moved)
            self.text = new
            return True
        return False

    # -- the seams ---------------------------------------------------------------------------

    def _token_offset(self, index: int) -> int:
        """Offset of the first token of child `index` in the old text."""
        return self.starts[index] + len(self.module.children[index].get_first_leaf().prefix)

    def _right_seam_candidate(self, index: int, new: str, moved: int) -> bool:
        """Child `index` may end the re-parsed range: in the old tree its first token is at column
        0 after a NEWLINE token, and in the new text it still starts a line."""
        children = self.module.children
        token = children[index].get_first_leaf()
        if token.column != 0 or (index and not _ends_with_newline(children[index - 1])):
            return False
        offset = self._token_offset(index) + moved
        return offset == 0 or new[offset - 1] == "\n"

    def _left_seam_holds(self, first: int, parsed) -> bool:
        if first == 0:
            return True  # the start of the text: parso's initial state
        before = self.module.children[first - 1]
        token = parsed.children[0].get_first_leaf()
        if token.type == "endmarker":  # nothing but blank lines and comments up to the end
            return _complete(before)
        if token.column != 0:
            return False
        if _complete(before):
            return True
        old = self.module.children[first].get_first_leaf()
        return (
            old.type != "endmarker"
            and (token.type, token.value, token.start_pos) == (old.type, old.value, old.start_pos)
        )

    def _right_seam(self, index: int, parsed, start: int, line: int, chunk: str, new: str, moved: int):
        """The position, among the re-parsed children, of the one that starts with the old child
        `index`'s first token, if it starts a statement there after a NEWLINE token; else None."""
        sentinel = self.module.children[index].get_first_leaf()
        offset = self._token_offset(index) + moved - start
        position = (line + chunk.count("\n", 0, offset), 0)
        children = parsed.children
        for at in range(len(children) - 2, -1, -1):  # the sentinel's statement is near the end
            token = children[at].get_first_leaf()
            if token.start_pos < position:
                return None
            if token.start_pos == position:
                if token.type != sentinel.type or token.value != sentinel.value:
                    return None
                if at and not _ends_with_newline(children[at - 1]):
                    return None
                return at
        return None

    # -- the splice --------------------------------------------------------------------------

    def _replace(self, first: int, after: int, parsed, index: int, start: int, line: int, chunk: str, moved: int):
        module, children = self.module, self.module.children
        sentinel = children[after].get_first_leaf()
        reparsed = parsed.children[index].get_first_leaf()
        shift = reparsed.line - sentinel.line
        sentinel.prefix = reparsed.prefix
        if shift:
            for child in children[after:]:
                for leaf in self._leaves_of(child):
                    leaf.line += shift
        nodes = parsed.children[:index]
        for node in nodes:
            node.parent = module
        for node in children[first:after]:
            self._leaves.pop(node, None)
        children[first:after] = nodes
        module._used_names = None  # parso's index of names: rebuilt on demand, as the diff parser does
        new_starts = _chunk_starts(nodes, start, line, chunk)
        sentinel_start = start + len(chunk) - len(sentinel.value) - len(sentinel.prefix)
        tail = [offset + moved for offset in self.starts[after + 1:]]
        self.starts[first:] = new_starts + [sentinel_start] + tail

    def _replace_tail(self, first: int, parsed, start: int, line: int, chunk: str):
        module, children = self.module, self.module.children
        nodes = parsed.children
        for node in nodes:
            node.parent = module
        for node in children[first:]:
            self._leaves.pop(node, None)
        children[first:] = nodes
        module._used_names = None
        self.starts[first:] = _chunk_starts(nodes, start, line, chunk)

    def _leaves_of(self, node) -> list:
        if not isinstance(node, BaseNode):
            return [node]
        leaves = self._leaves.get(node)
        if leaves is None:
            leaves = []
            _collect_leaves(node, leaves)
            self._leaves[node] = leaves
        return leaves

    def _parse(self, chunk: str, line: int):
        """The module of `chunk` alone, its positions counted from `line`."""
        tokens = tokenize_lines(
            split_lines(chunk, keepends=True), version_info=self._grammar.version_info, start_pos=(line, 0)
        )
        return Parser(self._grammar._pgen_grammar, error_recovery=True).parse(tokens)


def _complete(node) -> bool:
    if node.type in _COMPLETE:
        return True
    return node.type == "async_stmt" and node.children[1].type in ("funcdef", "with_stmt")


def _ends_with_newline(node) -> bool:
    """The statement ends with a NEWLINE token (the tokenizer's, not a newline inside a prefix)."""
    leaf = node.get_last_leaf()
    return leaf.type == "newline" and leaf.value == "\n"


def _collect_leaves(node, leaves: list) -> None:
    for child in node.children:
        if isinstance(child, BaseNode):
            _collect_leaves(child, leaves)
        else:
            leaves.append(child)


def _chunk_starts(nodes, start: int, line: int, chunk: str) -> list[int]:
    """The offsets where `nodes`, parsed from `chunk` (which begins at offset `start`, on `line`),
    begin in the whole text."""
    if not nodes:
        return []
    line_starts = [0, *accumulate(len(part) + 1 for part in chunk.split("\n"))]
    offsets = [start]
    for node in nodes[:-1]:
        end_line, end_column = node.get_last_leaf().end_pos
        offsets.append(start + line_starts[end_line - line] + end_column)
    return offsets


def _region_starts(text: str, module) -> list[int]:
    line_starts = [0, *accumulate(len(part) + 1 for part in text.split("\n"))]
    offsets = [0]
    for node in module.children[:-1]:
        end_line, end_column = node.get_last_leaf().end_pos
        offsets.append(line_starts[end_line - 1] + end_column)
    return offsets


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, compared in growing then halving slices (memcmp, not a loop
    over characters)."""
    limit = min(len(a), len(b))
    low, step = 0, 256
    while low + step <= limit and a[low:low + step] == b[low:low + step]:
        low += step
        step *= 2
    high = min(low + step, limit)
    while low < high:  # a[:low] == b[:low], and they differ before `high` (or high == limit)
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the common suffix, at most `limit`."""
    end_a, end_b = len(a), len(b)
    low, step = 0, 256
    while low + step <= limit and a[end_a - low - step:end_a - low] == b[end_b - low - step:end_b - low]:
        low += step
        step *= 2
    high = min(low + step, limit)
    while low < high:
        middle = (low + high + 1) // 2
        if a[end_a - middle:end_a - low] == b[end_b - middle:end_b - low]:
            low = middle
        else:
            high = middle - 1
    return low
