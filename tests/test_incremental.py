"""Incremental analysis equals a fresh one: after any sequence of edits, the facts and findings
of the incrementally parsed, statement-cached document, and its findings with statement checks
re-run on the changed statements only, are those of the final text analysed from scratch."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend_ls.analysis import check_facts, grammar
from backend_ls.documents import DocumentParser
from backend_ls.facts import StatementCache, module_facts
from backend_ls.options import Settings
from backend_ls.index import WorkspaceIndex
from backend_ls.lsp.session import Session
from backend_ls.rules.registry import load_rules
from backend_ls.statement_checks import KeptFindings

RULES = load_rules()
BASE = (Path(__file__).parent.parent / "examples" / "shop" / "flask_app.py").read_text()
PIECES = ["x", "\n", "    ", "(", ")", ":", "#", '"', "db.session.commit()\n", "\n@users.get('/a')\ndef a():\n    return 1\n", "def ", "import requests\n"]
documents = itertools.count()


def edit(text: str, position: float, remove: int, insert: str) -> str:
    at = int(position * len(text))
    return text[:at] + insert + text[at + remove:]


edits = st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 12), st.sampled_from(PIECES)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_incremental_equals_fresh(sequence):
    parser, cache, kept = DocumentParser(), StatementCache(), KeptFindings()
    key = f"/incremental/{next(documents)}.py"  # a fresh diff-parser history per example
    text = BASE
    try:
        for position, remove, insert in [(0.0, 0, "")] + sequence:
            text = edit(text, position, remove, insert)
            lines = text.splitlines(keepends=True)
            module = parser.parse(key, text)
            cache.nodes_keep_their_text = parser.kept_untouched_statements
            incremental = module_facts(module, key, cache, lines)
            fresh = module_facts(grammar().parse(text), key)
            assert incremental == fresh, text
            # The editor's path: statement checks re-run on the statements the edit changed only.
            by_statement = check_facts(incremental, lines, Settings(), RULES, None, (cache, kept))
            assert by_statement.findings == check_facts(fresh, lines, Settings(), RULES).findings
    finally:
        parser.forget(key)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_the_session_equals_a_fresh_analysis(tmp_path_factory, sequence):
    """The same through the server's session: with its workspace index, which hands out the same
    routes while they are unchanged, and everything kept from one version to the next."""
    folder = tmp_path_factory.mktemp("session")
    path = str(folder / "shop.py")
    session = Session(RULES)
    text = BASE
    for position, remove, insert in [(0.0, 0, "")] + sequence:
        text = edit(text, position, remove, insert)
        outcome = session.analyse("file://" + path, path, text)
        session.keep_findings("file://" + path)  # as the server does once it has published
        fresh = WorkspaceIndex([folder])
        facts = module_facts(grammar().parse(text), path)
        fresh.update(path, facts)
        expected = check_facts(facts, text.splitlines(keepends=True), Settings(), RULES, fresh).findings
        assert outcome.analysis.findings == expected, text


def test_keystrokes_in_bodies_reuse_the_other_statements_and_equal_fresh():
    """Single keystrokes in function bodies, as in typing: the statements the parser kept are
    reused as they were, and a line added or removed in a body moves every statement below it."""
    parser, cache = DocumentParser(), StatementCache()
    key = f"/incremental/{next(documents)}.py"
    line = BASE.index("    return ", BASE.index("def "))
    word = line + len("    return ")
    versions = [
        BASE,
        BASE[:word] + "x" + BASE[word:],  # a character
        BASE[:line] + "    y = 1\n" + BASE[line:],  # a line more: what follows moves down
        BASE[:line] + "    y = 12\n" + BASE[line:],
        BASE,
    ]
    try:
        for number, version in enumerate(versions):
            before = list(cache.statements)
            module = parser.parse(key, version)
            cache.nodes_keep_their_text = parser.kept_untouched_statements
            incremental = module_facts(module, key, cache, version.splitlines(keepends=True))
            assert incremental == module_facts(grammar().parse(version), key), version
            if number and version.count("\n") == versions[number - 1].count("\n"):
                assert parser.last_parse_kind in ("body", "statements")
                kept = sum(1 for old, new in zip(before, cache.statements) if old is new)
                assert kept == len(cache.statements) - 1
    finally:
        parser.forget(key)


def test_a_body_edit_keeps_the_definition_and_routes_of_its_function_as_they_were():
    """The edited statement's definition and routes equal the last ones: they are the same objects,
    so what compares them on every keystroke finds them in C. A signature edit gives new ones."""
    parser, cache = DocumentParser(), StatementCache()
    key = f"/incremental/{next(documents)}.py"
    base = (
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
        "@app.route('/orders/<int:order_id>')\ndef show(order_id):\n    found = order_id\n    return {'id': found}\n"
    )
    body_edit = base.replace("    found = order_id", "    foundx = order_id")
    signature_edit = base.replace("def show(order_id)", "def show(order_id, page)")

    def facts_of(text):
        module = parser.parse(key, text)
        cache.nodes_keep_their_text = parser.kept_untouched_statements
        facts = module_facts(module, key, cache, text.splitlines(keepends=True))
        assert facts == module_facts(grammar().parse(text), key)
        return facts

    try:
        first = facts_of(base)
        after_body = facts_of(body_edit)
        assert after_body.functions["show"] is first.functions["show"]
        assert after_body.routes[0] is first.routes[0]
        after_signature = facts_of(signature_edit)
        assert after_signature.functions["show"] is not first.functions["show"]
        assert after_signature.functions["show"].parameters != first.functions["show"].parameters
    finally:
        parser.forget(key)


def test_the_first_keystroke_builds_again_only_the_diagnostics_it_touched(tmp_path, monkeypatch):
    """The statement-by-statement run after a document's first analysis gives its findings as
    other objects: their diagnostics are the ones already built, not built again."""
    from backend_ls.lsp import diagnostics

    path = str(tmp_path / "shop.py")
    session = Session(RULES)
    first = session.analyse("file://" + path, path, BASE)
    session.keep_findings("file://" + path)
    built = []
    real = diagnostics.diagnostic_json
    monkeypatch.setattr(diagnostics, "diagnostic_json", lambda finding, *rest: built.append(finding) or real(finding, *rest))
    handler = BASE.rindex("\n@") + 1  # the last handler: its findings are made again
    body = BASE.index("    return ", handler) + len("    return ")
    edited = session.analyse("file://" + path, path, BASE[:body] + "x" + BASE[body:])
    first_line, last_line = BASE[:handler].count("\n") + 1, BASE[:body].count("\n") + 1
    assert len(edited.analysis.findings) == len(first.analysis.findings) > 5
    # Outside the handler, the very diagnostics of the first analysis; inside it, the handler's
    # findings are new objects, equal to the old ones: their diagnostics are taken over, not built.
    outside = [n for n, f in enumerate(edited.analysis.findings) if not first_line <= f.span.start_line <= last_line]
    assert len(outside) < len(edited.analysis.findings)
    assert all(edited.diagnostics[n] is first.diagnostics[n] for n in outside)
    assert not built
