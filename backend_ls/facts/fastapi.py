"""FastAPI and Starlette: apps and `APIRouter`, the method decorators and `api_route`."""

from backend_ls.facts.routes import Framework

FASTAPI = Framework(
    name="fastapi",
    apps=frozenset({"fastapi.FastAPI"}),
    routers=frozenset({"fastapi.APIRouter"}),
    route_decorators=frozenset({"api_route"}),
    default_methods=("GET",),
    path_keyword="path",
    prefix_keyword="prefix",
    register_method="include_router",
    register_prefix_keyword="prefix",
    register_replaces_prefix=False,
    route_method="add_api_route",
    view_keyword="endpoint",
    view_position=1,
)
