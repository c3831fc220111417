"""The keystroke parser: after any sequence of edits, the tree DocumentParser keeps (spliced statement
by statement, or updated by the diff parser) is the tree a fresh parse of the text gives: the same
code, the same leaves (type, value, position, prefix), the same shape, the same facts."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend_ls.analysis import grammar
from backend_ls.documents import DocumentParser
from backend_ls.facts import module_facts
from backend_ls.facts.names import imports_of

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT.parent / "benchmarks"))
from generate import module_source  # noqa: E402

FIXTURES = sorted((ROOT / "fixtures").rglob("*.py"))
PIECES = [
    "x", "_", "1", ".", ",", "=", " ", "    ", "\t", "\n", "\n\n", "\n    ", "\\", "\\\n", "#", "# note\n",
    "(", ")", "[", "]", "{", "}", "'", '"', "'''", '"""', "f'{", "b'", ":", ";", "->", "@",
    "def ", "class ", "async ", "lambda", "return ", "else:", "elif x:", "except:", "finally:",
    "if x:\n", "try:\n", "def f(", "class C(", "@app.get('/a')\n", "\nx = (", "\ndef g():\n    return 1\n",
    "\n@bp.route('/b')\ndef b():\n    pass\n", "import os\n", "\ufeff", "\r\n", "\r", "\x0c",
]  # fmt: skip

APP = '''"""Orders."""

import requests
from flask import Flask

app = Flask(__name__)


@app.get("/orders/<int:order_id>")
def show(order_id):
    record = Order.query.get(order_id)
    total = 0
    return {"id": record.id, "total": total}


@app.post("/orders")
def create():
    payload = request.get_json()
    requests.post("https://audit.example.com", json=payload)
    return {}, 201


if app.debug:
    print("debug")


class Order:
    id = 1
# trailing comment
'''

VIEWS = '''from rest_framework import viewsets


@register
class OrderViewSet(viewsets.ModelViewSet):
    """Orders."""

    queryset = Order.objects.all()

    def list(self, request):
        orders = self.get_queryset()
        if request.user.is_staff:
            orders = orders.all()
        return Response(orders)

    # a comment about retrieve
    @action(detail=True)
    def retrieve(self, request, pk=None):
        order = self.get_object()
        return Response(order)

    async def destroy(self, request, pk=None):
        def inner():
            return 1
        return inner()


def helper(items):
    total = 0
    for item in items:
        total += item
    if total:
        total -= 1
    return total
'''

SOURCES = [path.read_text() for path in FIXTURES if path.stat().st_size > 200] + [module_source("orders", 200), APP, VIEWS]


def leaves(module) -> list[tuple]:
    found, leaf = [], module.get_first_leaf()
    while leaf is not None:
        found.append((leaf.type, leaf.value, leaf.start_pos, leaf.prefix))
        leaf = leaf.get_next_leaf()
    return found


def shape(node, depth: int = 0) -> list[tuple]:
    """Node types by depth, in order; every child's parent is the node it is in."""
    rows = [(depth, node.type)]
    for child in getattr(node, "children", ()):
        assert child.parent is node, f"{child!r} does not point at {node!r}"
        rows += shape(child, depth + 1)
    return rows


def assert_same_tree(module, text: str) -> None:
    fresh = grammar().parse(text, error_recovery=True)
    assert module.get_code() == text
    assert leaves(module) == leaves(fresh)
    assert shape(module) == shape(fresh)


def splice_at(text: str, where: str, position: float) -> int:
    at = int(position * len(text))
    if where == "line start":
        return text.rfind("\n", 0, at) + 1
    if where == "line end":
        end = text.find("\n", at)
        return len(text) if end < 0 else end
    if where == "between statements":
        gap = text.rfind("\n\n", 0, at)
        return 0 if gap < 0 else gap + 1
    if where == "end":
        return len(text)
    if where == "in a body":  # just after the indentation of an indented line
        line = text.find("\n    ", at)
        return at if line < 0 else line + 5
    return at


edit = st.one_of(
    st.tuples(
        st.sampled_from(["anywhere", "in a body", "in a body", "line start", "line end", "between statements", "end"]),
        st.floats(0, 1),
        st.sampled_from([0, 0, 0, 1, 1, 2, 4, 12, 40]),
        st.one_of(st.sampled_from(PIECES), st.text(alphabet="ab(): \n'\"#\\", max_size=4)),
    ),
    st.tuples(st.just("undo"), st.floats(0, 1), st.just(0), st.just("")),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(SOURCES))), st.lists(edit, min_size=1, max_size=10))
def test_spliced_tree_equals_fresh_parse(source, sequence):
    parser, key = DocumentParser(), "/typing/module.py"
    text = SOURCES[source]
    history = [text]
    parser.parse(key, text)
    for where, position, remove, piece in sequence:
        if where == "undo":  # back to an earlier version: what the stash of swallowed statements is for
            text = history[int(position * (len(history) - 1))]
        else:
            at = splice_at(text, where, position)
            text = text[:at] + piece + text[at + remove:]
        history.append(text)
        before = {id(node): (node, node.get_code(include_prefix=False)) for node in parser.parse(key, history[-2]).children}
        module = parser.parse(key, text)
        assert_same_tree(module, text)
        assert module_facts(module, key) == module_facts(grammar().parse(text), key)
        assert parser.imports(key, module) == imports_of(grammar().parse(text))
        if parser.kept_untouched_statements:  # what the editor's facts cache relies on
            for node in module.children:
                kept = before.get(id(node))
                assert kept is None or kept[0] is not node or kept[1] == node.get_code(include_prefix=False)


def parsed_after(edits: list[tuple[str, str]], text: str) -> tuple[DocumentParser, object, str]:
    """Parse `text`, then each (old, new) replacement of its first occurrence in turn, checking
    each tree; the parser, the last module and text."""
    parser = DocumentParser()
    module = parser.parse("/t.py", text)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
        module = parser.parse("/t.py", text)
        assert_same_tree(module, text)
    return parser, module, text


def test_a_one_character_edit_in_a_function_body_reparses_that_statement_only():
    parser, _, _ = parsed_after([("total = 0", "totalx = 0"), ("totalx = 0", "total = 0")], APP)
    assert parser.kinds == {"full": 1, "body": 2}


def test_a_generated_module_edited_as_the_benchmark_does_takes_the_statement_path_every_time():
    text = module_source("orders", 2000)
    parser = DocumentParser()
    parser.parse("/orders.py", text)
    spots = [index for index in range(len(text)) if text.startswith("    record = ", index)][::40]
    for at in spots:
        for new in (text[:at + 10] + "x" + text[at + 10:], text):
            parser.parse("/orders.py", new)
            assert parser.last_parse_kind == "body"
    assert_same_tree(parser.parse("/orders.py", text), text)


def test_statements_after_an_edit_that_adds_lines_move_with_it():
    parser, module, text = parsed_after([("    total = 0\n", "    total = 0\n\n\n    # more\n")], APP)
    assert parser.last_parse_kind == "body"
    order = next(child for child in module.children if child.type == "classdef")
    assert order.start_pos == (text[: text.index("class Order")].count("\n") + 1, 0)
    parsed_after([("    total = 0\n    return", "    return")], APP)


@pytest.mark.parametrize(
    "old,new",
    [
        ("    total = 0\n", "    total = foo(\n"),  # an open bracket inside a body reaches the next definition
        ("    return {}, 201\n", "    return {}, (201\n"),  # ... and past the `if`
        ("    return {}, 201\n", "    return {}, 201 \\\n"),  # a line continuation on the last line
        ("    total = 0\n", '    total = "0\n'),  # an unterminated string stops at the end of its line
        ("    total = 0\n", "    total = '''0\n"),  # an unterminated triple-quoted one runs to the end
        ('    print("debug")\n', '    print("debug")\nelse:\n    print("no")\n'),  # continues the `if`
        ("\n\nclass Order", "\n\nelse:\n    pass\nclass Order"),  # an `else` after a complete statement
        ("\n\nclass Order", "\n\n    y = 1\nclass Order"),  # an indented line joins the statement before
        ("@app.post", "    @app.post"),
        ("@app.post", "def half(\n@app.post"),  # a half-typed definition between two
        ("@app.post", "class Half(\n@app.post"),
        ("@app.post", "async \n@app.post"),
        ("@app.post", "@\n@app.post"),
        ('"""Orders."""', '"""Orders.'),  # the module docstring opens and swallows everything
        ("class Order:\n    id = 1\n", "class Order:\n    id = (1\n"),  # the last statement, then the endmarker
        ("# trailing comment\n", "# trailing comment\n    x = 1\n"),
        ("# trailing comment\n", "# trailing comment\ndef f("),
        ("# trailing comment\n", ""),
        ("import requests\n", ""),
        ("import requests\n", "import requests\n\\\n"),
        ('"""Orders."""', '\ufeff"""Orders."""'),
        ("app = Flask(__name__)", "app = Flask(__name__"),
        ("if app.debug:", "if app.debug"),
        ("def create():", "def create()"),
        ("def create():", "def create():\n"),
        ("    return {}, 201\n", ""),
        ("\n\n\nclass Order", "class Order"),
    ],
)
def test_broken_code_mid_keystroke_gives_the_tree_of_a_fresh_parse(old, new):
    parser, _, text = parsed_after([(old, new)], APP)
    parsed_after([(old, new), (new, old)], APP)  # and taking it back


def test_text_typed_at_the_end_and_between_statements():
    for start in (len(APP), APP.index("\n\nif app.debug") + 1):
        parser, text, at = DocumentParser(), APP, start
        parser.parse("/t.py", text)
        for typed in "def g(x):\n    return x\n":
            text = text[:at] + typed + text[at:]
            at += 1
            assert_same_tree(parser.parse("/t.py", text), text)
        assert parser.kinds["diff"] == 0


def test_statements_swallowed_by_an_unterminated_string_come_back_when_it_is_closed():
    text = APP
    parser = DocumentParser()
    module = parser.parse("/t.py", text)
    before = [child for child in module.children if child.type in ("if_stmt", "classdef")]
    at = text.index("    total = 0") + 4
    for typed in ('"', '""', '"""', '"""N', '"""No', '"""No"', '"""No""', '"""No"""'):
        current = text[:at] + typed + "\n    " + text[at:]
        module = parser.parse("/t.py", current)
        assert_same_tree(module, current)
        assert parser.last_parse_kind in ("body", "statements")
    after = [child for child in module.children if child.type in ("if_stmt", "classdef")]
    assert all(old is new for old, new in zip(before, after, strict=True))


def test_windows_line_ends_take_the_statement_path_and_a_lone_carriage_return_the_diff_parser():
    text = APP.replace("\n", "\r\n")
    parser, _, _ = parsed_after([("total = 0", "total = 1"), ("total = 1", "total = (1"), ("@app.post", "x = 1\r\n@app.post")], text)
    assert parser.kinds["diff"] == 0
    parser, _, _ = parsed_after([("total = 0", "total = 1"), ("total = 1", "total\r= 1"), ("total\r= 1", "total = 1")], text)
    assert parser.kinds["diff"] == 2  # parso breaks lines at a lone "\r"


def test_an_edit_across_many_statements_takes_the_diff_parser():
    text = module_source("orders", 600)
    parser = DocumentParser()
    parser.parse("/t.py", text)
    middle = len(text) // 2
    changed = text[:1000] + text[1000:middle].replace("record", "row") + text[middle:]
    assert_same_tree(parser.parse("/t.py", changed), changed)
    assert parser.last_parse_kind == "diff"
    edited = changed.replace("total = 0", "total = 1", 1)  # the statement path again, on the diff parser's tree
    assert_same_tree(parser.parse("/t.py", edited), edited)
    assert parser.last_parse_kind == "body"


def test_unchanged_text_and_forget():
    parser = DocumentParser()
    module = parser.parse("/t.py", APP)
    assert parser.parse("/t.py", APP) is module and parser.last_parse_kind == "unchanged"
    parser.forget("/t.py")
    assert parser.parse("/t.py", APP) is not module and parser.last_parse_kind == "full"
    parser.forget("/never-parsed.py")


def test_the_index_of_names_follows_the_edits():
    parser = DocumentParser()
    module = parser.parse("/t.py", APP)
    assert "total" in module.get_used_names()
    module = parser.parse("/t.py", APP.replace("total", "amount"))
    assert "total" not in module.get_used_names()
    fresh = grammar().parse(APP.replace("total", "amount")).get_used_names()
    assert {name: [leaf.start_pos for leaf in found] for name, found in module.get_used_names().items()} == {
        name: [leaf.start_pos for leaf in found] for name, found in fresh.items()
    }


def test_random_typing_sessions_over_the_fixtures():
    """Longer sessions than the property test: 100 edits each, reverted now and then."""
    rng = random.Random(6)
    parser = DocumentParser()
    for session in range(4):
        text = rng.choice(SOURCES)
        history = [text]
        key = f"/session/{session}.py"
        parser.parse(key, text)
        for _ in range(100):
            if rng.random() < 0.15:
                text = rng.choice(history)
            else:
                at = splice_at(text, rng.choice(["anywhere", "line start", "line end", "between statements"]), rng.random())
                text = text[:at] + rng.choice(PIECES) + text[at + rng.choice([0, 0, 1, 3]):]
            history.append(text)
            module = parser.parse(key, text)
            assert_same_tree(module, text)
            assert parser.imports(key, module) == imports_of(grammar().parse(text))
        parser.forget(key)
    assert parser.kinds["statements"] > 2 * parser.kinds["diff"]


def test_an_edit_in_a_method_reparses_statements_of_the_class_body_only():
    parser, module, text = parsed_after([("order = self.get_object()", "order = self.get_objectx()")], VIEWS)
    assert parser.last_parse_kind == "body"


def test_an_edit_in_the_last_statement_of_a_body_ends_at_the_next_top_level_statement():
    parser, _, _ = parsed_after([("return inner()", "return inner(1)"), ("return inner(1)", "return inner(\n")], VIEWS)
    assert parser.kinds["body"] == 1  # the open bracket reaches `def helper`: the top level takes it
    parser, _, _ = parsed_after([("        return inner()\n", "        return inner()\n\n    x = 1\n")], VIEWS)
    assert parser.last_parse_kind == "body"


def test_a_body_splice_renews_the_top_level_statement_and_keeps_the_others():
    parser = DocumentParser()
    before = list(parser.parse("/v.py", VIEWS).children)
    text = VIEWS.replace("total = 0", "total = 10")
    after = parser.parse("/v.py", text).children
    assert parser.last_parse_kind == "body"
    assert [old is new for old, new in zip(before, after, strict=True)] == [True, True, False, True]
    assert_same_tree(parser.parse("/v.py", text), text)


@pytest.mark.parametrize(
    "old,new",
    [
        ("        orders = self.get_queryset()\n", "        orders = self.get_queryset(\n"),  # leaks past the method
        ("        orders = self.get_queryset()\n", "orders = self.get_queryset()\n"),  # a line at column 0 ends the class
        ("        orders = self.get_queryset()\n", "      orders = self.get_queryset()\n"),  # an inconsistent dedent
        ("        orders = self.get_queryset()\n", "            orders = self.get_queryset()\n"),  # an unexpected indent
        ("            orders = orders.all()\n", "            orders = orders.all()\n        else:\n"),  # continues the `if`
        ("        return Response(orders)\n", "        else:\n            pass\n        return Response(orders)\n"),
        ("    # a comment about retrieve\n", "# a comment at column 0\n"),
        ("    # a comment about retrieve\n", "    x = 1\n"),
        ("    # a comment about retrieve\n", "    def half(\n"),
        ("    # a comment about retrieve\n", "    @\n"),
        ("    @action(detail=True)\n", "    @action(detail=True\n"),
        ("    async def destroy", "    async destroy"),
        ("            return 1\n", "            return '''1\n"),
        ('    """Orders."""\n', '    """Orders.\n'),
        ("    queryset = Order.objects.all()\n", "    queryset = Order.objects.all() \\\n"),
        ("    for item in items:\n", "    for item in items\n"),
        ("    if total:\n        total -= 1\n", "    if total:\n        total -= 1\n    else:\n"),
        ("        total -= 1\n", "        total -= 1\n  y = 2\n"),
    ],
)
def test_broken_code_in_a_body_gives_the_tree_of_a_fresh_parse(old, new):
    parsed_after([(old, new), (new, old)], VIEWS)


def test_typing_a_method_into_a_class_body():
    at = VIEWS.index("    # a comment about retrieve")
    text, parser = VIEWS, DocumentParser()
    parser.parse("/v.py", text)
    for typed in "    def cancel(self, request):\n        order = self.get_object(\n        return 1\n\n":
        text = text[:at] + typed + text[at:]
        at += 1
        assert_same_tree(parser.parse("/v.py", text), text)
    assert parser.kinds["diff"] == 0 and parser.kinds["body"] > 30


def test_the_imports_kept_for_a_document_are_those_of_its_statements_now():
    """Edits that import nothing answer the last table, and let go of the statements they replaced."""
    parser, key = DocumentParser(), "/typing/kept.py"
    text = "import os\nfrom flask import Flask\n\n\ndef handler():\n    value = 1\n    return value\n"
    module = parser.parse(key, text)
    assert parser.imports(key, module) == {"os": "os", "Flask": "flask.Flask"}
    for number in range(30):
        text = text.replace("value = ", f"value{number} = " if number % 2 == 0 else "value = ", 1).replace(f"value{number - 1} = ", "value = ", 1)
        module = parser.parse(key, text)
        assert parser.imports(key, module) == imports_of(grammar().parse(text))
    assert sorted(parser._imports[key]) == sorted(id(node) for node in module.children)
    text = text.replace("    return", "    import json\n    return", 1)  # a function's import is not the module's
    module = parser.parse(key, text)
    assert parser.imports(key, module) == imports_of(grammar().parse(text)) == {"os": "os", "Flask": "flask.Flask"}
    text = "import json\n" + text
    module = parser.parse(key, text)
    assert parser.imports(key, module) == imports_of(grammar().parse(text))
