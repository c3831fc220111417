"""API008 untyped-path-param: id-like path parameters with no converter or annotation."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.rules.api.untyped_path_param import is_id_like, untyped_in
from tests.rules.helpers import findings, fixed as fix_all
from tests.rules.test_api_verb_in_path import DJANGO, located, project, spans


def fixed(source: str) -> str:
    return fix_all(source, "API008", safety="safe")

@pytest.mark.parametrize("name", ["id", "pk", "uuid", "user_id", "order_uuid", "userId", "orderId"])
def test_id_like_names(name):
    assert is_id_like(name)


@pytest.mark.parametrize("name", ["slug", "name", "idea", "valid", "ids", "user_ids", "identity", "paid", "Id", "ID"])
def test_names_that_are_not_ids(name):
    assert not is_id_like(name)


def test_placeholders_with_converters_or_regex_groups_are_typed():
    assert [u.typed for u in untyped_in("/a/<id>/<int:pk>/<string:user_id>/<int(signed=True):x_id>/<uuid>", False)] == [
        "<int:id>",
        "<uuid:uuid>",
    ]
    assert untyped_in("^orders/(?P<pk>[0-9]+)/$", False) == []
    assert [u.typed for u in untyped_in("/a/{id}/{pk:int}/{order_uuid}", True)] == ["{id:int}", "{order_uuid:uuid}"]


# --- Flask ------------------------------------------------------------------------------------


def test_flask_route_string_is_reported_and_fixed():
    source = """\
    from flask import Flask as F

    app = F(__name__)


    @app.get("/users/<user_id>/orders/<order_id>")
    def order(user_id, order_id):
        return {}


    @app.get("/files/<uuid>")
    def file(uuid):
        return {}
    """
    assert spans(source, "API008") == [(6, '"/users/<user_id>/orders/<order_id>"'), (11, '"/files/<uuid>"')]
    found = findings(textwrap.dedent(source), "API008")
    assert "`<user_id>` (and 1 more)" in found[0].message and "`<int:user_id>`" in found[0].message
    assert found[1].fix.title == "Write `<uuid:uuid>`"
    text = fixed(source)
    assert '"/users/<int:user_id>/orders/<int:order_id>"' in text and '"/files/<uuid:uuid>"' in text


def test_flask_typed_and_non_id_parameters_are_quiet():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.get("/users/<int:user_id>")
    def user(user_id):
        return {}


    @app.get("/tokens/<string:token_id>")
    def token(token_id):
        return {}


    @app.get("/posts/<slug>")
    def post(slug):
        return {}


    @app.get("/accounts/<int(signed=True):account_id>")
    def account(account_id):
        return {}
    """
    assert spans(source, "API008") == []


def test_blueprint_prefix_parameter_is_reported_on_the_prefix():
    source = """\
    from flask import Blueprint, Flask

    app = Flask(__name__)
    orders = Blueprint("orders", __name__, url_prefix="/shops/<shop_id>/orders")


    @orders.get("/")
    def index(shop_id):
        return []


    @orders.get("/<int:order_id>")
    def show(shop_id, order_id):
        return {}


    app.register_blueprint(orders)
    """
    assert spans(source, "API008") == [(4, '"/shops/<shop_id>/orders"')]
    assert 'url_prefix="/shops/<int:shop_id>/orders")' in fixed(source)


def test_method_view_registered_with_add_url_rule():
    source = """\
    from flask import Flask
    from flask.views import MethodView

    app = Flask(__name__)


    class ItemView(MethodView):
        def get(self, id):
            return {}

        def delete(self, id):
            return {}


    app.add_url_rule("/items/<id>", view_func=ItemView.as_view("item"))
    """
    assert spans(source, "API008") == [(15, '"/items/<id>"')]


# --- FastAPI ----------------------------------------------------------------------------------


def test_fastapi_parameter_without_annotation_is_reported_on_the_parameter():
    source = """\
    from fastapi import FastAPI, Path

    app = FastAPI()


    @app.get("/items/{item_id}")
    def read_item(item_id, q=None):
        return {}


    @app.get("/orders/{order_id}")
    async def read_order(order_id=Path(..., title="The order")):
        return {}
    """
    assert spans(source, "API008") == [(7, "item_id"), (12, "order_id")]
    found = findings(textwrap.dedent(source), "API008")
    assert "`item_id: int`" in found[0].message
    text = fixed(source)
    assert "def read_item(item_id: int, q=None):" in text
    assert 'async def read_order(order_id: int = Path(..., title="The order")):' in text


def test_fastapi_annotated_query_and_non_id_parameters_are_quiet():
    source = """\
    from typing import Annotated

    from fastapi import FastAPI, Path

    app = FastAPI()


    @app.get("/items/{item_id}")
    def read_item(item_id: str, id=None):
        return {}


    @app.get("/users/{user_id}/posts/{slug}")
    def read_post(user_id: Annotated[int, Path(gt=0)], slug):
        return {}


    @app.get("/search")
    def search(id):
        return {}


    @app.get("/files/{file_id:path}")
    def read_file(file_id):
        return {}
    """
    assert spans(source, "API008") == []


def test_fastapi_uuid_annotation_and_its_import():
    source = """\
    from fastapi import APIRouter, FastAPI

    app = FastAPI()
    router = APIRouter(prefix="/documents/{document_uuid}")


    @router.get("/")
    def read(document_uuid):
        return {}


    app.include_router(router)
    """
    assert spans(source, "API008") == [(8, "document_uuid")]
    text = fixed(source)
    assert "from uuid import UUID\n" in text and "def read(document_uuid: UUID):" in text


def test_fastapi_uuid_spelled_as_the_module_imports_it():
    source = """\
    import uuid as uuidlib

    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/documents/{uuid}")
    def read(uuid):
        return {}
    """
    text = fixed(source)
    assert "def read(uuid: uuidlib.UUID):" in text and "from uuid import" not in text


def test_fastapi_no_uuid_fix_when_the_name_means_something_else():
    source = """\
    from fastapi import FastAPI
    from sqlalchemy.dialects.postgresql import UUID

    app = FastAPI()


    @app.get("/documents/{document_uuid}")
    def read(document_uuid):
        return {}
    """
    [found] = findings(textwrap.dedent(source), "API008")
    assert found.fix is None


def test_fastapi_include_prefix_from_another_module(tmp_path):
    result = project(
        tmp_path,
        {
            "svc/__init__.py": "",
            "svc/main.py": """\
            from fastapi import FastAPI
            from svc.routes import router

            app = FastAPI()
            app.include_router(router, prefix="/orgs/{org_id}")
            """,
            "svc/routes.py": """\
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/members")
            def members(org_id):
                return []
            """,
        },
        "API008",
    )
    assert located(result) == {"svc/routes.py": [(7, "org_id")]}


# --- Starlette --------------------------------------------------------------------------------


def test_starlette_route_gets_a_converter():
    source = """\
    from starlette.applications import Starlette
    from starlette.routing import Route


    async def user(request):
        return None


    app = Starlette(routes=[Route("/users/{user_id}", user), Route("/posts/{post_id:int}", user)])
    """
    assert spans(source, "API008") == [(9, '"/users/{user_id}"')]
    assert 'Route("/users/{user_id:int}", user)' in fixed(source)


# --- Django / DRF ------------------------------------------------------------------------------


def test_django_path_is_reported_in_the_urlconf(tmp_path):
    files = dict(DJANGO)
    files["mysite/urls.py"] = """\
    from django.urls import include, path, re_path

    from shop import views

    urlpatterns = [
        path("orders/<pk>/", views.delete_order),
        path("orders/<int:pk>/cancel/", views.delete_order),
        re_path(r"^legacy/(?P<pk>[0-9]+)/$", views.delete_order),
        path("shops/<shop_id>/", include("shop.urls")),
    ]
    """
    result = project(tmp_path, files, "API008")
    # The DRF router's own `<pk>` lookup is written nowhere: not reported.
    assert located(result) == {"mysite/urls.py": [(6, '"orders/<pk>/"'), (9, '"shops/<shop_id>/"')]}
    assert [f.fix.edits[0].new_text for _, _, f in result["mysite/urls.py"]] == ["<int:pk>", "<int:shop_id>"]
