"""Complete route tables of the Flask and FastAPI fixture projects, prefixes set across modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import parso

from backend_ls.facts import module_facts

FIXTURES = Path(__file__).parent.parent / "fixtures"


def routes(project: str) -> list[tuple]:
    result = subprocess.run(
        [sys.executable, "-m", "backend_ls", "routes", str(FIXTURES / project), "--format", "json", "--no-cache"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    base = (FIXTURES / project).as_posix() + "/"
    return [
        (row["method"], row["path"], row["handler"], row["file"].removeprefix(base), row["line"], row["framework"])
        for row in json.loads(result.stdout)
    ]


def test_flask_project():
    assert sorted(routes("flask_project")) == sorted([
        # add_url_rule inside the app factory, for a function of the same module
        ("GET", "/health", "shop.health", "shop/__init__.py", 12, "flask"),
        # a blueprint made with `import flask`, registered without a prefix: its own url_prefix
        ("GET", "/admin/stats", "shop.admin.stats", "shop/admin.py", 11, "flask"),
        # registered with url_prefix="/orders" on a blueprint registered under /api/v1: the
        # registration's prefix replaces the blueprint's own one
        ("POST", "/api/v1/orders", "shop.api.orders.create_order", "shop/api/orders.py", 6, "flask"),
        ("DELETE", "/api/v1/orders/<int:order_id>", "shop.api.orders.cancel_order", "shop/api/orders.py", 11, "flask"),
        # nested blueprint, imported through a module alias (`users_module.users`)
        ("GET", "/api/v1/users/", "shop.api.users.list_users", "shop/api/users.py", 7, "flask"),
        ("GET", "/api/v1/users/<int:user_id>", "shop.api.users.user_detail", "shop/api/users.py", 12, "flask"),
        ("PATCH", "/api/v1/users/<int:user_id>", "shop.api.users.user_detail", "shop/api/users.py", 12, "flask"),
        # a MethodView: one route per method it defines, anchored at the `def`
        ("GET", "/api/v1/users/<int:user_id>/avatar", "shop.api.users.AvatarAPI.get", "shop/api/users.py", 18, "flask"),
        ("PUT", "/api/v1/users/<int:user_id>/avatar", "shop.api.users.AvatarAPI.put", "shop/api/users.py", 21, "flask"),
    ])


def test_fastapi_project():
    assert sorted(routes("fastapi_project")) == sorted([
        ("GET", "/health", "service.main.health", "service/main.py", 12, "fastapi"),
        # one router included twice, under two prefixes
        ("POST", "/api/v1/items/", "service.routers.items.create_item", "service/routers/items.py", 6, "fastapi"),
        ("POST", "/api/v2/items/", "service.routers.items.create_item", "service/routers/items.py", 6, "fastapi"),
        # an aliased APIRouter; include_router's prefix goes in front of the router's own
        ("GET", "/api/v1/users/{user_id}", "service.routers.users.read_user", "service/routers/users.py", 6, "fastapi"),
        ("PUT", "/api/v1/users/{user_id}", "service.routers.users.write_user", "service/routers/users.py", 11, "fastapi"),
        ("PATCH", "/api/v1/users/{user_id}", "service.routers.users.write_user", "service/routers/users.py", 11, "fastapi"),
        ("DELETE", "/api/v1/users/{user_id}", "service.routers.users.remove_user", "service/routers/users.py", 20, "fastapi"),
    ])


def _facts(source: str):
    return module_facts(parso.parse(source), "m.py")


def test_starlette_route_lists_and_mounts():
    facts = _facts(
        "from starlette.routing import Route, Mount\n"
        "from starlette.endpoints import HTTPEndpoint\n"
        "async def home(request): ...\n"
        "class Items(HTTPEndpoint):\n"
        "    async def get(self, request): ...\n"
        "    async def post(self, request): ...\n"
        "routes = [\n"
        "    Route('/', endpoint=home),\n"
        "    Mount('/api', routes=[Mount('/v1', routes=[Route('/items', Items)])]),\n"
        "]\n"
    )
    assert sorted((r.methods, r.path, r.handler) for r in facts.routes) == [
        (("GET",), "/", "home"),
        (("GET",), "/api/v1/items", "Items.get"),
        (("POST",), "/api/v1/items", "Items.post"),
    ]


def test_dynamic_paths_and_methods_stay_undecided():
    facts = _facts(
        "from flask import Flask\n"
        "app = Flask(__name__)\n"
        "PREFIX = compute()\n"
        "@app.route(PREFIX + '/x', methods=allowed())\n"
        "def x(): ...\n"
    )
    (route,) = facts.routes
    assert route.path is None and route.methods is None


def test_before_request_hooks():
    facts = _facts(
        "from flask import Flask, Blueprint\n"
        "app = Flask(__name__)\n"
        "bp = Blueprint('b', __name__)\n"
        "@bp.before_request\n"
        "def check(): ...\n"
        "def audit(): ...\n"
        "app.before_request(audit)\n"
    )
    assert [(h.owner, h.function) for h in facts.hooks] == [("bp", "check"), ("app", "audit")]


def test_names_that_only_look_like_flask_are_not_routes():
    facts = _facts(
        "class Router:\n"
        "    def route(self, path): ...\n"
        "app = Router()\n"
        "@app.route('/x')\n"
        "def x(): ...\n"
    )
    assert facts.routes == ()


def test_objects_imported_from_another_module_are_known(tmp_path):
    """`from app import app` in views.py and `from .extensions import db` in models.py: the index
    tells each module what the imported name is, so its routes and models are found."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from flask import Flask\nfrom .extensions import db\napp = Flask(__name__)\nfrom . import views\n"
    )
    (package / "extensions.py").write_text("from flask_sqlalchemy import SQLAlchemy as SA\ndb = SA()\n")
    (package / "models.py").write_text(
        "from .extensions import db\n\nclass Order(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
    )
    (package / "views.py").write_text(
        "from app import app\nfrom .models import Order\n\n@app.route('/orders/<int:order_id>', methods=['DELETE'])\n"
        "def cancel(order_id):\n    return ''\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "backend_ls", "routes", str(tmp_path), "--format", "json", "--no-cache"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    assert [(r["method"], r["path"], r["handler"]) for r in json.loads(result.stdout)] == [
        ("DELETE", "/orders/<int:order_id>", "app.views.cancel")
    ]
    from backend_ls.index import WorkspaceIndex

    index = WorkspaceIndex([tmp_path])
    index.build()
    models = index.module_of(str(package / "models.py")).facts.models
    assert [(m.name, m.orm) for m in models] == [("Order", "flask_sqlalchemy")]
