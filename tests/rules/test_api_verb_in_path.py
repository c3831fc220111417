"""API002 verb-in-path: a static path segment that names an action."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backend_ls.analysis import check_facts
from backend_ls.index import WorkspaceIndex
from backend_ls.options import Settings
from backend_ls.rules.api.verb_in_path import verb_of, words
from backend_ls.rules.registry import load_rules
from tests.rules.helpers import findings


def spans(source: str, code: str = "API002", path: str = "app.py"):
    """(line, highlighted text) of every finding of `code` in a snippet."""
    source = textwrap.dedent(source)
    lines = source.splitlines()
    result = []
    for f in findings(source, code, path=path):
        (line, start), (end_line, end) = f.span.start, f.span.end
        assert line == end_line
        result.append((line, lines[line - 1][start:end]))
    return result


def project(root: Path, files: dict[str, str], code: str):
    """Index a small project written to `root` and check each file with it: {file: [(line, text,
    finding)]} for the files where `code` is reported."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    index = WorkspaceIndex([root])
    index.build()
    result = {}
    for path, module in sorted(index.modules.items()):
        lines = Path(path).read_text().splitlines(keepends=True)
        analysis = check_facts(module.facts, lines, Settings(), load_rules(), index)
        found = []
        for f in analysis.findings:
            if f.code == code:
                (line, start), (end_line, end) = f.span.start, f.span.end
                text = lines[line - 1][start:end] if line == end_line else lines[line - 1].strip()
                found.append((line, text, f))
        if found:
            result[Path(path).relative_to(root.resolve()).as_posix()] = found
    return result


def located(result) -> dict[str, list[tuple[int, str]]]:
    return {name: [(line, text) for line, text, _ in found] for name, found in result.items()}


@pytest.mark.parametrize(
    "segment, verb",
    [
        ("updateUserStatus", "update"),
        ("delete", "delete"),
        ("get-user", "get"),
        ("list_orders", "list"),
        ("GETUser", "get"),
        ("Remove", "remove"),
        ("fetchAll", "fetch"),
        ("add", "add"),
        ("set-password", "set"),
        ("edit", "edit"),
        ("save.json", "save"),
        ("do_export", "do"),
        ("makePayment", "make"),
        ("modify", "modify"),
        ("insertRow", "insert"),
        ("create", "create"),
    ],
)
def test_segments_that_start_with_an_action_word(segment, verb):
    assert verb_of(segment) == verb


@pytest.mark.parametrize(
    "segment",
    ["settings", "setup", "address", "addresses", "download", "updates", "updated", "listings", "getter",
     "domains", "editor", "savings", "makeup", "user-settings", "users", "<delete>", "{get_id}", "<int:get>",
     "(?P<delete>[0-9]+)", "v1", ""],
)
def test_nouns_and_parameters_are_not_verbs(segment):
    assert verb_of(segment) is None


def test_words_split_camel_snake_and_kebab_case():
    assert words("updateUserStatus") == ["update", "User", "Status"]
    assert words("get-user_byID") == ["get", "user", "by", "ID"]
    assert words("v2Users") == ["v2", "Users"]


# --- Flask ------------------------------------------------------------------------------------


def test_flask_route_strings_with_verbs():
    source = """\
    from flask import Flask as F

    app = F(__name__)


    @app.route("/updateUserStatus", methods=["POST"])
    def update_status():
        return {}


    @app.post("/users/<int:user_id>/delete")
    def delete_user(user_id):
        return {}


    @app.get("/get-user/<int:user_id>")
    def get_user(user_id):
        return {}
    """
    assert spans(source) == [(6, '"/updateUserStatus"'), (11, '"/users/<int:user_id>/delete"'), (16, '"/get-user/<int:user_id>"')]
    message = findings(textwrap.dedent(source), "API002")[1].message
    assert "`delete`" in message and "HTTP method" in message
    assert all(f.fix is None for f in findings(textwrap.dedent(source), "API002"))


def test_flask_nouns_and_parameters_are_quiet():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.get("/users/<int:user_id>/settings")
    def settings(user_id):
        return {}


    @app.get("/users/<int:user_id>/address")
    def address(user_id):
        return {}


    @app.get("/updates")
    def updates():
        return []


    @app.get("/listings/<delete>")
    def listings(delete):
        return []


    @app.get("/setup")
    def setup():
        return {}
    """
    assert spans(source) == []


def test_blueprint_prefix_is_reported_once_where_it_is_written():
    source = """\
    from flask import Blueprint, Flask

    app = Flask(__name__)
    bp = Blueprint("admin", __name__, url_prefix="/doAdmin")


    @bp.get("/users")
    def users():
        return []


    @bp.get("/groups")
    def groups():
        return []


    app.register_blueprint(bp)
    """
    assert spans(source) == [(4, '"/doAdmin"')]


def test_register_blueprint_prefix_replaces_the_blueprint_one():
    source = """\
    from flask import Blueprint, Flask

    app = Flask(__name__)
    bp = Blueprint("admin", __name__, url_prefix="/admin")


    @bp.get("/users")
    def users():
        return []


    app.register_blueprint(bp, url_prefix="/manage/fetchUsers")
    """
    assert spans(source) == [(12, '"/manage/fetchUsers"')]


def test_a_string_that_is_no_route_is_not_a_path():
    source = """\
    import requests
    from flask import Flask

    app = Flask(__name__)
    LEGACY = "/getUsers"


    @app.get("/users")
    def users():
        return requests.get("https://example.com/getUsers", timeout=5).json()
    """
    assert spans(source) == []


# --- FastAPI / Starlette -----------------------------------------------------------------------


def test_fastapi_router_prefix_and_route():
    source = """\
    from fastapi import APIRouter as R, FastAPI

    app = FastAPI()
    router = R(prefix="/createOrder")


    @router.post("/")
    def create():
        return {}


    @app.api_route("/orders/{order_id}/cancel", methods=["POST"])
    def cancel(order_id: int):
        return {}


    @app.post("/orders/{order_id}/remove")
    def remove(order_id: int):
        return {}


    app.include_router(router)
    """
    assert spans(source) == [(4, '"/createOrder"'), (17, '"/orders/{order_id}/remove"')]


def test_starlette_route_and_mount():
    source = """\
    from starlette.applications import Starlette
    from starlette.routing import Mount, Route


    async def listing(request):
        return None


    app = Starlette(routes=[Mount("/saveData", routes=[Route("/items", listing)]), Route("/list-items", listing)])
    """
    assert spans(source) == [(9, '"/saveData"'), (9, '"/list-items"')]


def test_prefix_set_in_another_module_is_reported_there(tmp_path):
    result = project(
        tmp_path,
        {
            "svc/__init__.py": "",
            "svc/main.py": """\
            from fastapi import FastAPI
            from svc.routes import router

            app = FastAPI()
            app.include_router(router, prefix="/api/v1/getThings")
            """,
            "svc/routes.py": """\
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/all")
            def things():
                return []
            """,
        },
        "API002",
    )
    assert located(result) == {"svc/main.py": [(5, '"/api/v1/getThings"')]}


# --- Django / DRF ------------------------------------------------------------------------------

DJANGO = {
    "mysite/__init__.py": "",
    "mysite/settings.py": 'ROOT_URLCONF = "mysite.urls"\n',
    "mysite/urls.py": """\
    from django.urls import include, path, re_path as url

    from shop import views

    urlpatterns = [
        path("orders/", views.order_list),
        path("orders/<int:pk>/delete/", views.delete_order),
        url(r"^orders/(?P<update>[0-9]+)/$", views.order_list),
        path("editShop/", include("shop.urls")),
    ]
    """,
    "shop/__init__.py": "",
    "shop/urls.py": """\
    from django.urls import path
    from rest_framework.routers import DefaultRouter

    from . import views

    router = DefaultRouter()
    router.register(r"addProducts", views.ProductViewSet)
    router.register(r"products", views.ProductViewSet, basename="p2")
    urlpatterns = [path("settings/", views.shop_settings)] + router.urls
    """,
    "shop/views.py": """\
    from django.http import JsonResponse
    from rest_framework import viewsets


    def order_list(request):
        return JsonResponse({})


    def delete_order(request, pk):
        return JsonResponse({})


    def shop_settings(request):
        return JsonResponse({})


    class ProductViewSet(viewsets.ModelViewSet):
        queryset = None
    """,
}


def test_django_and_drf_strings_are_reported_in_the_urlconf(tmp_path):
    result = project(tmp_path, DJANGO, "API002")
    assert located(result) == {
        "mysite/urls.py": [(7, '"orders/<int:pk>/delete/"'), (9, '"editShop/"')],
        "shop/urls.py": [(7, 'r"addProducts"')],
    }
