"""The editor's path keeps the findings of statement checks per top-level statement: after an
edit, they must be those of the new text analysed from scratch, also when a check read something
in another function's body (a request hook, a dependency) and only that body changed."""

from __future__ import annotations

import textwrap

from backend_ls.analysis import analyse_text, check_facts
from backend_ls.documents import DocumentParser
from backend_ls.facts import StatementCache, module_facts
from backend_ls.options import Settings
from backend_ls.rules.registry import load_rules
from backend_ls.statement_checks import KeptFindings

RULES = load_rules()


class Editor:
    """One open document, analysed as the server does on each version."""

    def __init__(self, path: str = "app.py"):
        self.path = path
        self.parser, self.cache, self.kept = DocumentParser(), StatementCache(), KeptFindings()

    def analyse(self, text: str):
        lines = text.splitlines(keepends=True)
        module = self.parser.parse(self.path, text)
        self.cache.nodes_keep_their_text = self.parser.kept_untouched_statements
        facts = module_facts(module, self.path, self.cache, lines)
        return check_facts(facts, lines, Settings(), RULES, None, (self.cache, self.kept)).findings


def codes_at(found, code):
    return [f.span.start[0] for f in found if f.code == code]


def assert_each_version_like_fresh(*versions: str, code: str) -> list[list[int]]:
    editor = Editor()
    seen = []
    for text in versions:
        text = textwrap.dedent(text)
        incremental = editor.analyse(text)
        assert incremental == analyse_text(text, editor.path, Settings(), RULES).findings
        seen.append(codes_at(incremental, code))
    return seen


HOOKED = """\
from flask import Flask, abort, request
from flask_login import current_user

app = Flask(__name__)


@app.before_request
def prepare():
    {hook}


@app.post("/orders")
def create_order():
    db.session.commit()
    return "", 201
"""


def test_a_request_hook_body_edited_elsewhere_changes_the_route_finding():
    guarded = HOOKED.format(hook="if not current_user.is_authenticated:\n        abort(401)")
    open_ = HOOKED.format(hook="if not request.is_json:\n        abort(400)")  # as many lines: nothing moves
    assert assert_each_version_like_fresh(guarded, open_, guarded, code="SEC001") == [[], [13], []]


def test_an_edit_in_one_handler_keeps_the_other_handlers_findings():
    source = textwrap.dedent("""\
        import requests


        def one():
            return requests.get("https://example.com/a")


        def two():
            return requests.get("https://example.com/b")
        """)
    editor = Editor()
    first = editor.analyse(source)
    edited = source.replace('"https://example.com/a"', '"https://example.com/a", timeout=5')
    second = editor.analyse(edited)
    assert codes_at(first, "SVC001") == [5, 9] and codes_at(second, "SVC001") == [9]
    kept = [f for f in second if f.code == "SVC001"][0]
    assert kept is [f for f in first if f.code == "SVC001"][1]  # reused, not recomputed


def test_a_name_defined_twice_in_one_statement_is_read_once():
    source = """\
        import sys

        from flask import Flask, abort
        from flask_login import current_user

        app = Flask(__name__)

        if sys.platform == "win32":
            def prepare():
                if not current_user.is_authenticated:
                    abort(401)
        else:
            def prepare():
                if not current_user.is_authenticated:
                    abort(401)

        app.before_request(prepare)


        @app.post("/orders")
        def create_order():
            return "", 201
        """
    assert_each_version_like_fresh(source, source.replace("create_order", "create_orders"), code="SEC001")


FACTORY = """\
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

app = Flask(__name__)


def configure():
    Limiter(get_remote_address, app=app, default_limits={limits})


@app.post("/login")
def login():
    pass
"""


def test_a_module_wide_value_set_in_a_function_body_edited_elsewhere():
    limited = FACTORY.format(limits='["9 per hour"]')
    unlimited = FACTORY.format(limits='[]           ')  # as long: nothing moves
    assert assert_each_version_like_fresh(limited, unlimited, limited, code="SEC002") == [[], [12], []]


def test_a_module_fold_is_taken_again_only_over_the_edited_statement():
    from backend_ls.rules.context import ModuleFold, RuleContext
    from backend_ls.statement_checks import _Analysis

    seen = []

    def calls_of_part(facts):
        seen.append(len(facts.calls))
        return len(facts.calls)

    fold = ModuleFold(calls_of_part, sum)
    source = "import requests\n\n\ndef one():\n    requests.get(a)\n\n\ndef two():\n    requests.get(b)\n"
    editor = Editor()
    editor.analyse(source)
    first = _Analysis(None, editor.cache.statements)
    assert first.module_wide(fold) == 2 and len(seen) == 3  # the import, one() and two()
    edited = source.replace("requests.get(b)", "requests.get(b); requests.get(c)")
    editor.analyse(edited)
    again = _Analysis(None, editor.cache.statements, first.folds_now)
    assert again.module_wide(fold) == 3 and seen[3:] == [2]  # two() only
    facts = module_facts(DocumentParser().parse("app.py", edited), "app.py")
    assert fold(facts) == 3 == RuleContext(facts=facts, lines=[], settings=Settings()).module_wide(fold)


LOOKED_UP = """\
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120))


@app.get("/orders/<email>")
def by_email(email):
    return Order.query.filter_by(email=email).first()
"""


def test_db004_settles_the_models_once_while_only_queries_change():
    from backend_ls.rules.database.unindexed_lookup import _settled

    moved = LOOKED_UP.replace("return Order", "return (Order").replace("first()", "first())")
    indexed = LOOKED_UP.replace("db.String(120)", "db.String(120), index=True")
    assert assert_each_version_like_fresh(LOOKED_UP, moved, indexed, code="DB004") == [[10], [10], []]
    editor = Editor()
    editor.analyse(LOOKED_UP)
    tables = editor.kept.memory[_settled][1][0]
    assert tables  # the model was settled
    editor.analyse(moved)
    assert editor.kept.memory[_settled][1][0] is tables
    editor.analyse(indexed)
    assert editor.kept.memory[_settled][1][0] is not tables


def test_db004_settles_again_only_the_lookups_of_the_edited_query(monkeypatch):
    from backend_ls.rules.database.unindexed_lookup import UnindexedLookup

    two = LOOKED_UP + (
        '\n\n@app.get("/orders/by-name/<email>")\ndef by_name(email):\n'
        "    return Order.query.filter_by(email=email).first()\n"
    )
    edited = two.replace("def by_name(email):\n    return", "def by_name(email):\n    return  ")
    settled = []
    unindexed = UnindexedLookup.unindexed
    monkeypatch.setattr(UnindexedLookup, "unindexed", staticmethod(lambda *a: settled.append(a[2]) or unindexed(*a)))
    editor = Editor()
    editor.analyse(two)
    assert len(settled) == 2
    settled.clear()
    found = editor.analyse(edited)
    assert [query.span.start[0] for query in settled] == [20]  # the edited query's only
    assert found == analyse_text(edited, editor.path, Settings(), RULES).findings
    assert codes_at(found, "DB004") == [10]


def test_in_a_session_a_body_edit_rechecks_the_groups_that_read_what_it_changed(tmp_path, monkeypatch):
    """The session's index hands out the same routes while they are unchanged, so an edit in a
    body reuses the groups and looks only at the groups it reached: the edited statement's, and
    those that read a module-wide value it changed (here SEC002's limits, read by the login route)."""
    from backend_ls.lsp.session import Session

    every_group = KeptFindings._every_group
    looked_at_every_group = []
    monkeypatch.setattr(KeptFindings, "_every_group", lambda self, *a: looked_at_every_group.append(1) or every_group(self, *a))
    session = Session(RULES)
    path = str(tmp_path / "app.py")
    key = (tmp_path / "app.py").as_uri()
    limited = FACTORY.format(limits='["9 per hour"]')
    unlimited = FACTORY.format(limits='[]           ')
    seen = []
    for text in (limited, unlimited, limited, unlimited):
        found = session.analyse(key, path, text).analysis.findings
        session.keep_findings(key)
        assert found == analyse_text(text, path, Settings(), RULES).findings
        seen.append(codes_at(found, "SEC002"))
    assert seen == [[], [12], [], [12]]
    assert len(looked_at_every_group) == 1  # after the document's first analysis: the edits did not
