"""SVC005 layer-violation."""

import textwrap

from backend_ls.analysis import check_facts
from backend_ls.index import WorkspaceIndex
from backend_ls.options import Settings
from backend_ls.rules.registry import load_rules
from tests.rules.helpers import findings, lines_of

CODE = "SVC005"

SERVICE = """
from decimal import Decimal

from flask import abort, request as req
from fastapi import Request
import django.http
from django.http import Http404, JsonResponse
from rest_framework.response import Response
from starlette.requests import Request as StarletteRequest


def place(unit_price: Decimal):
    from flask import request
    return request.get_json()
"""


def test_web_layer_imports_in_a_service_module():
    found = findings(SERVICE, CODE, path="shop/services/orders.py")
    assert [f.span.start[0] for f in found] == [4, 5, 6, 7, 8, 9, 13]
    assert "`flask.request`" in found[0].message and "`flask.abort`" not in found[0].message
    assert "This service module" in found[0].message
    assert "`django.http.Http404`, `django.http.JsonResponse`" in found[3].message


def test_the_diagnostic_covers_the_import_statement():
    source = """
    from flask import (
        jsonify,
        request,
    )
    """
    (found,) = findings(source, CODE, path="app/crud.py")
    assert (found.span.start, found.span.end) == ((2, 0), (5, 1))
    assert found.fix is None


def test_which_modules_are_a_lower_layer():
    source = "from flask import request\n"
    for path in ("models.py", "shop/models.py", "shop/models/order.py", "services.py", "billing_service.py",
                 "repositories.py", "user_repository.py", "app/repositories/users.py", "crud.py", "app/crud/items.py"):
        assert lines_of(source, CODE, path=path) == [1], path
    for path in ("app.py", "views.py", "routes.py", "shop/api/orders.py", "serializers.py", "main.py"):
        assert lines_of(source, CODE, path=path) == [], path


def test_tests_are_skipped():
    source = "from flask import request\n"
    assert lines_of(source, CODE, path="tests/services/test_orders.py") == []
    assert lines_of(source, CODE, path="shop/services/test_orders.py") == []


def test_non_web_framework_imports_are_fine():
    source = """
    from django.db import models
    from django.urls import reverse
    from django.views.generic import View
    from fastapi import Depends, HTTPException
    from flask import current_app, g
    from flask.views import MethodView
    from rest_framework.views import APIView
    from sqlalchemy.orm import Session
    """
    assert lines_of(source, CODE, path="shop/services.py") == []


def test_project_views_and_routes_modules():
    source = """
    from . import views
    from .routes import router
    from ..api.endpoints import users
    from shop.views import checkout
    from shop import user_views
    from other.views import x
    from .serializers import OrderSerializer
    """
    assert lines_of(source, CODE, path="shop/services/orders.py") == [2, 3, 4, 5, 6]


def test_a_module_that_defines_models_and_no_routes():
    models = """
    from django.db import models
    from django.http import Http404


    class Order(models.Model):
        total = models.DecimalField(max_digits=12, decimal_places=2)

        @classmethod
        def get_or_404(cls, pk):
            try:
                return cls.objects.get(pk=pk)
            except cls.DoesNotExist:
                raise Http404
    """
    assert lines_of(models, CODE, path="shop/order_data.py") == [3]
    single_file_app = """
    from flask import Flask, request
    from flask_sqlalchemy import SQLAlchemy

    app = Flask(__name__)
    db = SQLAlchemy(app)


    class Note(db.Model):
        id = db.Column(db.Integer, primary_key=True)


    @app.post("/notes")
    def create():
        db.session.add(Note(**request.json))
        db.session.commit()
        return {}, 201
    """
    assert lines_of(single_file_app, CODE, path="app.py") == []


def test_fastapi_crud_module_and_sqlmodel_models():
    crud = """
    from fastapi import Request
    from sqlmodel import Session, select

    from .models import Hero


    def heroes_for(request: Request, session: Session):
        return session.exec(select(Hero).where(Hero.team == request.headers["X-Team"])).all()
    """
    assert lines_of(crud, CODE, path="app/crud.py") == [2]
    models = """
    from sqlmodel import Field, SQLModel

    from .routers import heroes


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
    """
    assert lines_of(models, CODE, path="app/models.py") == [4]


def test_absolute_project_imports_through_the_workspace(tmp_path):
    files = {
        "backend/services.py": "from api.views import render_order\nfrom rest_framework.views import APIView\n",
        "api/__init__.py": "",
        "api/views.py": "def render_order(order):\n    return order\n",
        "backend/__init__.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    index = WorkspaceIndex([tmp_path])
    index.build()
    path = str(tmp_path / "backend/services.py")
    text = (tmp_path / "backend/services.py").read_text()
    analysis = check_facts(index.modules[path].facts, text.splitlines(keepends=True), Settings(), load_rules(), index)
    assert [f.span.start[0] for f in analysis.findings if f.code == CODE] == [1]
    # Without the workspace, `api` is not known to be the project's.
    assert lines_of(text, CODE, path="backend/services.py") == []
