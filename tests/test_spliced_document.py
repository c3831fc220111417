"""The server's open documents (backend_ls/lsp/text.py) hold, after any incremental changes, the
text pygls' own document holds after the same changes, and its lines split as the whole text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec

from backend_ls.lsp.text import SplicedDocument

# Line breaks of every kind str.splitlines knows, characters outside the BMP (two UTF-16 units)
# and plain text: edits join and part "\r" + "\n" and land inside surrogate pairs' columns.
PIECES = st.sampled_from(["a", "bc", " ", "\n", "\r", "\r\n", "\x0c", "\u2028", "é", "𝄞", "def f():\n", "    x = 1\n"])
TEXTS = st.lists(PIECES, max_size=30).map("".join)


@st.composite
def changes(draw):
    """A change as an editor sends it: a range anywhere in or just past the text, in UTF-16."""
    line = draw(st.integers(0, 12))
    character = draw(st.integers(0, 12))
    end_line = draw(st.integers(line, line + 3))
    end_character = draw(st.integers(0, 12)) if end_line > line else draw(st.integers(character, character + 4))
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line, character), end=types.Position(end_line, end_character)),
        text=draw(TEXTS),
    )


def documents(text: str, encoding: types.PositionEncodingKind) -> tuple[TextDocument, SplicedDocument]:
    codec = PositionCodec(encoding)
    theirs = TextDocument("file:///tmp/x.py", source=text, version=1, position_codec=codec)
    ours = SplicedDocument(TextDocument("file:///tmp/x.py", source=text, version=1, position_codec=codec))
    return theirs, ours


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.lists(changes(), min_size=1, max_size=6), st.sampled_from([types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf32]))
def test_changes_give_the_text_and_lines_pygls_gives(text, edits, encoding):
    theirs, ours = documents(text, encoding)
    for change in edits:
        theirs.apply_change(change)
        ours.apply_change(change)
        assert ours.source == theirs.source
        assert ours.lines == ours.source.splitlines(keepends=True)


def test_a_change_makes_new_lines_and_leaves_the_old_ones_alone():
    _, ours = documents("a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n", types.PositionEncodingKind.Utf16)
    before = ours.lines
    ours.apply_change(
        types.TextDocumentContentChangePartial(range=types.Range(start=types.Position(2, 4), end=types.Position(2, 5)), text="33")
    )
    assert before == ["a = 1\n", "b = 2\n", "c = 3\n", "d = 4\n", "e = 5\n"]
    assert ours.lines == ["a = 1\n", "b = 2\n", "c = 33\n", "d = 4\n", "e = 5\n"] and ours.lines is not before
    # Lines beyond the edited one's neighbours are the same objects: nothing split them again.
    assert ours.lines[0] is before[0] and ours.lines[4] is before[4]


def test_a_whole_text_change_replaces_everything():
    _, ours = documents("a = 1\n", types.PositionEncodingKind.Utf16)
    ours.apply_change(types.TextDocumentContentChangeWholeDocument(text="b = 2\r\nc = 3"))
    assert ours.source == "b = 2\r\nc = 3" and ours.lines == ["b = 2\r\n", "c = 3"]
