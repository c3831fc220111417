"""Flask: apps and blueprints, `route`, the method shortcuts and `add_url_rule` (functions and
`MethodView`/`View` classes), `url_prefix` at both ends, `before_request` hooks."""

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
    route_method="add_url_rule",
    view_keyword="view_func",
    view_position=2,
    class_views=frozenset({"flask.views.MethodView", "flask.views.View"}),
    hook_decorators=frozenset({"before_request", "before_app_request"}),
)
