"""SEC003: SQL text built by string formatting, and its bind-parameter fix."""

from __future__ import annotations

import textwrap

import pytest

from tests.rules.helpers import findings, fixed as fix_all, lines_of


def sec003(source: str, **settings) -> list[int]:
    return lines_of(source, "SEC003", **settings)


def fixed(source: str) -> str:
    return fix_all(source, "SEC003", safety="unsafe")

def no_fix(source: str) -> None:
    found = findings(source, "SEC003")
    assert found and all(f.fix is None for f in found), found


# --- what is reported ---------------------------------------------------------------------------------


def test_each_way_of_building_the_text_is_reported_on_the_string():
    source = """\
    def search(cursor, name, user_id):
        cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
        cursor.execute("SELECT * FROM users WHERE id = %s" % user_id)
        cursor.execute("SELECT * FROM users WHERE id = {}".format(user_id))
        cursor.execute("SELECT * FROM users WHERE id = " + user_id)
    """
    found = findings(source, "SEC003")
    assert [f.span.start for f in found] == [(2, 19), (3, 19), (4, 19), (5, 19)]
    assert {f.severity for f in found} == {"error"}
    assert "built from `name` by string formatting and passed to `execute`" in found[0].message


def test_through_a_local_variable_the_assignment_is_reported():
    source = """\
    import sqlalchemy as sa


    def orders(session, status):
        query = f"SELECT id FROM orders WHERE status = '{status}'"
        stmt = sa.text(query)
        return session.execute(stmt).all()
    """
    [finding] = findings(source, "SEC003")
    assert finding.span.start == (5, 12)
    assert "passed to `text`" in finding.message


def test_every_sink():
    source = """\
    from django.db import connection
    from django.db.models.expressions import RawSQL
    from sqlalchemy import text


    def run(session, engine, qs, User, pk, rows):
        session.execute(text(f"DELETE FROM carts WHERE id = {pk}"))
        with engine.connect() as conn:
            conn.exec_driver_sql(f"UPDATE carts SET seen = 1 WHERE id = {pk}")
        User.objects.raw(f"SELECT * FROM auth_user WHERE id = {pk}")
        qs.annotate(rank=RawSQL(f"SELECT rank FROM ranks WHERE user_id = {pk}", ()))
        qs.extra(where=[f"owner_id = {pk}"], select={"n": f"SELECT count(*) FROM t WHERE a = {pk}"})
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO log (user_id, row) VALUES ({pk}, %s)", rows)
    """
    assert sec003(source) == [7, 9, 10, 11, 12, 12, 14]


def test_values_that_cannot_carry_sql_are_fine():
    source = """\
    TABLE = "orders"
    STATUSES = ("new", "paid")


    class Order:
        __tablename__ = "orders"


    def run(cursor, ids, limit, status):
        column = "created_at"
        cursor.execute(f"SELECT * FROM {TABLE} ORDER BY {column} LIMIT {int(limit)}")
        cursor.execute(f"SELECT * FROM {Order.__tablename__} WHERE status = 'new'")
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(f"SELECT * FROM orders WHERE id IN ({placeholders})", ids)
        for table in ("orders", "carts"):
            cursor.execute(f"DELETE FROM {table} WHERE expired")
        cursor.execute("SELECT * FROM orders WHERE status = %s", (status,))
        cursor.execute(f"SELECT * FROM orders WHERE status = '{'new'}'")
    """
    assert sec003(source) == []


def test_text_that_is_not_sql_is_left_alone():
    source = """\
    def run(executor, job, log):
        executor.execute(f"rebuild {job} now")
        log.execute("job: " + job)
    """
    assert sec003(source) == []


def test_sql_is_recognised_by_clauses_and_a_bound_prefix():
    source = """\
    def run(cursor, user_id, where):
        base = "select id from users"
        cursor.execute(base + " where id = " + user_id)
        cursor.execute("UPDATE users SET name = 'x' " + where)
    """
    assert sec003(source) == [3, 4]


def test_a_psycopg_sql_composition_is_the_safe_way():
    source = """\
    from psycopg2 import sql


    def run(cursor, table, user_id):
        cursor.execute(sql.SQL("SELECT * FROM {} WHERE id = %s").format(sql.Identifier(table)), (user_id,))
    """
    assert sec003(source) == []


# --- the fix ----------------------------------------------------------------------------------------------


def test_fix_sqlalchemy_text_binds_named_parameters():
    source = """\
    from sqlalchemy import text


    def find(session, user_id, name):
        return session.execute(text(f"SELECT * FROM users WHERE id = {user_id} AND name = '{name}'")).all()
    """
    assert fixed(source) == textwrap.dedent("""\
    from sqlalchemy import text


    def find(session, user_id, name):
        return session.execute(text("SELECT * FROM users WHERE id = :user_id AND name = :name").bindparams(user_id=user_id, name=name)).all()
    """)


def test_fix_through_a_variable_edits_the_text_and_the_call():
    source = """\
    import sqlalchemy as sa


    def orders(session, status):
        query = f"SELECT id FROM orders WHERE status = '{status}'"
        return session.execute(sa.text(query)).all()
    """
    assert fixed(source) == textwrap.dedent("""\
    import sqlalchemy as sa


    def orders(session, status):
        query = "SELECT id FROM orders WHERE status = :status"
        return session.execute(sa.text(query).bindparams(status=status)).all()
    """)


def test_fix_cursor_execute_with_percent_placeholders():
    source = """\
    def search(cursor, name, user_id, tag):
        cursor.execute(f"SELECT * FROM users WHERE name = '{name}' AND pct > 10%")
        cursor.execute("SELECT * FROM users WHERE id = '%s' AND tag = %s" % (user_id, tag))
        cursor.execute("SELECT * FROM users WHERE id = {}".format(user_id))
        cursor.execute("SELECT * FROM users WHERE id = " + user_id + " LIMIT 1")
    """
    assert fixed(source) == textwrap.dedent("""\
    def search(cursor, name, user_id, tag):
        cursor.execute("SELECT * FROM users WHERE name = %s AND pct > 10%%", (name,))
        cursor.execute("SELECT * FROM users WHERE id = %s AND tag = %s", (user_id, tag))
        cursor.execute("SELECT * FROM users WHERE id = %s", (user_id,))
        cursor.execute("SELECT * FROM users WHERE id = %s LIMIT 1", (user_id,))
    """)


def test_fix_sqlite_uses_question_marks():
    source = """\
    import sqlite3


    def search(name):
        conn = sqlite3.connect("app.db")
        cur = conn.cursor()
        cur.execute(f'''
            SELECT * FROM users
            WHERE name = '{name}'
        ''')
        conn.execute(f"DELETE FROM sessions WHERE user = '{name}'")
    """
    assert fixed(source) == textwrap.dedent("""\
    import sqlite3


    def search(name):
        conn = sqlite3.connect("app.db")
        cur = conn.cursor()
        cur.execute('''
            SELECT * FROM users
            WHERE name = ?
        ''', (name,))
        conn.execute("DELETE FROM sessions WHERE user = ?", (name,))
    """)


def test_fix_django_raw_takes_a_list():
    source = """\
    from myapp.models import User


    def view(request, pk):
        users = User.objects.raw(f"SELECT * FROM auth_user WHERE id = {pk}")
    """
    assert "User.objects.raw(\"SELECT * FROM auth_user WHERE id = %s\", [pk])" in fixed(source)


@pytest.mark.parametrize(
    "line",
    [
        "cursor.execute(f\"SELECT * FROM users WHERE name LIKE '%{term}%'\")",  # inside a longer quoted text
        "cursor.execute(f\"SELECT * FROM {table} WHERE id = {term}\")",  # a table name
        "cursor.execute(f\"SELECT * FROM users WHERE id = {term!r}\")",  # a conversion
        "cursor.execute(f\"SELECT * FROM users WHERE id = {term.id}\")",  # not a plain name
        "cursor.executemany(f\"INSERT INTO t VALUES ({term}, %s)\", rows)",  # values per row
        "session.execute(f\"SELECT * FROM users WHERE id = {term}\")",  # SQLAlchemy: a string is no statement
        "cursor.execute(f\"SELECT * FROM users WHERE id = {term}\", timeout=5)",  # arguments we do not know
    ],
)
def test_no_fix_where_a_parameter_cannot_replace_the_value(line):
    source = f"def run(cursor, session, term, table, rows):\n    {line}\n"
    no_fix(source)


def test_no_fix_when_the_variable_reaches_another_call():
    source = """\
    def run(cursor, logger, term):
        sql = f"SELECT * FROM users WHERE id = {term}"
        logger.info(sql)
        cursor.execute(sql)
    """
    no_fix(source)


def test_no_fix_for_text_with_colons():
    source = """\
    from sqlalchemy import text


    def run(session, term):
        session.execute(text(f"SELECT created::date FROM users WHERE id = {term}"))
    """
    no_fix(source)
