"""API003 unversioned-api: routes under an API root with no version segment."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.rules.api.unversioned_api import is_versioned, root_of
from tests.rules.helpers import findings, fixed as fix_all


def spans(source: str, **settings):
    """(line, column, highlighted text) of every API003 finding."""
    source = textwrap.dedent(source)
    lines = source.splitlines()
    result = []
    for f in findings(source, "API003", **settings):
        (line, start), (end_line, end) = f.span.start, f.span.end
        assert line == end_line
        result.append((line, start, lines[line - 1][start:end]))
    return result


def fixed(source: str, **settings) -> str:
    return fix_all(source, "API003", **settings)

@pytest.mark.parametrize(
    "path, versioned",
    [
        ("/api/v1/users", True),
        ("/api/V3/users", True),
        ("/api/v1.2/users", True),
        ("/api/v2beta1/users", True),
        ("/api/2024-01-01/users", True),
        ("/api/users/v2", True),
        ("/api/<version>/users", True),
        ("/api/{api_version}/users", True),
        ("/api/users", False),
        ("/api/vip/users", False),
        ("/api/v/users", False),
        ("/api/users/<int:id>", False),
        ("/api/2024/users", False),
    ],
)
def test_version_segments(path, versioned):
    assert is_versioned(path) is versioned


@pytest.mark.parametrize(
    "path, root",
    [
        ("/api", "/api"),
        ("/api/", "/api"),
        ("/api/users", "/api"),
        ("/apiary", None),
        ("/apiary/bees", None),
        ("/users/api", None),
        ("/", None),
    ],
)
def test_api_root_is_a_whole_segment_prefix(path, root):
    assert root_of(path, ("/api",)) == root


# --- Flask -----------------------------------------------------------------------------------


def test_flask_route_string_is_reported_and_fixed():
    source = """\
    from flask import Flask as F

    app = F(__name__)


    @app.route("/api/users/<int:user_id>")
    def show_user(user_id):
        return {}


    @app.get("/api")
    def index():
        return {}
    """
    assert spans(source) == [(6, 11, '"/api/users/<int:user_id>"'), (11, 9, '"/api"')]
    found = findings(textwrap.dedent(source), "API003")
    assert "/api/users/<int:user_id>" in found[0].message and "/v1" in found[0].message
    assert found[0].fix.title == "Insert `/v1` after `/api`"
    text = fixed(source)
    assert '@app.route("/api/v1/users/<int:user_id>")' in text and '@app.get("/api/v1")' in text


def test_versioned_and_non_api_flask_paths_are_not_reported():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.route("/api/v1/users")
    def users():
        return {}


    @app.route("/api/2024-01-01/orders", methods=["POST"])
    def orders():
        return {}


    @app.route("/apiary/bees")
    def bees():
        return {}


    @app.route("/users/api")
    def users_api():
        return {}


    @app.route("/health")
    def health():
        return {}
    """
    assert spans(source) == []


def test_blueprint_prefix_is_reported_once_for_all_its_routes():
    source = """\
    from flask import Blueprint, Flask

    app = Flask(__name__)
    users = Blueprint("users", __name__, url_prefix="/api/users")


    @users.route("/")
    def index():
        return {}


    @users.route("/<int:user_id>", methods=["GET", "POST"])
    def show(user_id):
        return {}


    app.register_blueprint(users)
    """
    assert spans(source) == [(4, 48, '"/api/users"')]
    assert 'url_prefix="/api/v1/users")' in fixed(source)


def test_version_in_blueprint_prefix_is_enough():
    source = """\
    from flask import Blueprint, Flask

    app = Flask(__name__)
    users = Blueprint("users", __name__, url_prefix="/api/v2/users")


    @users.get("/<int:user_id>")
    def show(user_id):
        return {}


    app.register_blueprint(users)
    """
    assert spans(source) == []


def test_version_in_register_blueprint_url_prefix_is_enough():
    source = """\
    from flask import Blueprint, Flask

    app = Flask(__name__)
    users = Blueprint("users", __name__, url_prefix="/api/users")


    @users.get("/<int:user_id>")
    def show(user_id):
        return {}


    app.register_blueprint(users, url_prefix="/api/v1/users")
    """
    # Flask's url_prefix at registration replaces the blueprint's own.
    assert spans(source) == []


def test_register_blueprint_url_prefix_that_holds_the_root_is_the_anchor():
    source = """\
    from flask import Blueprint, Flask

    app = Flask(__name__)
    users = Blueprint("users", __name__)


    @users.get("/users/<int:user_id>")
    def show(user_id):
        return {}


    @users.post("/users")
    def create():
        return {}


    app.register_blueprint(users, url_prefix='/api')
    """
    assert spans(source) == [(17, 41, "'/api'")]
    assert "app.register_blueprint(users, url_prefix='/api/v1')" in fixed(source)


def test_prefix_shared_with_versioned_routes_is_reported_without_a_fix():
    source = """\
    from flask import Blueprint, Flask

    app = Flask(__name__)
    api = Blueprint("api", __name__, url_prefix="/api")


    @api.get("/v1/users")
    def users_v1():
        return {}


    @api.get("/users")
    def users():
        return {}


    app.register_blueprint(api)
    """
    found = findings(textwrap.dedent(source), "API003")
    assert [f.span.start for f in found] == [(4, 44)]
    assert found[0].fix is None


def test_dynamic_paths_are_left_alone():
    source = """\
    from flask import Blueprint, Flask

    PREFIX = "/api"
    app = Flask(__name__)
    users = Blueprint("users", __name__, url_prefix=PREFIX)


    @users.get("/users")
    def users_index():
        return {}


    @app.get(f"{PREFIX}/orders")
    def orders():
        return {}


    @app.get(PREFIX + "/items")
    def items():
        return {}


    app.register_blueprint(users)
    """
    assert spans(source) == []


def test_custom_api_root_from_the_settings():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.get("/rest/users")
    def users():
        return {}


    @app.get("/api/orders")
    def orders():
        return {}


    @app.get("/restful/items")
    def items():
        return {}
    """
    assert spans(source, api_roots=["/rest"]) == [(6, 9, '"/rest/users"')]
    assert '@app.get("/rest/v1/users")' in fixed(source, api_roots=["/rest"])


def test_api_root_of_several_segments():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.get("/services/api/users")
    def users():
        return {}
    """
    assert spans(source, api_roots=["/services/api/"]) == [(6, 9, '"/services/api/users"')]
    assert '@app.get("/services/api/v1/users")' in fixed(source, api_roots=["/services/api/"])


def test_a_literal_with_escapes_is_reported_without_a_fix():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.get("/\\x61pi/users")
    def users():
        return {}
    """
    found = findings(textwrap.dedent(source), "API003")
    assert len(found) == 1 and found[0].fix is None


# --- FastAPI ---------------------------------------------------------------------------------


def test_fastapi_include_router_prefix_holds_the_root():
    source = """\
    import fastapi

    app = fastapi.FastAPI()
    orders = fastapi.APIRouter(prefix="/orders")


    @orders.get("/{order_id}")
    def show(order_id: int):
        return {}


    @orders.delete("/{order_id}")
    def remove(order_id: int):
        return {}


    app.include_router(orders, prefix="/api")
    """
    assert spans(source) == [(17, 34, '"/api"')]
    assert 'app.include_router(orders, prefix="/api/v1")' in fixed(source)


def test_fastapi_aliased_router_prefix_holds_the_root():
    source = """\
    from fastapi import APIRouter as R, FastAPI

    app = FastAPI()
    router = R(prefix="/api/orders")


    @router.get("/{order_id}")
    def show(order_id: int):
        return {}


    app.include_router(router)
    """
    assert spans(source) == [(4, 18, '"/api/orders"')]
    assert 'R(prefix="/api/v1/orders")' in fixed(source)


def test_fastapi_version_in_include_router_prefix_is_enough():
    source = """\
    from fastapi import APIRouter, FastAPI

    app = FastAPI()
    router = APIRouter(prefix="/api/orders")


    @router.get("/{order_id}")
    def show(order_id: int):
        return {}


    app.include_router(router, prefix="/v1")
    """
    # The full path is /v1/api/orders/{order_id}: not under /api, so nothing to say.
    assert spans(source) == []


def test_fastapi_versioned_include_prefix_before_the_router_prefix():
    source = """\
    from fastapi import APIRouter, FastAPI

    app = FastAPI()
    router = APIRouter(prefix="/orders")


    @router.get("/{order_id}")
    def show(order_id: int):
        return {}


    app.include_router(router, prefix="/api/v1")
    """
    assert spans(source) == []


def test_fastapi_nested_routers():
    source = """\
    from fastapi import APIRouter, FastAPI

    app = FastAPI()
    api = APIRouter(prefix="/api")
    orders = APIRouter(prefix="/orders")


    @orders.get("/")
    def index():
        return {}


    api.include_router(orders)
    app.include_router(api)
    """
    assert spans(source) == [(4, 23, '"/api"')]
    assert 'APIRouter(prefix="/api/v1")' in fixed(source)


def test_fastapi_route_strings_on_the_app():
    source = """\
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/api/orders")
    def index():
        return []


    @app.post("/api/v2/orders")
    def create():
        return {}


    @app.api_route("/api/{version}/ping")
    def ping(version: str):
        return {}
    """
    assert spans(source) == [(6, 9, '"/api/orders"')]


def test_a_root_of_slash_makes_every_path_an_api_path():
    source = """\
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/orders")
    def index():
        return []


    @app.get("/v1/items")
    def items():
        return []
    """
    assert spans(source, api_roots=["/"]) == [(6, 9, '"/orders"')]
    assert '@app.get("/v1/orders")' in fixed(source, api_roots=["/"])
