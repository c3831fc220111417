"""API008 through the protocol: converters in path strings, annotations on FastAPI parameters."""

from __future__ import annotations

from tests.e2e.test_fixes_api007 import DJANGO_FILES, indexed
from tests.lsp_helpers import fix_through_lsp, open_document, wait_for_diagnostics

FLASK_BLUEPRINT = '''from flask import Blueprint, Flask

app = Flask(__name__)
orders = Blueprint("orders", __name__, url_prefix="/shops/<shop_id>/orders")


@orders.get("/<int:order_id>")
def show_order(shop_id, order_id):
    return {}


app.register_blueprint(orders)
'''

FASTAPI_PARAMETERS = '''from fastapi import FastAPI, Path

app = FastAPI()


@app.get("/items/{item_id}")
def read_item(item_id, q: str | None = None):
    return {}


@app.get("/orders/{order_id}")
async def read_order(order_id=Path(..., title="The order")):
    return {}
'''

FASTAPI_UUID = '''"""Documents."""
from fastapi import FastAPI

app = FastAPI()


@app.get("/documents/{document_uuid}")
def read_document(document_uuid):
    return {}
'''

NEAR_MISSES = '''from typing import Annotated

from fastapi import FastAPI, Path
from flask import Flask

app = Flask(__name__)
api = FastAPI()


@app.get("/users/<int:user_id>/posts/<slug>")
def post(user_id, slug):
    return {}


@api.get("/items/{item_id}")
def read_item(item_id: Annotated[int, Path(gt=0)], id=None):
    return {}
'''

DJANGO_URLS = '''from django.urls import path, re_path

from shop import views

urlpatterns = [
    path("orders/<pk>/items/", views.order_items),
    re_path(r"^legacy/(?P<pk>[0-9]+)/$", views.order_items),
]
'''


async def test_flask_blueprint_prefix_is_fixed(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "shop.py", FLASK_BLUEPRINT, "API008")
    assert fixed == FLASK_BLUEPRINT.replace('"/shops/<shop_id>/orders"', '"/shops/<int:shop_id>/orders"')


async def test_flask_route_string_is_fixed(client, workspace):
    source = FLASK_BLUEPRINT.replace('"/shops/<shop_id>/orders"', '"/shops/<int:shop_id>/orders"').replace(
        '"/<int:order_id>"', '"/<order_id>"'
    )
    fixed = await fix_through_lsp(client, workspace / "shop.py", source, "API008")
    assert fixed == source.replace('"/<order_id>"', '"/<int:order_id>"')


async def test_fastapi_parameter_is_annotated(client, workspace):
    source = FASTAPI_PARAMETERS.replace("(order_id=Path(", "(order_id: int = Path(")
    fixed = await fix_through_lsp(client, workspace / "items.py", source, "API008")
    assert fixed == source.replace("def read_item(item_id,", "def read_item(item_id: int,")


async def test_fastapi_parameter_with_a_default_is_annotated(client, workspace):
    source = FASTAPI_PARAMETERS.replace("def read_item(item_id,", "def read_item(item_id: int,")
    fixed = await fix_through_lsp(client, workspace / "items.py", source, "API008")
    assert fixed == source.replace("(order_id=Path(", "(order_id: int = Path(")


async def test_fastapi_uuid_annotation_brings_its_import(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "documents.py", FASTAPI_UUID, "API008")
    assert fixed == FASTAPI_UUID.replace(
        "from fastapi import FastAPI\n", "from fastapi import FastAPI\nfrom uuid import UUID\n"
    ).replace("def read_document(document_uuid):", "def read_document(document_uuid: UUID):")


async def test_near_misses_are_quiet(client, workspace):
    uri = open_document(client, workspace / "quiet.py", NEAR_MISSES)
    diagnostics = await wait_for_diagnostics(client, uri, 1)
    assert [d for d in diagnostics if d.code == "API008"] == []


async def test_django_urlconf_parameter_gets_a_converter(client, workspace):
    files = {**DJANGO_FILES, "mysite/urls.py": DJANGO_URLS}
    await indexed(client, workspace, files, "/orders/<pk>/items/")
    fixed = await fix_through_lsp(client, workspace / "mysite" / "urls.py", DJANGO_URLS, "API008")
    assert fixed == DJANGO_URLS.replace('"orders/<pk>/items/"', '"orders/<int:pk>/items/"')
