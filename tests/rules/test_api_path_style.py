"""API007 path-style: static segments in lower-case kebab-case, without file extensions."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.rules.api.path_style import kebab, problem_of
from tests.rules.helpers import findings, fixed as fix_all
from tests.rules.test_api_verb_in_path import DJANGO, located, project, spans


def fixed(source: str) -> str:
    return fix_all(source, "API007", safety="unsafe")

@pytest.mark.parametrize(
    "segment, problem, spelled",
    [
        ("userProfiles", "case", "user-profiles"),
        ("user_profiles", "case", "user-profiles"),
        ("UserProfiles", "case", "user-profiles"),
        ("API", "case", "api"),
        ("userID", "case", "user-id"),
        ("v2Users", "case", "v2-users"),
        ("order__items", "case", "order-items"),
        ("users.json", "extension", None),
        ("report.CSV", "extension", None),
    ],
)
def test_segments_out_of_style(segment, problem, spelled):
    assert problem_of(segment) == problem
    if spelled is not None:
        assert kebab(segment) == spelled
        assert problem_of(kebab(segment)) is None


@pytest.mark.parametrize(
    "segment",
    ["user-profiles", "users", "v1.2", "2024-01-01", "_health", "__debug__", "robots.txt", "sitemap.xml",
     "openapi.json", "socket.io", ".well-known", "getUsers", "update_status", "<int:user_id>", "{userId}",
     "(?P<user_id>[0-9]+)"],
)
def test_segments_in_style_or_left_to_others(segment):
    assert problem_of(segment) is None


# --- Flask ------------------------------------------------------------------------------------


def test_flask_route_is_reported_and_fixed():
    source = """\
    from flask import Flask as F

    app = F(__name__)


    @app.get("/userProfiles/<int:user_id>/order_items")
    def order_items(user_id):
        return []
    """
    assert spans(source, "API007") == [(6, '"/userProfiles/<int:user_id>/order_items"')]
    found = findings(textwrap.dedent(source), "API007")[0]
    assert "`userProfiles` (and 1 more)" in found.message and "`user-profiles`" in found.message
    assert found.fix.title == "Rename the segments in kebab-case"
    assert '@app.get("/user-profiles/<int:user_id>/order-items")' in fixed(source)


def test_verb_segments_are_left_to_api002():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.post("/updateUserStatus")
    def update_status():
        return {}
    """
    assert spans(source, "API007") == []
    assert spans(source, "API002") == [(6, '"/updateUserStatus"')]


def test_extension_is_reported_without_a_fix():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.get("/reports/monthly.csv")
    def monthly():
        return ""


    @app.get("/robots.txt")
    def robots():
        return ""
    """
    found = findings(textwrap.dedent(source), "API007")
    assert [f.span.start[0] for f in found] == [6]
    assert "file extension" in found[0].message and "Accept" in found[0].message
    assert found[0].fix is None


def test_blueprint_prefix_and_registration_prefix():
    source = """\
    from flask import Blueprint, Flask

    app = Flask(__name__)
    shop = Blueprint("shop", __name__, url_prefix="/Shop")
    admin = Blueprint("admin", __name__, url_prefix="/admin")


    @shop.get("/items")
    def items():
        return []


    @shop.get("/carts")
    def carts():
        return []


    @admin.get("/users")
    def users():
        return []


    app.register_blueprint(shop)
    app.register_blueprint(admin, url_prefix="/back_office")
    """
    assert spans(source, "API007") == [(4, '"/Shop"'), (24, '"/back_office"')]
    text = fixed(source)
    assert 'url_prefix="/shop")' in text and 'url_prefix="/back-office")' in text


def test_no_fix_where_the_literal_is_not_verbatim():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.get("/user" "Profiles")
    def profiles():
        return []


    @app.get("/caf\\u00e9/userList")
    def cafe():
        return []
    """
    found = findings(textwrap.dedent(source), "API007")
    assert [f.span.start[0] for f in found] == [6, 11]
    assert [f.fix for f in found] == [None, None]


def test_styled_paths_are_quiet():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.get("/user-profiles/<int:user_id>/order-items")
    def order_items(user_id):
        return []


    @app.get("/_health")
    def health():
        return {}


    @app.get("/.well-known/openid-configuration")
    def openid():
        return {}


    @app.get("/.well-known/jwks.json")
    def jwks():
        return {}
    """
    assert spans(source, "API007") == []


# --- FastAPI / Starlette -----------------------------------------------------------------------


def test_fastapi_router_prefix_and_parameters():
    source = """\
    import fastapi

    app = fastapi.FastAPI()
    router = fastapi.APIRouter(prefix="/orderItems")


    @router.get("/{itemId}")
    def item(itemId: int):
        return {}


    app.include_router(router, prefix="/API/v1")
    """
    assert spans(source, "API007") == [(4, '"/orderItems"'), (12, '"/API/v1"')]
    text = fixed(source)
    assert 'prefix="/order-items")' in text and 'prefix="/api/v1")' in text and '"/{itemId}"' in text


def test_starlette_mount():
    source = """\
    from starlette.applications import Starlette
    from starlette.routing import Mount, Route


    async def listing(request):
        return None


    app = Starlette(routes=[Mount("/static_files", routes=[Route("/index", listing)])])
    """
    assert spans(source, "API007") == [(9, '"/static_files"')]


def test_prefix_in_another_module_is_reported_there(tmp_path):
    result = project(
        tmp_path,
        {
            "svc/__init__.py": "",
            "svc/main.py": """\
            from fastapi import FastAPI
            from svc import routes

            app = FastAPI()
            app.include_router(routes.router, prefix="/api/v1/userAccounts")
            """,
            "svc/routes.py": """\
            from fastapi import APIRouter

            router = APIRouter()


            @router.get("/")
            def accounts():
                return []
            """,
        },
        "API007",
    )
    assert located(result) == {"svc/main.py": [(5, '"/api/v1/userAccounts"')]}
    [(_, _, finding)] = result["svc/main.py"]
    assert finding.fix is not None


# --- Django / DRF ------------------------------------------------------------------------------


def test_django_and_drf_strings_are_reported_in_the_urlconf(tmp_path):
    files = dict(DJANGO)
    files["mysite/urls.py"] = """\
    from django.urls import include, path, re_path

    from shop import views

    urlpatterns = [
        path("order_list/", views.order_list),
        path("orders/<int:pk>/", views.delete_order),
        re_path(r"^legacy/(?P<pk>[0-9]+)/$", views.order_list),
        path("Shop/", include("shop.urls")),
    ]
    """
    files["shop/urls.py"] = files["shop/urls.py"].replace('r"addProducts"', 'r"productCategories"')
    result = project(tmp_path, files, "API007")
    # `addProducts` would be API002's; the DRF registration prefix is a path string like any other.
    assert located(result) == {
        "mysite/urls.py": [(6, '"order_list/"'), (9, '"Shop/"')],
        "shop/urls.py": [(7, 'r"productCategories"')],
    }
    [(_, _, finding)] = result["shop/urls.py"]
    assert finding.fix.edits[0].new_text == "product-categories"
