"""Query facts (facts/queries.py): model, chain, eager loading, lookups, terminal and execution,
names followed through a function, loops over rows; statement-cached facts equal fresh ones."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.analysis import grammar
from backend_ls.documents import DocumentParser
from backend_ls.facts import StatementCache, module_facts
from backend_ls.positions import Span


def facts_of(source: str):
    facts = module_facts(grammar().parse(textwrap.dedent(source)), "app.py")
    assert facts.problems == ()
    return facts


def only(source: str):
    [query] = facts_of(source).queries
    return query


def test_a_legacy_query():
    query = only('''
        from .models import User

        def find(session, email):
            return session.query(User).filter(User.email == email, User.active).first()
    ''')
    assert (query.orm, query.model, query.model_qualname, query.entity) == ("sqlalchemy", "User", ".models.User", "model")
    assert [step.name for step in query.steps] == ["filter", "first"]
    assert [(l.column, l.model, l.operator) for l in query.lookups] == [("email", "User", "=="), ("active", "User", "other")]
    assert (query.terminal, query.executes, query.single, query.returned, query.function) == ("first", True, True, True, "find")
    assert query.span == Span((5, 11), (5, 79))
    assert query.insert_options == (5, 30)  # after `session.query(User)`


def test_a_select_followed_through_names():
    facts = facts_of('''
        import sqlalchemy as sa
        from sqlalchemy.orm import joinedload

        from .models import Order

        async def recent(session, tenant):
            stmt = sa.select(Order).options(joinedload(Order.customer).selectinload(Customer.address))
            stmt = stmt.where(Order.tenant_id == tenant).limit(20)
            result = await session.execute(stmt)
            return result.scalars().all()
    ''')
    statement, limited, executed, returned = facts.queries
    assert (statement.variable, statement.executes, statement.terminal) == ("stmt", False, None)
    assert [(load.strategy, load.path, load.model) for load in statement.eager] == [
        ("joinedload", ("customer",), "Order"), ("selectinload", ("customer", "address"), None)
    ]
    assert (limited.from_variable, limited.variable, limited.limited) == ("stmt", "stmt", True)
    assert (executed.variable, executed.executes, executed.terminal, executed.entity) == ("result", True, "execute", "rows")
    assert [step.name for step in returned.steps] == ["options", "where", "limit", "execute", "scalars", "all"]
    assert (returned.executes, returned.terminal, returned.entity, returned.returned) == (False, "all", "model", True)
    assert {query.origin for query in facts.queries} == {statement.origin}
    assert returned.insert_options == (8, 27)  # after `sa.select(Order)`, two statements up
    assert [(l.column, l.operator) for l in returned.lookups] == [("tenant_id", "==")]


def test_django_querysets_are_lazy_until_used():
    facts = facts_of('''
        from django.shortcuts import get_object_or_404

        from shop.models import Product

        def view(request, slug):
            products = Product.objects.filter(category__slug=slug, price__gte=3).select_related("brand__owner")
            first = products[:10]
            count = len(products)
            product = get_object_or_404(Product, slug=slug)
            return first, count, product
    ''')
    built, sliced, counted, fetched = facts.queries
    assert (built.orm, built.executes, built.terminal, built.variable_uses) == ("django", False, None, ("chain", "len"))
    assert [(l.column, l.operator) for l in built.lookups] == [("category", "path"), ("price", "other")]
    assert [load.path for load in built.eager] == [("brand",), ("brand", "owner")]
    assert (sliced.executes, sliced.limited) == (False, True)
    assert (counted.terminal, counted.executes, counted.wrapped) == ("len", True, Span((9, 16), (9, 24)))
    assert (fetched.terminal, fetched.single, fetched.insert_options) == ("get_object_or_404", True, None)
    assert [(l.column, l.operator) for l in fetched.lookups] == [("slug", "==")]


@pytest.mark.parametrize("source, terminal", [
    ("User.query.get(3)", "get"),
    ("User.query.filter_by(name='x').first_or_404()", "first_or_404"),
    ("db.session.get(User, 3)", "get"),
    ("db.paginate(db.select(User))", "paginate"),
    ("session.exec(select(User)).one()", "one"),
    ("session.scalar(select(User))", "scalar"),
    ("list(User.objects.all())", "list"),
    ("User.objects.all()[0]", "[i]"),
    ("session.query(User)[2:5]", "[:]"),
])
def test_terminals(source, terminal):
    query = only(f"from flask_sqlalchemy import SQLAlchemy\nfrom sqlmodel import select\n\ndb = SQLAlchemy()\n\n"
                 f"def f(session):\n    return {source}\n")
    assert (query.terminal, query.executes) == (terminal, True)


@pytest.mark.parametrize("source", [
    "request.session.get('key')",
    "flask.session.get(User, 3)",
    "requests.get(url)",
    "User.query(3)",
    "cache.query(User)",
    "session.query(user)",
    "select(User)",  # not imported: not SQLAlchemy's
    "obj.objects.all()",
])
def test_not_queries(source):
    assert facts_of(f"import flask, requests\n\ndef f(session, request, cache, user, url, obj):\n    return {source}\n").queries == ()


def test_loops_over_rows():
    facts = facts_of('''
        from .helpers import recent

        def report(session):
            orders = session.query(Order).all()
            for i, order in enumerate(orders):
                order.status = "seen"
                print(order.customer.name, order.customer.id, order.lines)
            names = {o.owner.name for o in recent(session) if o.team.active}
            for row in orders:
                pass
    ''')
    first, helper = facts.query_loops
    assert (first.item, first.query, first.helper) == ("order", Span((6, 30), (6, 36)), None)
    assert [(read.attribute, read.span.start) for read in first.reads] == [
        ("customer", (8, 14)), ("customer", (8, 35)), ("lines", (8, 54))
    ]
    assert (helper.item, helper.query, helper.helper.text, helper.helper.qualname) == ("o", None, "recent", ".helpers.recent")
    assert [read.attribute for read in helper.reads] == ["owner", "team"]


def test_in_loop_is_a_for_loop_or_comprehension_body():
    facts = facts_of('''
        def f(session, ids):
            for user in session.query(User).all():
                session.query(Team).get(user.team_id)
            [session.get(User, i) for i in ids]
            while session.query(Job).count():
                pass
    ''')
    assert [(q.model, q.in_loop) for q in facts.queries] == [("User", False), ("Team", True), ("User", True), ("Job", False)]


def test_exported_queries_leave_out_what_moves_with_edits():
    from backend_ls.facts.queries import exported_queries

    source = '''
        def helper(session):
            return session.query(Order).options(joinedload(Order.customer))

        def login(session, email):
            return session.query(User).filter_by(email=email).first()
    '''
    moved = "\n\n\n" + source
    assert exported_queries(facts_of(source))[0] == exported_queries(facts_of(moved))[0]
    assert exported_queries(facts_of(source))[1] != exported_queries(facts_of(moved))[1]


BASE = '''
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .models import Order, User


def report(session):
    orders = session.scalars(select(Order).options(selectinload(Order.lines))).all()
    return [o.customer.name for o in orders]


def login(session, email):
    return session.query(User).filter_by(email=email).first()


class OrderList:
    queryset = Order.objects.all()
'''

EDITS = [
    ("return [o.customer.name for o in orders]", "return [o.customer.name for o in orders[:5]]"),
    ("filter_by(email=email)", "filter_by(email=email, active=True)"),
    ("\ndef login", "\n\ndef login"),
    ("def report(session):\n", "def report(session):\n    stmt = select(User)\n"),
    ("queryset = Order.objects.all()", "queryset = Order.objects.all()[:10]"),
    ("orders = session", "orders = (session"),  # mid-keystroke
    ("orders = (session", "orders = session"),
]


def test_incremental_facts_equal_fresh_ones():
    parser, cache, key = DocumentParser(), StatementCache(), "/queries/incremental.py"
    text = BASE
    try:
        for before, after in [("", "")] + EDITS:
            text = text.replace(before, after, 1) if before else text
            lines = text.splitlines(keepends=True)
            incremental = module_facts(parser.parse(key, text), key, cache, lines)
            fresh = module_facts(grammar().parse(text), key)
            assert incremental.queries == fresh.queries, text
            assert incremental.query_loops == fresh.query_loops, text
            assert incremental == fresh
        assert fresh.queries and fresh.query_loops
    finally:
        parser.forget(key)
