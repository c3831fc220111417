"""PERF006 unbounded-cache."""

from tests.rules.helpers import findings, lines_of


def test_cache_and_unbounded_lru_cache_with_aliases():
    source = """
    import functools
    from functools import cache as memo, lru_cache as lru

    @functools.cache
    def a(request):
        return request.args

    @memo
    def b(session, key):
        return session.get(key)

    @lru(maxsize=None)
    def c(user):
        return user.roles

    @functools.lru_cache(None)
    def d(db, key):
        return db.get(key)
    """
    assert lines_of(source, "PERF006") == [5, 9, 13, 17]


def test_bounded_caches_are_fine():
    source = """
    import functools
    from functools import cached_property, lru_cache

    @functools.lru_cache
    def a(request):
        return request.args

    @lru_cache()
    def b(session):
        return session

    @lru_cache(maxsize=128)
    def c(user):
        return user

    class Profile:
        @cached_property
        def name(self):
            return "x"
    """
    assert lines_of(source, "PERF006") == []


def test_stable_keys_are_fine():
    source = """
    from functools import cache, lru_cache

    @cache
    def settings_for(tenant_id: int):
        return {"tenant": tenant_id}

    @lru_cache(maxsize=None)
    def user_agent_family(user_agent: str):
        return user_agent.split("/")[0]
    """
    assert lines_of(source, "PERF006") == []


def test_methods_taking_self():
    source = """
    from functools import cache

    class PriceService:
        @cache
        def price(self, sku):
            return sku

        @staticmethod
        @cache
        def tax(rate):
            return rate
    """
    found = findings(source, "PERF006")
    assert [f.span.start[0] for f in found] == [5]
    assert "`self`" in found[0].message


def test_annotations_name_the_per_request_object():
    source = """
    from functools import cache
    from django.http import HttpRequest
    from fastapi import Request as Req
    from sqlalchemy.orm import Session
    from models import User

    @cache
    def a(r: HttpRequest):
        return r.GET

    @cache
    def b(r: Req):
        return r.headers

    @cache
    def c(s: Session):
        return s

    @cache
    def d(who: User):
        return who.id
    """
    assert lines_of(source, "PERF006") == [8, 12, 16, 20]


def test_flask_and_drf_helpers():
    source = """
    from functools import cache
    from flask import Flask, request
    from rest_framework.views import APIView
    from rest_framework.response import Response

    app = Flask(__name__)

    @cache
    def visible_orders(current_user):
        return [o.id for o in current_user.orders]

    @app.get("/orders")
    def orders():
        return {"orders": visible_orders(request.user)}

    class OrderView(APIView):
        @cache
        def get_queryset(self):
            return self.request.user.orders.all()

        def get(self, request):
            return Response([o.id for o in self.get_queryset()])
    """
    assert lines_of(source, "PERF006", path="shop/views.py") == [9, 18]


def test_the_diagnostic_covers_the_decorator():
    source = """
    import functools

    @functools.lru_cache(maxsize=None)
    def a(request):
        return request
    """
    (found,) = findings(source, "PERF006")
    assert (found.span.start, found.span.end) == ((4, 1), (4, 34))
    assert found.fix is None
