"""SEC003 through the protocol: the unsafe quick fix binds the values as parameters."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp_helpers import (
    code_actions,
    fix_through_lsp,
    open_document,
    wait_for_diagnostics,
)

SQLALCHEMY = '''from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy
import sqlalchemy as sa

app = Flask(__name__)
db = SQLAlchemy(app)


@app.get("/api/v1/users/<user_id>/orders")
def user_orders(user_id):
    query = f"SELECT id, total FROM orders WHERE user_id = '{user_id}'"
    rows = db.session.execute(sa.text(query))
    return jsonify([dict(row._mapping) for row in rows])
'''

DB_API = '''from django.db import connection


def search(request):
    name = request.GET["name"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM auth_user WHERE username = '%s'" % name)
        return cursor.fetchall()
'''

SQLITE = '''import sqlite3


def delete_user(user_id):
    conn = sqlite3.connect("app.db")
    conn.execute("DELETE FROM users WHERE id = " + user_id)
    conn.commit()
'''


async def test_sqlalchemy_text_through_a_variable_gets_named_parameters(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "app.py", SQLALCHEMY, "SEC003")
    assert fixed == SQLALCHEMY.replace(
        "f\"SELECT id, total FROM orders WHERE user_id = '{user_id}'\"",
        '"SELECT id, total FROM orders WHERE user_id = :user_id"',
    ).replace("sa.text(query)", "sa.text(query).bindparams(user_id=user_id)")


async def test_django_cursor_gets_percent_placeholders_and_a_tuple(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "views.py", DB_API, "SEC003")
    assert fixed == DB_API.replace(
        """"SELECT id FROM auth_user WHERE username = '%s'" % name""",
        '"SELECT id FROM auth_user WHERE username = %s", (name,)',
    )


async def test_sqlite_connection_gets_question_marks(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "store.py", SQLITE, "SEC003")
    assert 'conn.execute("DELETE FROM users WHERE id = ?", (user_id,))' in fixed


async def test_diagnostic_sits_on_the_string_as_an_error_with_an_unsafe_fix(client, workspace):
    uri = open_document(client, workspace / "app.py", SQLALCHEMY)
    [diagnostic] = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "SEC003"]
    line = SQLALCHEMY.splitlines()[10]
    assert diagnostic.range == types.Range(
        start=types.Position(line=10, character=line.index('f"')),
        end=types.Position(line=10, character=len(line)),
    )
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.code_description.href.endswith("sql_injection.md")
    actions = await code_actions(client, uri, diagnostic, only=[types.CodeActionKind.QuickFix])
    assert "backend-ls (SEC003): Bind the values as named parameters (unsafe)" in [a.title for a in actions]
