"""API009 duplicate-route: the same method and full path registered twice for one application."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.rules.api.duplicate_route import normalized
from tests.rules.helpers import findings
from tests.rules.test_api_verb_in_path import DJANGO, located, project


def reported(source: str):
    """(line, line of the first registration) of every API009 finding in a snippet."""
    found = findings(textwrap.dedent(source), "API009")
    for f in found:
        assert len(f.related) == 1 and f.fix is None
    return [(f.span.start[0], f.related[0].span.start[0]) for f in found]


@pytest.mark.parametrize(
    "path, framework, expected",
    [
        ("/users/<id>", "flask", "/users/<string>"),
        ("/users/<string:user_id>", "flask", "/users/<string>"),
        ("/users/<default:user_id>", "flask", "/users/<string>"),
        ("/users/<int:id>", "flask", "/users/<int>"),
        ("/users/{id}", "fastapi", "/users/{str}"),
        ("/users/{user_id:int}", "starlette", "/users/{int}"),
        ("/users/<pk>/", "django", "/users/<str>/"),
        ("/users/(?P<pk>[0-9]+)/", "django", "/users/(?P<>[0-9]+)/"),
    ],
)
def test_parameter_names_do_not_matter_converters_do(path, framework, expected):
    assert normalized(path, framework) == expected


# --- Flask ------------------------------------------------------------------------------------


def test_flask_same_path_under_other_parameter_names():
    source = """\
    from flask import Flask as F

    app = F(__name__)


    @app.get("/users/<int:id>")
    def show_user(id):
        return {}


    @app.route("/users/<int:user_id>")
    def user_details(user_id):
        return {}
    """
    assert reported(source) == [(11, 6)]
    [found] = findings(textwrap.dedent(source), "API009")
    assert found.span.start == (11, 0)  # the decorator
    assert "`GET /users/<int:user_id>`" in found.message and "`show_user`" in found.message
    assert found.related[0].path == "app.py" and "`GET /users/<int:id>`" in found.related[0].message


def test_flask_overlapping_methods_and_two_decorators_on_one_function():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.route("/orders", methods=["GET", "POST"])
    def orders():
        return []


    @app.post("/orders")
    def create_order():
        return {}


    @app.get("/reports")
    @app.get("/reports")
    def reports():
        return []
    """
    assert reported(source) == [(11, 6), (17, 16)]
    assert "`POST /orders`" in findings(textwrap.dedent(source), "API009")[0].message


def test_flask_near_misses_are_quiet():
    source = """\
    from flask import Blueprint, Flask

    app = Flask(__name__)
    admin = Blueprint("admin", __name__, url_prefix="/admin")


    @app.get("/users/<int:id>")
    def user_by_id(id):
        return {}


    @app.get("/users/<slug>")
    def user_by_name(slug):
        return {}


    @app.post("/users/<int:id>")
    def update_user(id):
        return {}


    @app.get("/users/<int:id>/")
    def user_slash(id):
        return {}


    @admin.get("/users/<int:id>")
    def admin_user(id):
        return {}


    app.register_blueprint(admin)
    """
    assert reported(source) == []


def test_apps_made_in_different_factories_are_different_apps():
    source = """\
    from flask import Flask


    def create_public_app():
        app = Flask(__name__)

        @app.get("/health")
        def health():
            return "ok"

        return app


    def create_admin_app():
        app = Flask(__name__)

        @app.get("/health")
        def health():
            return "ok"

        @app.get("/health")
        def health_again():
            return "ok"

        return app
    """
    assert reported(source) == [(21, 17)]


def test_a_local_app_is_not_the_module_app_of_the_same_name():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.get("/health")
    def health():
        return "ok"


    def make_test_app():
        app = Flask("test")

        @app.get("/health")
        def health():
            return "ok"

        return app
    """
    assert reported(source) == []


def test_a_nested_function_registers_on_the_app_of_its_factory():
    source = """\
    from fastapi import FastAPI

    app = FastAPI()


    def create_app():
        app = FastAPI()

        @app.get("/health")
        def health():
            return "ok"

        def install_extras():
            @app.get("/health")
            def status():
                return "ok"

        install_extras()
        return app
    """
    # The nested function's `app` is the factory's, not the module's.
    assert reported(source) == [(14, 9)]


def test_blueprint_registered_twice_under_the_same_prefix():
    source = """\
    from flask import Blueprint, Flask

    app = Flask(__name__)
    shop = Blueprint("shop", __name__, url_prefix="/shop")


    @shop.get("/items")
    def items():
        return []


    @shop.get("/carts")
    def carts():
        return []


    app.register_blueprint(shop)
    app.register_blueprint(shop, url_prefix="/store")
    app.register_blueprint(shop, name="shop_again")
    """
    # Reported once, on the registration: not on each of the routes it duplicates.
    assert reported(source) == [(19, 17)]
    [found] = findings(textwrap.dedent(source), "API009")
    assert "`shop` is registered on `app` a second time" in found.message


def test_fastapi_router_included_twice():
    source = """\
    from fastapi import APIRouter, FastAPI

    app = FastAPI()
    items = APIRouter(prefix="/items")


    @items.get("/")
    def list_items():
        return []


    app.include_router(items, prefix="/api/v1")
    app.include_router(items, prefix="/api/v2")
    app.include_router(items, prefix="/api/v1")
    """
    assert reported(source) == [(14, 12)]
    assert "under the prefix `/api/v1`" in findings(textwrap.dedent(source), "API009")[0].message


def test_routes_whose_path_is_built_at_run_time_are_left_alone():
    source = """\
    from fastapi import FastAPI

    app = FastAPI()
    BASE = "/items"


    @app.get(BASE)
    def list_items():
        return []


    @app.get(BASE)
    def all_items():
        return []
    """
    assert reported(source) == []


# --- across files ------------------------------------------------------------------------------

FASTAPI_PROJECT = {
    "svc/__init__.py": "",
    "svc/main.py": """\
    from fastapi import FastAPI as App

    from svc import legacy
    from svc.users import router as users_router

    app = App()
    app.include_router(users_router, prefix="/api")
    app.include_router(legacy.router, prefix="/api")
    app.include_router(legacy.router, prefix="/api/v0")
    """,
    "svc/users.py": """\
    from fastapi import APIRouter

    router = APIRouter(prefix="/users")


    @router.get("/{user_id}")
    def read_user(user_id: int):
        return {}


    @router.delete("/{user_id}")
    def remove_user(user_id: int):
        return {}
    """,
    "svc/legacy.py": """\
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/users/{id}")
    def old_read_user(id: int):
        return {}


    @router.post("/users/{id}")
    def old_write_user(id: int):
        return {}
    """,
    "other/service.py": """\
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/api/users/{user_id}")
    def read_user(user_id: int):
        return {}
    """,
}


def test_across_files_the_later_file_is_reported(tmp_path):
    result = project(tmp_path, FASTAPI_PROJECT, "API009")
    # legacy.py sorts before users.py, so users.py holds the second registration; the other
    # service's app is another application, and the /api/v0 copy is another path.
    assert located(result) == {"svc/users.py": [(6, '@router.get("/{user_id}")')]}
    [(_, _, finding)] = result["svc/users.py"]
    [related] = finding.related
    assert related.path == str((tmp_path / "svc" / "legacy.py").resolve()) and related.span.start == (6, 0)
    assert "`GET /api/users/{user_id}`" in finding.message and "`old_read_user` (legacy.py, line 6)" in finding.message


def test_routers_registered_nowhere_stand_for_themselves(tmp_path):
    result = project(
        tmp_path,
        {
            "a.py": """\
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/status")
            def status():
                return {}
            """,
            "b.py": """\
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/status")
            def status():
                return {}


            @router.get("/status")
            def status_again():
                return {}
            """,
        },
        "API009",
    )
    assert located(result) == {"b.py": [(11, '@router.get("/status")')]}


# --- Django / DRF ------------------------------------------------------------------------------


def test_django_patterns_with_one_path_collide_whatever_their_methods(tmp_path):
    files = dict(DJANGO)
    files["mysite/urls.py"] = """\
    from django.urls import include, path

    from shop import views

    urlpatterns = [
        path("orders/", views.order_list),
        path("orders/", views.create_order),
        path("orders/<int:pk>/", views.OrderView.as_view()),
        path("shop/", include("shop.urls")),
        path("shop/v2/", include("shop.urls")),
    ]
    """
    files["shop/views.py"] = """\
    from django.http import JsonResponse
    from django.views import View
    from django.views.decorators.http import require_GET, require_POST
    from rest_framework import viewsets


    @require_GET
    def order_list(request):
        return JsonResponse({})


    @require_POST
    def create_order(request):
        return JsonResponse({})


    class OrderView(View):
        def get(self, request, pk):
            return JsonResponse({})

        def post(self, request, pk):
            return JsonResponse({})


    def delete_order(request, pk):
        return JsonResponse({})


    def shop_settings(request):
        return JsonResponse({})


    class ProductViewSet(viewsets.ModelViewSet):
        queryset = None
    """
    result = project(tmp_path, files, "API009")
    # The class-based view's methods come from one pattern; the URLconf included under two prefixes
    # is two sets of paths. The two `orders/` patterns collide: Django never looks at the method.
    assert located(result) == {"shop/views.py": [(13, "def create_order")]}
    [(_, _, finding)] = result["shop/views.py"]
    assert "Django" in finding.message and "`order_list`" in finding.message
    assert finding.related[0].span.start[0] == 8


def test_drf_router_registering_one_prefix_twice(tmp_path):
    files = dict(DJANGO)
    files["shop/urls.py"] = """\
    from rest_framework.routers import DefaultRouter

    from . import views

    router = DefaultRouter()
    router.register(r"products", views.ProductViewSet)
    router.register(r"products", views.ArchivedProductViewSet, basename="archived")
    urlpatterns = router.urls
    """
    files["shop/views.py"] += """\


    class ArchivedProductViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = None
    """
    result = project(tmp_path, files, "API009")
    assert located(result) == {"shop/views.py": [(21, "ArchivedProductViewSet")]}
    [(_, _, finding)] = result["shop/views.py"]
    assert "`ProductViewSet`" in finding.message
