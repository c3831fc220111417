"""SEC001: write routes with no authentication, across Flask, FastAPI, Django and DRF."""

from __future__ import annotations

from backend_ls.options import Settings
from tests.rules.helpers import findings, lines_of
from tests.rules.helpers import workspace_findings, workspace_lines


def sec001(source: str, **settings) -> list[int]:
    return lines_of(source, "SEC001", **settings)


# --- Flask -------------------------------------------------------------------------------------------


def test_flask_post_without_login_is_reported_on_the_decorator():
    source = """\
    from flask import Flask as F, request

    app = F(__name__)


    @app.route("/api/v1/orders", methods=["GET", "POST"])
    def orders():
        return "ok"
    """
    [finding] = findings(source, "SEC001")
    assert finding.span.start == (6, 0)
    assert finding.severity == "warning"
    assert "`orders` accepts POST on `/api/v1/orders`" in finding.message


def test_flask_reads_and_default_methods_are_not_writes():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.route("/api/v1/orders")
    def orders():
        return "ok"


    @app.get("/api/v1/orders/<int:id>")
    def order(id):
        return "ok"
    """
    assert sec001(source) == []


def test_flask_login_decorators_by_words():
    source = """\
    from flask import Blueprint
    from flask_httpauth import HTTPTokenAuth
    from flask_jwt_extended import jwt_required
    from flask_login import login_required
    from myapp.security import admin_login_required, roles_required

    bp = Blueprint("orders", __name__)
    auth = HTTPTokenAuth()


    @bp.post("/a")
    @login_required
    def a():
        pass


    @bp.put("/b")
    @jwt_required()
    def b():
        pass


    @bp.delete("/c")
    @auth.login_required
    def c():
        pass


    @bp.patch("/d")
    @admin_login_required
    def d():
        pass


    @bp.post("/e")
    @roles_required("admin")
    def e():
        pass


    @bp.post("/f")
    @cache.cached(timeout=60)
    def f():
        pass
    """
    assert sec001(source) == [41]


def test_the_blueprint_name_is_not_an_auth_decorator():
    source = """\
    from flask import Blueprint

    auth_bp = Blueprint("auth_admin", __name__)


    @auth_bp.post("/users/<int:id>/disable")
    def disable(id):
        pass
    """
    assert sec001(source) == [6]


def test_configured_auth_decorators():
    source = """\
    from flask import Flask
    from myapp.guards import needs_session

    app = Flask(__name__)


    @app.post("/notes")
    @needs_session
    def add_note():
        pass
    """
    assert sec001(source) == [7]
    assert sec001(source, auth_decorators=["needs_session"]) == []
    assert sec001(source, authDecorators=["needs-session"]) == []


def test_public_paths_are_exempt_and_configurable():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    @app.post("/api/v1/auth/login")
    def login():
        pass


    @app.post("/api/v1/register")
    def register():
        pass


    @app.post("/hooks/stripe-webhooks")
    def stripe():
        pass


    @app.post("/healthz")
    def health():
        pass


    @app.post("/api/v1/public/contact")
    def contact():
        pass
    """
    assert sec001(source) == [26]
    # The setting replaces the default list; an entry starting with "/" is a glob over the path.
    defaults = list(Settings().public_paths)
    assert sec001(source, public_paths=[*defaults, "/api/v1/public/*"]) == []
    assert sec001(source, public_paths=["health"]) == [6, 11, 16, 21, 26]


def test_a_path_built_at_run_time_is_left_alone():
    source = """\
    from flask import Flask

    app = Flask(__name__)
    PREFIX = get_prefix()


    @app.post(PREFIX + "/orders")
    def orders():
        pass
    """
    assert sec001(source) == []


def test_before_request_hooks_of_the_blueprint_and_of_the_app():
    source = """\
    from flask import Blueprint, Flask, abort, g, session
    from flask_login import current_user

    app = Flask(__name__)
    admin = Blueprint("admin", __name__, url_prefix="/admin")
    shop = Blueprint("shop", __name__, url_prefix="/shop")


    @admin.before_request
    def require_admin():
        if not current_user.is_authenticated:
            abort(401)


    @shop.before_request
    def load_cart():
        g.cart = session.get("cart")


    @admin.post("/reindex")
    def reindex():
        pass


    @shop.post("/cart")
    def add_to_cart():
        pass


    app.register_blueprint(admin)
    app.register_blueprint(shop)
    """
    assert sec001(source) == [25]
    with_app_hook = source + """
    @app.before_request
    def check_token():
        if "Authorization" not in request.headers:
            abort(403)
    """
    assert sec001(with_app_hook) == []


def test_app_hook_in_another_module_covers_a_blueprint(tmp_path):
    files = {
        "shop/__init__.py": "",
        "shop/app.py": """\
        from flask import Flask, abort
        from flask_jwt_extended import verify_jwt_in_request

        from shop.orders import bp

        app = Flask(__name__)
        app.register_blueprint(bp, url_prefix="/orders")


        @app.before_request
        def guard():
            verify_jwt_in_request()
        """,
        "shop/orders.py": """\
        from flask import Blueprint

        bp = Blueprint("orders", __name__)


        @bp.post("/")
        def create():
            pass
        """,
    }
    assert workspace_lines(tmp_path, files, "shop/orders.py", "SEC001") == []
    files["shop/app.py"] = files["shop/app.py"].replace("verify_jwt_in_request()", "pass")
    assert workspace_lines(tmp_path, files, "shop/orders.py", "SEC001") == [6]


def test_method_view_decorators_and_handler_checks():
    source = """\
    from flask import Flask, abort
    from flask.views import MethodView
    from flask_login import current_user, login_required

    app = Flask(__name__)


    class ItemAPI(MethodView):
        decorators = [login_required]

        def post(self):
            pass


    class NoteAPI(MethodView):
        def post(self):
            pass

        def delete(self, id):
            if not current_user.is_authenticated:
                abort(401)


    app.add_url_rule("/items", view_func=ItemAPI.as_view("items"))
    app.add_url_rule("/notes/<int:id>", view_func=NoteAPI.as_view("notes"))
    """
    assert sec001(source) == [16]


# --- FastAPI -------------------------------------------------------------------------------------------


FASTAPI_DEPS = """\
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Security
from fastapi.security import HTTPBearer, OAuth2PasswordBearer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")
bearer = HTTPBearer()


def get_current_user(token: str = Depends(oauth2_scheme)):
    return token


def require_admin(user=Depends(get_current_user)):
    return user


def get_db():
    yield None


CurrentUser = Annotated[dict, Depends(get_current_user)]
"""


def test_fastapi_parameter_dependencies():
    source = FASTAPI_DEPS + """
app = FastAPI()


@app.post("/a")
def a(user=Depends(get_current_user)):
    pass


@app.post("/b")
def b(user: CurrentUser):
    pass


@app.post("/c")
def c(user: Annotated[dict, Depends(require_admin)]):
    pass


@app.post("/d")
def d(credentials=Security(bearer)):
    pass


@app.post("/e")
def e(token: str = Depends(oauth2_scheme)):
    pass


@app.post("/f")
def f(db=Depends(get_db)):
    pass


@app.post("/g", dependencies=[Depends(require_admin)])
def g(db=Depends(get_db)):
    pass


@app.post("/h")
def h(credentials=Depends(bearer)):
    pass
"""
    assert sec001(source) == [52]  # only `Depends(get_db)`


def test_fastapi_router_and_app_dependencies():
    source = FASTAPI_DEPS + """
router = APIRouter(prefix="/items", dependencies=[Depends(get_current_user)])
open_router = APIRouter(prefix="/notes")
included = APIRouter(prefix="/orders")
app = FastAPI()


@router.post("/")
def create_item():
    pass


@open_router.post("/")
def create_note():
    pass


@included.post("/")
def create_order():
    pass


app.include_router(router)
app.include_router(open_router)
app.include_router(included, dependencies=[Depends(require_admin)])
"""
    assert sec001(source) == [35]  # the router with no dependencies
    guarded_app = source.replace("app = FastAPI()", "app = FastAPI(dependencies=[Depends(get_current_user)])")
    assert sec001(guarded_app) == []


def test_fastapi_dependencies_we_cannot_read_count_as_a_guard():
    source = """\
    from fastapi import APIRouter

    from app.deps import COMMON

    router = APIRouter(dependencies=COMMON)


    @router.post("/items")
    def create_item():
        pass
    """
    assert sec001(source) == []


def test_fastapi_include_router_with_auth_in_another_module(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/deps.py": FASTAPI_DEPS,
        "app/main.py": """\
        from fastapi import Depends, FastAPI

        from app.deps import get_current_user
        from app.routers import items, notes

        app = FastAPI()
        app.include_router(items.router, dependencies=[Depends(get_current_user)])
        app.include_router(notes.router)
        """,
        "app/routers/__init__.py": "",
        "app/routers/items.py": """\
        from fastapi import APIRouter

        router = APIRouter(prefix="/items")


        @router.post("/")
        def create_item():
            pass
        """,
        "app/routers/notes.py": """\
        from fastapi import APIRouter, Depends

        from app.deps import CurrentUser, require_admin

        router = APIRouter(prefix="/notes")


        @router.post("/")
        def create_note():
            pass


        @router.put("/{id}")
        def update_note(id: int, user: CurrentUser):
            pass


        @router.delete("/{id}")
        def delete_note(id: int, admin=Depends(require_admin)):
            pass
        """,
    }
    assert workspace_lines(tmp_path, files, "app/routers/items.py", "SEC001") == []
    [finding] = workspace_findings(tmp_path, files, "app/routers/notes.py", "SEC001")
    assert finding.span.start == (8, 0)
    assert "`/notes/`" in finding.message


def test_starlette_routes_and_requires():
    source = """\
    from starlette.applications import Starlette
    from starlette.authentication import requires
    from starlette.routing import Route


    @requires("authenticated")
    async def create_note(request):
        pass


    async def delete_note(request):
        pass


    app = Starlette(routes=[
        Route("/notes", create_note, methods=["POST"]),
        Route("/notes/{id}", delete_note, methods=["DELETE"]),
    ])
    """
    assert sec001(source) == [17]  # the DELETE route entry


# --- Django and DRF --------------------------------------------------------------------------------------


DJANGO_SETTINGS = """\
ROOT_URLCONF = "mysite.urls"
INSTALLED_APPS = ["django.contrib.auth", "rest_framework", "notes"]
"""

DJANGO_URLS = """\
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from notes import views

router = DefaultRouter()
router.register("items", views.ItemViewSet)
router.register("orders", views.OrderViewSet)
router.register("tags", views.TagViewSet)

urlpatterns = [
    path("notes/", views.create_note),
    path("notes/list/", views.list_notes),
    path("notes/secret/", login_required(views.secret_note)),
    path("notes/guarded/", views.guarded_note),
    path("cbv/", views.NoteView.as_view()),
    path("cbv/safe/", views.SafeNoteView.as_view()),
    path("cbv/dispatch/", views.DispatchNoteView.as_view()),
    path("api/accounts/login/", views.login_view),
    path("api/pay/", views.pay),
    path("api/pay/open/", views.pay_open),
    path("api/", include(router.urls)),
]
"""

DJANGO_VIEWS = """\
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from rest_framework import viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated


def create_note(request):
    if request.method == "POST":
        Note.objects.create(text=request.POST["text"])
    return render(request, "notes.html")


def list_notes(request):
    return render(request, "notes.html")


def secret_note(request):
    if request.method == "POST":
        pass


@login_required
def guarded_note(request):
    if request.method == "POST":
        pass


class NoteView(View):
    def post(self, request):
        pass


class SafeNoteView(LoginRequiredMixin, View):
    def post(self, request):
        pass


class DispatchNoteView(View):
    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def post(self, request):
        pass


def login_view(request):
    if request.method == "POST":
        pass


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def pay(request):
    pass


@api_view(["POST"])
@permission_classes([AllowAny])
def pay_open(request):
    pass


class ItemViewSet(viewsets.ModelViewSet):
    permission_classes = [AllowAny]


class OrderViewSet(viewsets.ModelViewSet):
    permission_classes = [IsAuthenticated]


class TagViewSet(viewsets.ModelViewSet):
    pass
"""


def django_files(settings: str = DJANGO_SETTINGS) -> dict[str, str]:
    return {
        "manage.py": "",
        "mysite/__init__.py": "",
        "mysite/settings.py": settings,
        "mysite/urls.py": DJANGO_URLS,
        "notes/__init__.py": "",
        "notes/views.py": DJANGO_VIEWS,
    }


def test_django_and_drf_views(tmp_path):
    found = workspace_findings(tmp_path, django_files(), "notes/views.py", "SEC001")
    by_line = {finding.span.start[0]: finding for finding in found}
    # create_note (POST branch), NoteView.post, pay_open, ItemViewSet and TagViewSet (AllowAny by default)
    assert sorted(by_line) == [11, 33, 64, 68, 76]
    assert by_line[68].span.start == (68, 6)  # the viewset's methods are inherited: its name
    assert "`ItemViewSet` accepts POST/PUT/PATCH/DELETE" in by_line[68].message


def test_drf_default_permission_classes_in_settings(tmp_path):
    settings = DJANGO_SETTINGS + """
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
"""
    lines = workspace_lines(tmp_path, django_files(settings), "notes/views.py", "SEC001")
    assert lines == [11, 33, 64, 68]  # TagViewSet inherits the default; explicit AllowAny still opens


def test_django_login_required_middleware(tmp_path):
    settings = DJANGO_SETTINGS + """
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]
"""
    assert workspace_lines(tmp_path, django_files(settings), "notes/views.py", "SEC001") == []


def test_every_document_example_runs_without_an_index():
    # Django and DRF routes come from URLconfs, which only the workspace index follows.
    assert findings(DJANGO_VIEWS, "SEC001", path="notes/views.py") == []
