"""API003 through the protocol: `/v1` goes after the API root, in the string that holds it."""

from __future__ import annotations

from tests.lsp_helpers import fix_through_lsp, open_document, wait_for_diagnostics

BLUEPRINT = '''from flask import Blueprint, Flask as F

app = F(__name__)
users = Blueprint("users", __name__, url_prefix="/api/users")


@users.get("/")
def list_users():
    return []


@users.get("/<int:user_id>")
def show_user(user_id):
    return {}


app.register_blueprint(users)
'''

INCLUDE_ROUTER = '''import fastapi

app = fastapi.FastAPI()
orders = fastapi.APIRouter(prefix="/orders")


@orders.get("/{order_id}")
def show_order(order_id: int):
    return {}


app.include_router(orders, prefix="/api")
'''

CUSTOM_ROOT = '''from fastapi import FastAPI

app = FastAPI()


@app.get("/rest/invoices")
def invoices():
    return []


@app.get("/api/invoices")
def legacy_invoices():
    return []
'''

NEAR_MISSES = '''from fastapi import APIRouter as R, FastAPI
from flask import Blueprint, Flask

app = Flask(__name__)
bees = Blueprint("bees", __name__)
users = Blueprint("users", __name__, url_prefix="/api/users")
api = FastAPI()
orders = R(prefix="/orders")
PREFIX = "/api"


@bees.get("/apiary/bees")
def list_bees():
    return []


@users.get("/")
def list_users():
    return []


@app.get(PREFIX + "/dynamic")
def dynamic():
    return []


@orders.get("/")
def list_orders():
    return []


app.register_blueprint(bees)
app.register_blueprint(users, url_prefix="/api/v1/users")
api.include_router(orders, prefix="/api/2024-01-01")
'''


async def test_blueprint_prefix_is_reported_once_and_fixed(client, workspace):
    uri = open_document(client, workspace / "bp.py", BLUEPRINT)
    diagnostics = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "API003"]
    assert [(d.range.start.line, d.range.start.character) for d in diagnostics] == [(3, 48)]
    fixed = await fix_through_lsp(client, workspace / "bp_fix.py", BLUEPRINT, "API003")
    assert fixed == BLUEPRINT.replace('url_prefix="/api/users"', 'url_prefix="/api/v1/users"')


async def test_include_router_prefix_is_fixed(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "main.py", INCLUDE_ROUTER, "API003")
    assert fixed == INCLUDE_ROUTER.replace('prefix="/api")', 'prefix="/api/v1")')


async def test_custom_api_root_from_pyproject(client, workspace):
    (workspace / "pyproject.toml").write_text('[tool.backend-ls]\napi-roots = ["/rest"]\n', encoding="utf-8")
    fixed = await fix_through_lsp(client, workspace / "billing.py", CUSTOM_ROOT, "API003")
    assert fixed == CUSTOM_ROOT.replace('"/rest/invoices"', '"/rest/v1/invoices"')


async def test_near_misses_are_quiet(client, workspace):
    uri = open_document(client, workspace / "quiet.py", NEAR_MISSES)
    diagnostics = await wait_for_diagnostics(client, uri, 1)
    assert [d for d in diagnostics if d.code == "API003"] == []
