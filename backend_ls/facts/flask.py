"""Flask: apps and blueprints, `route` and the method shortcuts, `url_prefix` at both ends."""

from backend_ls.facts.routes import Framework

FLASK = Framework(
    name="flask",
    apps=frozenset({"flask.Flask"}),
    routers=frozenset({"flask.Blueprint"}),
    route_decorators=frozenset({"route"}),
    default_methods=("GET",),
    path_keyword="rule",
    prefix_keyword="url_prefix",
    register_method="register_blueprint",
    register_prefix_keyword="url_prefix",
    register_replaces_prefix=True,
)
