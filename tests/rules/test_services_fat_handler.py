"""SVC004 fat-handler."""


from tests.rules.helpers import findings, lines_of, workspace_findings

CODE = "SVC004"


def project(root, files: dict[str, str], target: str):
    return workspace_findings(root, files, target, CODE)


def long_handler(decorator: str, statements: int) -> str:
    body = "\n".join(f"    value_{i} = {i}" for i in range(statements - 1))
    return f"{decorator}\ndef long_one():\n    \"\"\"Docstrings do not count.\"\"\"\n{body}\n    return {{}}\n"


def test_flask_handler_that_queries_and_calls_a_service():
    source = """
    import requests
    from flask import Blueprint as B, jsonify

    from models import Customer, Order, db

    bp = B("orders", __name__, url_prefix="/orders")

    @bp.post("")
    def place(customer_id):
        customer = Customer.query.get_or_404(customer_id)
        quote = requests.post("https://pricing.example.com/quotes", json={}, timeout=5).json()
        return jsonify({"id": customer.id, "total": quote["total"]})

    @bp.get("/<int:order_id>")
    def show(order_id):
        order = db.session.get(Order, order_id)
        return jsonify({"id": order.id})

    @bp.get("/rates")
    def rates():
        return jsonify(requests.get("https://rates.example.com/today", timeout=5).json())

    def helper(customer_id):
        Customer.query.get(customer_id)
        return requests.get("https://rates.example.com/today", timeout=5)
    """
    found = findings(source, CODE)
    assert [f.span.start[0] for f in found] == [10]
    assert found[0].span.start == (10, 0) and found[0].span.end == (10, 9)
    assert "queries the database and calls another service" in found[0].message
    assert found[0].fix is None


def test_a_handler_that_delegates_is_thin():
    source = """
    import httpx
    from fastapi import FastAPI

    from services import orders

    app = FastAPI()

    @app.post("/orders")
    async def place(payload: dict):
        order = orders.create_order(payload)
        async with httpx.AsyncClient() as client:
            await client.post("https://mail.example.com/receipts", json={"id": order.id})
        return order
    """
    assert lines_of(source, CODE) == []


def test_fastapi_session_write_and_async_http():
    source = """
    import httpx
    from fastapi import APIRouter, Depends
    from sqlalchemy.orm import Session

    from models import Order, get_db

    router = APIRouter(prefix="/orders")

    @router.post("")
    async def place(payload: dict, db: Session = Depends(get_db)):
        order = Order(**payload)
        db.add(order)
        db.commit()
        async with httpx.AsyncClient() as client:
            await client.post("https://mail.example.com/receipts", json={"id": order.id})
        return order
    """
    assert lines_of(source, CODE) == [11]


def test_more_than_forty_statements():
    forty = long_handler('@app.get("/a")', 40)
    forty_one = long_handler('@app.get("/b")', 41)
    header = "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
    assert lines_of(header + forty, CODE) == []
    found = findings(header + forty_one, CODE)
    assert [f.span.start[0] for f in found] == [7]
    assert "41 statements (more than 40)" in found[0].message


def test_the_limit_is_a_setting_and_nested_blocks_count():
    source = """
    from flask import Flask

    app = Flask(__name__)

    @app.get("/a")
    def a(items):
        total = 0
        for item in items:
            if item:
                total += 1
            else:
                total -= 1
        return {"total": total}

    def not_a_handler(items):
        for item in items:
            if item:
                pass
        return items
    """
    # total=, for, if, +=, -=, return: six statements
    assert lines_of(source, CODE, fat_handler_statements=5) == [7]
    assert lines_of(source, CODE, fat_handler_statements=6) == []


def test_django_view_and_drf_viewset_through_urls(tmp_path):
    files = {
        "shop/urls.py": """
            from django.urls import include, path
            from rest_framework.routers import DefaultRouter

            from . import views

            router = DefaultRouter()
            router.register("orders", views.OrderViewSet)

            urlpatterns = [
                path("checkout/<int:pk>/", views.checkout),
                path("health/", views.health),
                path("api/", include(router.urls)),
            ]
        """,
        "shop/views.py": """
            import requests
            from django.http import JsonResponse
            from django.shortcuts import get_object_or_404
            from rest_framework.response import Response
            from rest_framework.viewsets import ModelViewSet

            from .models import Order


            def checkout(request, pk):
                order = get_object_or_404(Order, pk=pk)
                requests.post("https://payments.example.com/charges", json={"id": order.pk}, timeout=5)
                return JsonResponse({"id": order.pk})


            def health(request):
                requests.get("https://payments.example.com/health", timeout=5)
                return JsonResponse({"ok": True})


            class OrderViewSet(ModelViewSet):
                queryset = Order.objects.all()

                def create(self, request):
                    order = Order.objects.create(total=request.data["total"])
                    requests.post("https://mail.example.com/receipts", json={"id": order.pk}, timeout=5)
                    return Response({"id": order.pk}, status=201)

                def list(self, request):
                    return Response([o.pk for o in self.get_queryset()])
        """,
        "shop/models.py": """
            from django.db import models


            class Order(models.Model):
                total = models.DecimalField(max_digits=12, decimal_places=2)
        """,
        "shop/__init__.py": "",
        "shop/settings.py": """
            ROOT_URLCONF = "shop.urls"
            INSTALLED_APPS = ["django.contrib.auth", "rest_framework", "shop"]
        """,
    }
    found = project(tmp_path, files, "shop/views.py")
    assert [f.span.start[0] for f in found] == [11, 25]


def test_reads_through_sqlalchemy_2_and_sqlmodel_sessions():
    source = """
    import httpx
    from fastapi import Depends, FastAPI
    from sqlalchemy import select
    from sqlmodel import Session, select as sm_select

    from models import Hero, Team, get_session

    app = FastAPI()

    @app.get("/teams/{team_id}")
    def team(team_id: int, session: Session = Depends(get_session)):
        row = session.execute(select(Team).where(Team.id == team_id)).scalar_one()
        score = httpx.get(f"https://scores.example.com/teams/{row.id}").json()
        return {"team": row.name, "score": score}

    @app.get("/heroes")
    def heroes(session: Session = Depends(get_session)):
        heroes = session.exec(sm_select(Hero)).all()
        httpx.post("https://audit.example.com/events", json={"read": len(heroes)})
        return heroes

    @app.get("/scores")
    def scores():
        return httpx.get("https://scores.example.com/all").json()
    """
    assert lines_of(source, CODE) == [12, 18]
