"""PERF002 query-in-loop: queries run once per item of a collection, for every ORM."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings, lines_of


@pytest.mark.parametrize("query", [
    "session.get(User, user_id)",
    "session.query(User).filter(User.id == user_id).first()",
    "session.query(User).get(user_id)",
    "db.query(User).filter_by(id=user_id).one()",
    "User.query.filter_by(id=user_id).first()",
    "User.query.get(user_id)",
    "db.session.get(User, user_id)",
    "session.execute(select(User).where(User.id == user_id)).scalar_one()",
    "session.scalars(sa.select(User).where(User.id == user_id)).first()",
    "session.scalar(select(User).where(User.id == user_id))",
    "session.exec(sqlmodel.select(User).where(User.id == user_id)).first()",
    "User.objects.get(pk=user_id)",
    "User.objects.filter(team=user_id).count()",
    "User.objects.filter(team=user_id).exists()",
    "list(User.objects.filter(team=user_id))",
    "len(User.objects.filter(team=user_id))",
    "User.objects.filter(pk=user_id).update(active=False)",
    "get_object_or_404(User, pk=user_id)",
])
def test_a_query_in_a_for_loop(query):
    source = f'''
        import sqlalchemy as sa
        import sqlmodel
        from django.shortcuts import get_object_or_404
        from sqlalchemy import select

        from .models import User


        def load(session, db, ids):
            found = []
            for user_id in ids:
                found.append({query})
            return found
    '''
    found = findings(source, "PERF002")
    assert [f.span.start for f in found] == [(13, 21)]
    assert found[0].message.startswith("This query runs once for every item of the loop")


def test_in_a_comprehension_and_a_nested_loop():
    source = '''
        def load(session, teams):
            names = [session.query(User).get(i).name for i in range(3)]
            for team in teams:
                for member_id in team.member_ids:
                    print(Member.objects.get(pk=member_id))
            return names
    '''
    assert lines_of(source, "PERF002") == [3, 6]


def test_a_queryset_iterated_in_the_loop():
    source = '''
        def load(orders):
            for order in orders:
                for item in Item.objects.filter(order=order):
                    print(item)
    '''
    assert lines_of(source, "PERF002") == [4]


def test_a_queryset_built_in_the_loop_and_iterated_there():
    source = '''
        def load(orders):
            for order in orders:
                items = Item.objects.filter(order=order)
                for item in items:
                    print(item)
    '''
    assert [f.span.start for f in findings(source, "PERF002")] == [(4, 16)]  # where it is built


def test_a_query_followed_through_names_in_the_loop():
    source = '''
        from sqlalchemy import select

        async def load(session, ids):
            rows = []
            for i in ids:
                stmt = select(User).where(User.id == i)
                result = await session.execute(stmt)
                rows.append(result.scalars().first())
            return rows
    '''
    # building the statement runs nothing; executing it does, once (`result.scalars()` reads it)
    assert lines_of(source, "PERF002") == [8]


@pytest.mark.parametrize("body", [
    # the loop's own collection is fetched once
    "for user in User.query.all():\n        print(user.id)",
    "for user in session.scalars(select(User)):\n        print(user.id)",
    # a queryset built in the loop but run after it
    "querysets = [User.objects.filter(team=t) for t in teams]",
    # inserts
    "for t in teams:\n        User.objects.create(team=t)",
    # a while loop is no loop over a collection
    "while session.query(Job).filter_by(done=False).count():\n        time.sleep(1)",
    # the same shapes on things that are no database
    "for t in teams:\n        cache.get(t)\n        request.session.get('key')\n        requests.get(t)",
    "for t in teams:\n        flask.session.get(User, t)",
])
def test_near_misses(body):
    source = (
        "import time\nimport flask\nimport requests\nfrom sqlalchemy import select\n\n\n"
        f"def load(session, teams, cache, request):\n    {body}\n"
    )
    assert lines_of(source, "PERF002") == []


def test_one_finding_per_query():
    source = '''
        from sqlalchemy import select

        def load(session, ids):
            for i in ids:
                result = session.execute(select(User).where(User.id == i))
                user = result.scalar_one()
                print(user)
    '''
    assert lines_of(source, "PERF002") == [6]
