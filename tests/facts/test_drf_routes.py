"""Django REST framework routes: routers (included twice), viewsets and their actions, generic
views, @api_view, and the per-view policy facts and REST_FRAMEWORK defaults."""

from __future__ import annotations

import re

import pytest

from backend_ls.django_routes import rest_framework_settings
from backend_ls.index import WorkspaceIndex
from tests.facts.django_helpers import (
    FIXTURES,
    cli_routes,
    django_python,
    oracle_routes,
    routes_named,
    table,
    write_project,
)

PRODUCTS = "catalog.views.ProductViewSet"
CATEGORIES = "catalog.views.CategoryViewSet"


def _viewset_routes(prefix: str) -> list[tuple]:
    """The DefaultRouter's routes for catalog.routers, under one of its two includes."""
    view = "catalog/views.py"
    return [
        # ModelViewSet: list is its own (a def), the rest comes from DRF's mixins (the class line)
        ("GET", f"{prefix}products/", f"{PRODUCTS}.list", view, 16, "drf"),
        ("POST", f"{prefix}products/", f"{PRODUCTS}.create", view, 10, "drf"),
        # lookup_field = "sku"
        ("GET", f"{prefix}products/<sku>/", f"{PRODUCTS}.retrieve", view, 10, "drf"),
        ("PUT", f"{prefix}products/<sku>/", f"{PRODUCTS}.update", view, 10, "drf"),
        ("PATCH", f"{prefix}products/<sku>/", f"{PRODUCTS}.partial_update", view, 10, "drf"),
        ("DELETE", f"{prefix}products/<sku>/", f"{PRODUCTS}.destroy", view, 10, "drf"),
        # @action(detail=False): GET by default, the function name as its path
        ("GET", f"{prefix}products/featured/", f"{PRODUCTS}.featured", view, 21, "drf"),
        # @action(detail=True, methods=["put"]) and @favorite.mapping.delete
        ("PUT", f"{prefix}products/<sku>/favorite/", f"{PRODUCTS}.favorite", view, 26, "drf"),
        ("DELETE", f"{prefix}products/<sku>/favorite/", f"{PRODUCTS}.unfavorite", view, 31, "drf"),
        # url_path="set-price"
        ("POST", f"{prefix}products/<sku>/set-price/", f"{PRODUCTS}.set_price", view, 36, "drf"),
        # List and Retrieve mixins on a GenericViewSet, registered without a basename
        ("GET", f"{prefix}categories/", f"{CATEGORIES}.list", view, 43, "drf"),
        ("GET", f"{prefix}categories/<pk>/", f"{CATEGORIES}.retrieve", view, 43, "drf"),
    ]


# The complete table of tests/fixtures/drf_project. Left out, as documented in
# backend_ls/django_routes.py: the DefaultRouter's API root view (/api/, /api/v2/) and the
# `.json`-style format suffix variant of each router route, whose handlers are DRF's own.
DRF_TABLE = [
    # the router of catalog/routers.py, included twice: include(router.urls) and
    # include((router.urls, "catalog"), namespace="v2")
    *_viewset_routes("/api/"),
    *_viewset_routes("/api/v2/"),
    # include("catalog.urls") under the same "api/" prefix
    # ListAPIView's GET runs `list`, which the class overrides
    ("GET", "/api/search/", "catalog.api.ProductSearch.list", "catalog/api.py", 14, "drf"),
    # an APIView with get and put; a re_path with a named group
    ("GET", "/api/stock/(?P<sku>[\\w-]+)/", "catalog.api.StockLevel.get", "catalog/api.py", 22, "drf"),
    ("PUT", "/api/stock/(?P<sku>[\\w-]+)/", "catalog.api.StockLevel.put", "catalog/api.py", 25, "drf"),
    # @api_view() with no methods: GET
    ("GET", "/api/ping/", "catalog.views.ping", "catalog/views.py", 52, "drf"),
    # include(order_urls): generics, an @api_view, a viewset given its mapping, and a
    # SimpleRouter(trailing_slash=False) whose urls are added with `urlpatterns += router.urls`
    ("GET", "/api/orders/", "orders.views.OrderList.get", "orders/views.py", 13, "drf"),
    ("POST", "/api/orders/", "orders.views.OrderList.post", "orders/views.py", 13, "drf"),
    ("GET", "/api/orders/<int:pk>/", "orders.views.OrderDetail.get", "orders/views.py", 21, "drf"),
    ("PUT", "/api/orders/<int:pk>/", "orders.views.OrderDetail.put", "orders/views.py", 21, "drf"),
    ("PATCH", "/api/orders/<int:pk>/", "orders.views.OrderDetail.patch", "orders/views.py", 21, "drf"),
    # DELETE runs `destroy`, overridden in the class
    ("DELETE", "/api/orders/<int:pk>/", "orders.views.OrderDetail.destroy", "orders/views.py", 27, "drf"),
    ("POST", "/api/orders/<int:pk>/cancel/", "orders.views.cancel_order", "orders/views.py", 36, "drf"),
    ("GET", "/api/orders/summary/", "orders.views.OrderSummaryViewSet.list", "orders/views.py", 49, "drf"),
    # ListModelMixin + a base viewset of orders/base.py (retrieve, lookup_url_kwarg = "item_id")
    ("GET", "/api/orders/items", "orders.views.OrderItemViewSet.list", "orders/views.py", 41, "drf"),
    ("GET", "/api/orders/items/<item_id>", "orders.views.OrderItemViewSet.retrieve", "orders/views.py", 41, "drf"),
]


def test_drf_project_route_table():
    assert sorted(cli_routes("drf_project")) == sorted(DRF_TABLE)


@pytest.mark.skipif(django_python() is None, reason="set BACKEND_LS_DJANGO_PYTHON to an interpreter with Django and DRF")
def test_django_itself_serves_the_same_table():
    served = []
    for method, path, view in oracle_routes(django_python(), "drf_project", "shopapi.settings"):
        if "(?P<format>" in path:
            continue  # format suffix variants: left out on purpose
        served.append((method, re.sub(r"\(\?P<(\w+)>\[\^/\.\]\+\)", r"<\1>", path), view))
    expected = [(method, path, handler) for method, path, handler, *_ in DRF_TABLE]
    assert sorted((m, p) for m, p, _ in served) == sorted((m, p) for m, p, _ in expected)
    for method, path, view in served:
        handler = next(h for m, p, h in expected if (m, p) == (method, path))
        assert handler == view or handler.rsplit(".", 1)[0] == view or view.endswith("WrappedAPIView")


def _fixture_index() -> WorkspaceIndex:
    index = WorkspaceIndex([FIXTURES / "drf_project"])
    index.build()
    return index


def _options(route) -> dict[str, str]:
    return {option.name: option.value.text for option in route.view_options}


def test_view_policy_facts():
    index = _fixture_index()
    [listing, _] = routes_named(index, f"{PRODUCTS}.list")  # one per include of the router
    assert _options(listing) == {"permission_classes": "[permissions.IsAuthenticatedOrReadOnly]"}
    assert (listing.view_class, listing.action, listing.framework) == ("ProductViewSet", "list", "drf")
    # an @action keyword overrides the class's attribute for that action only
    set_price = routes_named(index, f"{PRODUCTS}.set_price")[0]
    assert _options(set_price) == {"permission_classes": "[permissions.IsAdminUser]"}
    assert set_price.action == "set_price" and set_price.view_options[0].owner == "ProductViewSet.set_price"
    [category, *_] = routes_named(index, f"{CATEGORIES}.list")
    assert _options(category) == {"throttle_classes": "[ScopedRateThrottle]", "throttle_scope": '"categories"'}
    [order_list] = routes_named(index, "orders.views.OrderList.get")
    assert _options(order_list) == {"pagination_class": "LimitOffsetPagination"}
    [search] = routes_named(index, "catalog.api.ProductSearch.list")
    assert search.view_options[0].value.kind == "none"  # `pagination_class = None` is a fact too
    [cancel] = routes_named(index, "orders.views.cancel_order")  # `permission_classes as perms`
    assert _options(cancel) == {"permission_classes": "[IsAdminUser]"}
    assert cancel.methods_explicit and cancel.view_options[0].path.endswith("orders/views.py")
    [ping] = routes_named(index, "catalog.views.ping")
    assert not ping.methods_explicit  # @api_view() falls back to GET


def test_inherited_policy_names_the_module_it_is_written_in(tmp_path):
    index = write_project(
        tmp_path,
        {
            "urls.py": """\
                from rest_framework.routers import SimpleRouter
                from views import Things
                router = SimpleRouter()
                router.register("", Things, basename="thing")
                urlpatterns = router.urls
            """,
            "base.py": """\
                from rest_framework import viewsets
                from rest_framework.permissions import AllowAny
                class Open(viewsets.ReadOnlyModelViewSet):
                    permission_classes = [AllowAny]
                    lookup_url_kwarg = None
                    lookup_field = "slug"
            """,
            "views.py": """\
                from base import Open
                class Things(Open):
                    throttle_classes = []
            """,
        },
    )
    # an empty prefix: DRF drops the slash that would lead the path
    assert table(index) == [
        ("GET", "/", "views.Things.list"),
        ("GET", "/<slug>/", "views.Things.retrieve"),
    ]
    route = routes_named(index, "views.Things.list")[0]
    options = {option.name: option for option in route.view_options}
    assert options["permission_classes"].path.endswith("base.py") and options["permission_classes"].owner == "Open"
    assert options["throttle_classes"].value.text == "[]"


def test_rest_framework_defaults():
    [(path, defaults)] = rest_framework_settings(_fixture_index())
    assert path.endswith("shopapi/settings.py")
    assert defaults["DEFAULT_PERMISSION_CLASSES"].literal == ["rest_framework.permissions.IsAuthenticated"]
    assert len(defaults["DEFAULT_THROTTLE_CLASSES"].literal) == 2
    assert {k.literal: v.literal for k, v in defaults["DEFAULT_THROTTLE_RATES"].items}["anon"] == "100/day"
    assert defaults["DEFAULT_PAGINATION_CLASS"].literal == "rest_framework.pagination.PageNumberPagination"


def test_router_registered_in_another_module_and_what_a_router_refuses(tmp_path):
    index = write_project(
        tmp_path,
        {
            "api/__init__.py": "",
            "api/routing.py": "from rest_framework import routers\nrouter = routers.DefaultRouter(trailing_slash=True)\n",
            "api/register.py": """\
                from rest_framework import viewsets
                from rest_framework.views import APIView
                from rest_framework.decorators import action
                from .routing import router

                METHODS = ["post"]

                class Notes(viewsets.ViewSet):
                    def list(self, request):
                        ...
                    def destroy(self, request, pk=None):
                        ...
                    @action(detail=True, methods=METHODS)
                    def archive(self, request, pk=None):
                        ...

                class Plain(APIView):
                    def get(self, request):
                        ...

                router.register("notes", Notes, basename="note")
                router.register("plain", Plain, basename="plain")
                admin_site.register(Notes, Plain)
            """,
            "api/urls.py": """\
                from django.urls import include, path
                from . import routing, register
                urlpatterns = [
                    path("v1/", include(routing.router.urls)),
                    path("bad/", register.Notes.as_view()),
                    path("mapped/", register.Notes.as_view({"get": "list", "post": "create"})),
                    path("not-a-viewset/", register.Plain.as_view({"get": "get"})),
                ]
            """,
        },
    )
    # An APIView on a router or given a mapping, a viewset's as_view() without one: DRF refuses
    # them. A mapping
    # to an action the viewset lacks (create) fails on every request: not a route. The @action's
    # methods are not static: that action is left out, the rest stays.
    assert table(index) == [
        ("GET", "/mapped/", "api.register.Notes.list"),
        ("GET", "/v1/notes/", "api.register.Notes.list"),
        ("DELETE", "/v1/notes/<pk>/", "api.register.Notes.destroy"),
    ]


def test_unknown_trailing_slash_and_prefix_make_the_path_dynamic(tmp_path):
    index = write_project(
        tmp_path,
        {
            "urls.py": """\
                from rest_framework.routers import SimpleRouter
                from rest_framework.viewsets import ModelViewSet
                import config

                class Items(ModelViewSet):
                    lookup_field = config.LOOKUP

                router = SimpleRouter(trailing_slash=config.SLASH)
                router.register("items", Items)
                urlpatterns = router.urls
            """,
            "config.py": "SLASH = True\nLOOKUP = 'id'\n",
        },
    )
    assert {path for _, path, _ in table(index)} == {None}
    assert len(table(index)) == 6
