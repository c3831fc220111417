"""SVC003 network-call-in-transaction."""

from tests.rules.helpers import findings, lines_of


def test_flask_sqlalchemy_call_between_write_and_commit():
    source = """
    import requests
    from flask import Flask, request
    from flask_sqlalchemy import SQLAlchemy as SA

    app = Flask(__name__)
    db = SA(app)

    @app.post("/orders")
    def create_order():
        order = Order(total=request.json["total"])
        db.session.add(order)
        requests.post("https://billing.example.com/invoices", json={"total": order.total}, timeout=5)
        db.session.commit()
        requests.post("https://mail.example.com/receipts", json={"id": order.id}, timeout=5)
        return {"id": order.id}, 201
    """
    found = findings(source, "SVC003")
    assert [f.span.start[0] for f in found] == [13]
    assert "`db.session.add`" in found[0].message and "`db.session.commit`" in found[0].message
    assert [r.span.start[0] for r in found[0].related] == [12, 14]


def test_no_commit_after_the_call_or_no_write_before_it():
    source = """
    import httpx
    from sqlalchemy.orm import Session

    def notify_then_save(session: Session, order):
        httpx.post("https://mail.example.com/receipts", json={})
        session.add(order)
        session.commit()

    def save_without_commit(session: Session, order):
        session.add(order)
        httpx.post("https://mail.example.com/receipts", json={})

    def commit_then_call(session: Session, order):
        session.add(order)
        session.commit()
        httpx.post("https://mail.example.com/receipts", json={})
    """
    assert lines_of(source, "SVC003") == []


def test_flush_keeps_the_transaction_open():
    source = """
    import requests
    from sqlalchemy.orm import Session

    def reserve(session: Session, item):
        item.reserved = True
        session.flush()
        requests.post("https://warehouse.example.com/holds", json={"id": item.id}, timeout=5)
        session.commit()
    """
    assert lines_of(source, "SVC003") == [8]


def test_django_atomic_block_and_decorator():
    source = """
    import requests
    from django.db import transaction
    from django.db.transaction import atomic as atom
    from django.http import JsonResponse

    def place(request):
        with transaction.atomic():
            order = Order.objects.create(customer=request.user)
            requests.post("https://billing.example.com/invoices", json={"id": order.pk}, timeout=5)
        requests.post("https://mail.example.com/receipts", json={"id": order.pk}, timeout=5)
        return JsonResponse({"id": order.pk})

    @transaction.atomic
    def cancel(request, pk):
        Order.objects.filter(pk=pk).update(status="cancelled")
        requests.post("https://billing.example.com/refunds", json={"id": pk}, timeout=5)
        return JsonResponse({})

    @atom()
    def refund(request, pk):
        requests.post("https://billing.example.com/refunds", json={"id": pk}, timeout=5)
        return JsonResponse({})
    """
    assert lines_of(source, "SVC003", path="shop/views.py") == [10, 17, 22]


def test_on_commit_lambdas_and_nested_functions_are_fine():
    source = """
    import requests
    from django.db import transaction

    def place(request):
        with transaction.atomic():
            order = Order.objects.create(customer=request.user)
            transaction.on_commit(lambda: requests.post("https://billing.example.com/i", json={}, timeout=5))

            def notify():
                requests.post("https://mail.example.com/r", json={}, timeout=5)

            transaction.on_commit(notify)
        return order
    """
    assert lines_of(source, "SVC003", path="shop/views.py") == []


def test_drf_view_method_in_atomic():
    source = """
    import requests
    from django.db import transaction
    from rest_framework.response import Response
    from rest_framework.viewsets import ModelViewSet

    class OrderViewSet(ModelViewSet):
        def perform_create(self, serializer):
            with transaction.atomic():
                order = serializer.save()
                requests.post("https://billing.example.com/invoices", json={"id": order.pk}, timeout=5)

        def destroy(self, request, pk=None):
            requests.delete(f"https://billing.example.com/invoices/{pk}", timeout=5)
            return Response(status=204)
    """
    assert lines_of(source, "SVC003", path="shop/views.py") == [11]


def test_session_begin_sync_and_async():
    source = """
    import aiohttp
    import httpx
    from fastapi import Depends, FastAPI
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Session, sessionmaker
    from models import engine, get_db, get_session

    app = FastAPI()
    SessionLocal = sessionmaker(bind=engine)

    @app.post("/a")
    def a(db: Session = Depends(get_db)):
        with db.begin():
            httpx.post("https://billing.example.com/a", json={})
        return {}

    @app.post("/b")
    async def b(db: AsyncSession = Depends(get_session)):
        async with db.begin():
            async with aiohttp.ClientSession() as client:
                await client.post("https://billing.example.com/b", json={})
        return {}

    def c():
        with SessionLocal.begin() as session:
            httpx.get("https://billing.example.com/c")
        with engine.begin() as conn:
            httpx.get("https://billing.example.com/c")

    def d(lock):
        with lock.begin():
            httpx.get("https://billing.example.com/d")
    """
    assert lines_of(source, "SVC003") == [15, 22, 27, 29]


def test_the_diagnostic_covers_the_call():
    source = """
    import requests
    from django.db import transaction

    def place(request):
        with transaction.atomic():
            x = requests.post("https://billing.example.com/invoices", timeout=5)
        return x
    """
    (found,) = findings(source, "SVC003")
    assert (found.span.start, found.span.end) == ((7, 12), (7, 76))
    assert found.related[0].span.start == (6, 9) and found.fix is None
