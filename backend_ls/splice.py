"""Re-parse only the statements an edit touched, and splice them into the previous tree.

parso tokenizes and parses left to right. Just before a token that starts a top-level statement at
column 0, right after a real NEWLINE token, its state is always the same: no open bracket, string,
f-string or line continuation, no indentation, nothing pending on the parser stack (so no DEDENT
left to omit either). Call such a token a seam. If both ends of the changed text are seams in the
old tree and in the new text, the new tree is: the old statements before the first seam, a parse
of the text between the seams on its own (tokenized from that line on), and the old statements
from the second seam on, moved by the lines the edit added or removed. `StatementTree.splice`
proves the seams before it trusts them, and declines (returns None) when it cannot; the caller
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

One level down, the statements of a top-level `def` or `class` body have seams too, at the body's
column (see `_splice_in_body`): an edit inside a function re-parses the statement of its body it
touched, not the whole function.
"""

from __future__ import annotations

import copy
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from parso.python.parser import Parser
from parso.python.tokenize import tokenize_lines
from parso.tree import BaseNode
from parso.utils import split_lines

# Top-level statements that no following token can continue: once one is complete, whatever
# comes next starts a new statement (unlike `if`, `for`, `while`, `try`, `async for`).
_COMPLETE = frozenset({"simple_stmt", "funcdef", "classdef", "decorated", "with_stmt", "newline"})

# Parsed before the statements of a top-level body: it puts the body's indentation on the
# tokenizer's stack and a suite on the parser's, as the real header does.
_STAND_IN = "class _:\n"
_INDENTATION_ERRORS = frozenset({"INDENT", "DEDENT", "ERROR_DEDENT"})
_ATTEMPTS = 8  # parses of a widening range before one edit gives up
# Tokens parsed for one edit, over all attempts: at least _MIN_TOKENS, or one per _TEXT_PER_TOKEN
# characters of the text. A token costs parso about 5 µs; past this, its diff parser is cheaper.
_MIN_TOKENS = 500
_TEXT_PER_TOKEN = 100


class _OverBudget(Exception):
    pass


@dataclass
class _Stash:
    """Old statements from a seam to the end of the text, which an edit swallowed (an unterminated
    triple-quoted string runs to the end of the file). When a later edit gives back the text they
    were parsed from, they are spliced back in instead of a parse of the rest of the module."""

    text: str  # from the first token of nodes[0] to the end of the text
    nodes: list  # statements, then the endmarker
    starts: list[int]  # where the text of nodes[1:] begins, from the first token of nodes[0]
    leaves: dict = field(default_factory=dict)


class StatementTree:
    """One document's text and its parso module, kept in step edit by edit.

    `starts[i]` is the offset where the text of `module.children[i]` begins (its first leaf's
    prefix included); the endmarker is the last child, its text the trailing blank lines and
    comments."""

    def __init__(self, text: str, module, grammar):
        self._grammar = grammar
        self._leaves: dict = {}  # top-level statement -> its leaves, to move them when lines shift
        self._stash: _Stash | None = None
        self.reset(text, module)

    def reset(self, text: str, module) -> None:
        """Take a tree parsed some other way (first parse, diff parser)."""
        self.text = text
        self.module = module
        self._leaves.clear()
        # Lines are counted at "\n" (which ends "\r\n" too); parso also breaks lines at a lone
        # "\r", so a text with one never takes the statement path.
        self.starts = None if _lone_carriage_returns(text) else _region_starts(text, module)

    def splice(self, new: str) -> str | None:
        """Update the module to `new` by re-parsing the statements the edit touched: "body" when
        they were statements of a top-level body, "statements" when top-level ones; None (and
        nothing changed) when that is not proven to give the tree a full parse gives."""
        try:
            return self._splice_text(new)
        except _OverBudget:
            return None

    def _splice_text(self, new: str) -> str | None:
        if self.starts is None:
            return None
        old, children, starts = self.text, self.module.children, self.starts
        prefix = _common_prefix(old, new)
        suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
        changed_end = len(old) - suffix  # old[prefix:changed_end] became new[prefix:len(new) - suffix]
        if "\r" in new and _lone_carriage_returns(new, max(0, prefix - 1), len(new) - suffix + 1):
            return None
        moved = len(new) - len(old)
        last = len(children) - 1  # the endmarker
        budget = [max(_MIN_TOKENS, len(new) // _TEXT_PER_TOKEN)]
        if self._splice_in_body(new, prefix, changed_end, moved, budget):
            self.text = new
            return "body"

        first = bisect_right(starts, prefix) - 1
        after = bisect_right(starts, changed_end) - 1
        if after < last and self._token_offset(after) < changed_end:
            after += 1
        untouched = after  # the first statement the edit left as it was
        widen, stashed = 1, True
        for _ in range(_ATTEMPTS):
            while first > 0 and not _ends_with_newline(children[first - 1]):
                first -= 1
            while after < last and not self._right_seam_candidate(after, new, moved):
                after += 1
            start = starts[first]
            stash = self._stash_for(new, start) if after == last and stashed else None
            if stash is not None:
                sentinel, end = stash.nodes[0].get_first_leaf(), len(new) - len(stash.text)
            elif after < last:
                sentinel, end = children[after].get_first_leaf(), self._token_offset(after) + moved
            else:
                sentinel, end = None, len(new)
            if sentinel is not None:
                end += len(sentinel.value)
            chunk = new[start:end]
            line = children[first - 1].get_last_leaf().end_pos[0] if first else 1
            # A byte order mark is one only at the start of the text: elsewhere, begin before it.
            parsed = None if start and chunk.startswith("\ufeff") else self._parse(chunk, line, budget)
            if parsed is None or not self._left_seam_holds(first, parsed):
                if first == 0:
                    return None
                first -= 1
                continue
            if sentinel is None:
                self._keep_stash(old, untouched, first)
                self._splice(first, last + 1, parsed.children)
                self.starts[first:] = _chunk_starts(parsed.children, start, line, chunk)
                break
            index = _right_seam(sentinel, parsed.children[:-1], len(chunk) - len(sentinel.value), line, chunk)
            if index is None:
                if stash is not None:
                    stashed = False  # its text is there, but not at a seam (yet): parse to the end
                elif _ends_in_open_string(parsed):
                    after = last  # the rest of the text is in that string
                else:
                    after = min(after + widen, last)
                    widen *= 2
                continue
            nodes, reparsed = parsed.children[:index], parsed.children[index].get_first_leaf()
            token_offset = start + len(chunk) - len(sentinel.value)
            if stash is not None:
                self._stash = None
                _follow(stash.nodes, sentinel, reparsed, stash.leaves)
                self._leaves.update(stash.leaves)
                self._splice(first, last + 1, nodes + stash.nodes)
                rest = [token_offset + offset for offset in stash.starts]
            else:
                _follow(children[after:], sentinel, reparsed, self._leaves)
                self._splice(first, after, nodes)
                rest = [offset + moved for offset in starts[after + 1:]]
            self.starts[first:] = [
                *_chunk_starts(nodes, start, line, chunk),
                token_offset - len(sentinel.prefix),
                *rest,
            ]
            break
        else:
            return None
        self.text = new
        return "statements"

    def _splice_in_body(self, new: str, prefix: int, changed_end: int, moved: int, budget: list[int]) -> bool:
        """When the edit lies inside the body of one top-level `def` or `class`, re-parse only the
        statements of that body it touched. They are parsed under a stand-in header (`class _:`)
        that gives the tokenizer and the parser the state they have at a seam of the real body:
        the body's indentation on the stack, inside a suite that has its NEWLINE and INDENT (the
        suite's place in the grammar is the same whatever statement it belongs to, and error
        recovery stops at the innermost suite). The seams are those of the top level, at the
        body's column instead of 0; the right one may also be the next top-level statement, when
        the edit is in the body's last statement. False when the edit is elsewhere or no seam
        holds: the top level then takes the edit."""
        children, starts = self.module.children, self.starts
        index = bisect_right(starts, prefix) - 1
        if index and prefix <= self._token_offset(index):
            index -= 1  # text put in the blank lines after a body may go on with it
        if index >= len(children) - 1 or (index and not _ends_with_newline(children[index - 1])):
            return False
        if changed_end > self._token_offset(index + 1):
            return False
        top = children[index]
        definition = top.children[-1] if top.type == "decorated" else top
        if definition.type not in ("funcdef", "classdef") or definition.start_pos[1] != 0 or top.start_pos[1] != 0:
            return False
        suite = definition.children[-1]
        if suite.type != "suite":
            return False
        body = suite.children[1:]
        column = body[0].get_first_leaf().column
        region = self.text[starts[index]:starts[index + 1]]
        line_starts = list(accumulate((len(part) + 1 for part in region.split("\n")), initial=starts[index]))
        top_line = top.get_first_leaf().line - top.get_first_leaf().prefix.count("\n")
        body_starts = [
            line_starts[end_line - top_line] + end_column
            for end_line, end_column in (node.get_last_leaf().end_pos for node in suite.children[:-1])
        ]
        first = bisect_right(body_starts, prefix) - 1
        after = bisect_right(body_starts, changed_end) - 1
        if first < 0 or after < 0:
            return False

        def token_offset(at: int) -> int:
            return body_starts[at] + len(body[at].get_first_leaf().prefix)

        def seam_candidate(at: int) -> bool:
            token = body[at].get_first_leaf()
            offset = token_offset(at) + moved
            return (
                token.column == column
                and _ends_with_newline(body[at - 1] if at else suite.children[0])
                and new.rfind("\n", 0, offset) == offset - column - 1
            )

        if after < len(body) and token_offset(after) < changed_end:
            after += 1
        widen = 1
        for _ in range(_ATTEMPTS):
            while first > 0 and not _ends_with_newline(body[first - 1]):
                first -= 1
            while after < len(body) and not seam_candidate(after):
                after += 1
            if not _indentation_intact(body[:after]):
                return False
            if after < len(body):
                sentinel, end = body[after].get_first_leaf(), token_offset(after) + moved
            elif index + 1 < len(children) - 1 and self._right_seam_candidate(index + 1, new, moved):
                sentinel, end = children[index + 1].get_first_leaf(), self._token_offset(index + 1) + moved
            else:
                return False
            end += len(sentinel.value)
            start = body_starts[first]
            line = (body[first - 1] if first else suite.children[0]).end_pos[0]
            text = new[start:end]
            parsed = self._parse(_STAND_IN + text, line - 1, budget)
            stand_in = parsed.children[0]
            if stand_in.type != "classdef" or stand_in.children[-1].type != "suite":
                return False  # the edit ends the body early: a matter for the top level
            statements = stand_in.children[-1].children[1:]
            token = statements[0].get_first_leaf()
            old = body[first].get_first_leaf()
            if token.column != column or not (
                first == 0
                or _complete(body[first - 1])
                or (token.type, token.value, token.start_pos) == (old.type, old.value, old.start_pos)
            ):
                if first == 0:
                    return False
                first -= 1
                continue
            if after < len(body):  # the sentinel starts a statement of the body
                at = _right_seam(sentinel, statements, len(text) - len(sentinel.value), line, text, column)
                if at is None:
                    after = min(after + widen, len(body))
                    widen *= 2
                    continue
                if not _indentation_intact(statements[:at]):
                    return False
                reparsed, nodes = statements[at].get_first_leaf(), statements[:at]
            else:  # the sentinel starts the next top-level statement: the body ends before it
                if _right_seam(sentinel, parsed.children[:2], len(text) - len(sentinel.value), line, text) != 1:
                    return False
                reparsed, nodes = parsed.children[1].get_first_leaf(), statements
            shift = reparsed.line - sentinel.line
            sentinel.prefix = reparsed.prefix
            if shift:
                _shift(body[after:], shift, {})  # not in the cache, which holds top-level statements
                _shift(children[index + 1:], shift, self._leaves)
            for node in nodes:
                node.parent = suite
            suite.children[1 + first:1 + after] = nodes
            # A new node for the top-level statement: the editor's facts cache holds on to the ones
            # it saw, and this one's text changed.
            renewed = copy.copy(top)
            renewed.children = list(top.children)
            for child in renewed.children:
                child.parent = renewed
            children[index] = renewed
            self._leaves.pop(top, None)
            self.module._used_names = None
            following = [offset + moved for offset in starts[index + 1:]]
            if after == len(body):
                following[0] = start + len(text) - len(sentinel.value) - len(sentinel.prefix)
            self.starts[index + 1:] = following
            return True
        return False

    # -- the seams ---------------------------------------------------------------------------

    def _token_offset(self, index: int) -> int:
        """Offset of the first token of child `index` in the current text."""
        return self.starts[index] + len(self.module.children[index].get_first_leaf().prefix)

    def _right_seam_candidate(self, index: int, new: str, moved: int) -> bool:
        """Child `index` may end the re-parsed range: in the old tree its first token is at column
        0 after a NEWLINE token, and in the new text it still starts a line."""
        if not self._seam_in_old_tree(index):
            return False
        offset = self._token_offset(index) + moved
        return offset == 0 or new[offset - 1] == "\n"

    def _seam_in_old_tree(self, index: int) -> bool:
        children = self.module.children
        return children[index].get_first_leaf().column == 0 and (
            index == 0 or _ends_with_newline(children[index - 1])
        )

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
        return old.type != "endmarker" and (token.type, token.value, token.start_pos) == (
            old.type,
            old.value,
            old.start_pos,
        )

    # -- the splice --------------------------------------------------------------------------

    def _splice(self, first: int, stop: int, nodes: list) -> None:
        """children[first:stop] become `nodes`."""
        module, children = self.module, self.module.children
        for node in nodes:
            node.parent = module
        for node in children[first:stop]:
            self._leaves.pop(node, None)
        children[first:stop] = nodes
        module._used_names = None  # parso's index of names: rebuilt on demand, as the diff parser does

    def _keep_stash(self, old: str, untouched: int, first: int) -> None:
        """Before the statements from `first` to the end are replaced by a re-parse of the rest of
        the text: keep those the edit did not touch (from `untouched` on), for `_stash_for`. They
        are detached from the tree by the splice, so nothing changes them any more."""
        children = self.module.children
        if untouched >= len(children) - 1 or untouched < first or not self._seam_in_old_tree(untouched):
            return
        token = self._token_offset(untouched)
        leaves = {node: self._leaves[node] for node in children[untouched:] if node in self._leaves}
        self._stash = _Stash(
            old[token:], children[untouched:], [offset - token for offset in self.starts[untouched + 1:]], leaves
        )

    def _stash_for(self, new: str, start: int) -> _Stash | None:
        stash = self._stash
        if stash is None or len(stash.text) > len(new) - start or not new.endswith(stash.text):
            return None
        offset = len(new) - len(stash.text)
        return stash if offset == 0 or new[offset - 1] == "\n" else None

    def _parse(self, chunk: str, line: int, budget: list[int]):
        """The module of `chunk` alone, its positions counted from `line`."""
        tokens = tokenize_lines(
            split_lines(chunk, keepends=True), version_info=self._grammar.version_info, start_pos=(line, 0)
        )
        return Parser(self._grammar._pgen_grammar, error_recovery=True).parse(_counted(tokens, budget))


def _follow(nodes: list, sentinel, reparsed, cache: dict) -> None:
    """Old statements that come after the re-parsed ones, `sentinel` their first token and
    `reparsed` that token in the new parse: their lines move with the edit, and the sentinel takes
    its new prefix."""
    shift = reparsed.line - sentinel.line
    sentinel.prefix = reparsed.prefix
    if shift:
        _shift(nodes, shift, cache)


def _shift(nodes: list, shift: int, cache: dict) -> None:
    for node in nodes:
        for leaf in _leaves_of(node, cache):
            leaf.line += shift


def _counted(tokens, budget: list[int]):
    left = budget[0]
    for token in tokens:
        left -= 1
        if left < 0:
            raise _OverBudget
        yield token
    budget[0] = left


def _right_seam(sentinel, statements: list, offset: int, line: int, text: str, column: int = 0):
    """The position, among the re-parsed `statements`, of the one that starts with `sentinel`'s
    token, at `offset` of the re-parsed `text` (which begins on `line`) and at `column`, if it
    starts a statement there after a NEWLINE token; else None."""
    position = (line + text.count("\n", 0, offset), column)
    for at in range(len(statements) - 1, -1, -1):  # the sentinel's statement is near the end
        token = statements[at].get_first_leaf()
        if token.start_pos < position:
            return None
        if token.start_pos == position:
            if token.type != sentinel.type or token.value != sentinel.value:
                return None
            if at and not _ends_with_newline(statements[at - 1]):
                return None
            return at
    return None


def _ends_in_open_string(parsed) -> bool:
    """The chunk ends inside a string that spans lines (an unterminated triple-quoted one)."""
    leaf = parsed.children[-1].get_previous_leaf()
    return leaf is not None and leaf.type == "error_leaf" and "\n" in leaf.value


def _indentation_intact(statements: list) -> bool:
    """No statement of a body's suite is an indentation error. An unexpected indent, or a dedent to
    a column the tokenizer never indented to (which rewrites the body's own level on its stack),
    leaves the tokenizer and parser in a state the body's column alone does not tell: such errors
    always land in the innermost suite, as one of its statements."""
    return not any(node.type == "error_leaf" and node.token_type in _INDENTATION_ERRORS for node in statements)


def _complete(node) -> bool:
    if node.type in _COMPLETE:
        return True
    return node.type == "async_stmt" and node.children[1].type in ("funcdef", "with_stmt")


def _ends_with_newline(node) -> bool:
    """The statement ends with a NEWLINE token (the tokenizer's, not a newline inside a prefix)."""
    leaf = node.get_last_leaf()
    return leaf.type == "newline" and leaf.value in ("\n", "\r\n")


def _leaves_of(node, cache: dict) -> list:
    if not isinstance(node, BaseNode):
        return [node]
    leaves = cache.get(node)
    if leaves is None:
        cache[node] = leaves = []
        _collect_leaves(node, leaves)
    return leaves


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


def _lone_carriage_returns(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether text[start:end] holds a "\r" that does not begin a "\r\n"."""
    end = len(text) if end is None else min(end, len(text))
    window = text[start:end + 1]  # and one character more: the "\n" after a "\r" at end - 1
    lone = window.count("\r") - window.count("\r\n")
    if end < len(text) and window.endswith("\r"):  # that character is not in the range
        lone -= 1
    return lone > 0


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
