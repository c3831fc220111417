"""PERF005 len-of-query: `len()` of query rows used only as a count, with the `.count()` fix."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.fixes import apply_fixes
from backend_ls.rules.base import Applicability
from tests.lsp_helpers import parses
from tests.rules.helpers import findings, lines_of

HEAD = '''
import sqlalchemy as sa
from sqlalchemy import select
from sqlmodel import select as sm_select

from .models import User


def count(session, db):
    return BODY
'''


def fixed_body(expression: str) -> str | None:
    source = HEAD.replace("BODY", expression)
    found = findings(source, "PERF005")
    assert [f.span.start for f in found] == [(10, 11)], found
    fix = found[0].fix
    if fix is None:
        return None
    assert fix.applicability is Applicability.SAFE and fix.title == "Use `.count()`"
    text, applied = apply_fixes(textwrap.dedent(source), [fix])
    assert applied and parses(text)
    assert findings(text, "PERF005") == []
    return text.splitlines()[9].strip().removeprefix("return ")


@pytest.mark.parametrize("expression, counted", [
    ("len(session.query(User).all())", "session.query(User).count()"),
    ("len(session.query(User).filter(User.active == True).all())", "session.query(User).filter(User.active == True).count()"),
    ("len(db.query(User).filter_by(active=True).all())", "db.query(User).filter_by(active=True).count()"),
    ("len(User.query.all())", "User.query.count()"),
    ("len(User.query.filter_by(team_id=3).all())", "User.query.filter_by(team_id=3).count()"),
    ("len(User.objects.all())", "User.objects.all().count()"),
    ("len(User.objects.filter(is_active=True))", "User.objects.filter(is_active=True).count()"),
    ("len(User.objects.filter(is_active=True)[:50])", "User.objects.filter(is_active=True)[:50].count()"),
    # 2.0 results have no `.count()`: reported without a fix
    ("len(session.scalars(select(User)).all())", None),
    ("len(session.execute(sa.select(User)).all())", None),
    ("len(session.exec(sm_select(User)).all())", None),
])
def test_len_of_a_query(expression, counted):
    assert fixed_body(expression) == counted


def test_the_message():
    [finding] = findings(HEAD.replace("BODY", "len(User.query.all())"), "PERF005")
    assert finding.message == "`len()` loads every row only to count them; let the database count with `.count()`."
    assert finding.span.end == (10, 32)


def test_a_multiline_query():
    source = '''
        def count(session):
            return len(
                session.query(User)
                .filter(User.active == True)
                .all()
            )
    '''
    [finding] = findings(source, "PERF005")
    text, _ = apply_fixes(textwrap.dedent(source), [finding.fix])
    assert parses(text)
    assert "return (session.query(User)\n        .filter(User.active == True)).count()\n" in text


def test_a_name_used_only_for_its_length():
    source = '''
        def count(session):
            active = User.objects.filter(is_active=True)
            users = session.query(User).all()
            return len(active) + len(users)
    '''
    found = findings(source, "PERF005")
    assert [(f.span.start, f.fix and f.fix.edits[0].new_text) for f in found] == [
        ((5, 11), "active.count()"),
        ((5, 25), None),  # a list already fetched: the fix would have to change the query above
    ]


@pytest.mark.parametrize("body", [
    # the rows are used as well: counting what was fetched anyway costs nothing
    "users = session.query(User).all()\n    print(len(users))\n    return [u.name for u in users]",
    "qs = User.objects.all()\n    n = len(qs)\n    return n, list(qs)",
    # not a query
    "return len(session.query)",
    "return len(users.all())",
    "return len(request.args)",
    # the database counts already
    "return session.query(User).count()",
])
def test_near_misses(body):
    source = f"def count(session, users, request):\n    {body}\n"
    assert lines_of(source, "PERF005") == []
