"""SEC002: login, token, sign-up, password-reset and one-time-code endpoints with no rate limit."""

from __future__ import annotations

from tests.rules.helpers import findings, lines_of
from tests.rules.helpers import workspace_lines


def sec002(source: str, **settings) -> list[int]:
    return lines_of(source, "SEC002", **settings)


# --- Flask ---------------------------------------------------------------------------------------------


FLASK_ROUTES = """\
from flask import Flask, render_template

app = Flask(__name__)


@app.route("/login", methods=["GET", "POST"])
def login():
    pass


@app.get("/login")
def login_page():
    return render_template("login.html")


@app.post("/api/v1/users")
def register():
    pass


@app.post("/api/v1/password-reset")
def request_reset():
    pass


@app.post("/api/v1/orders")
def create_order():
    pass


@app.post("/api/v1/verify-otp")
def verify():
    pass
"""


def test_flask_sensitive_endpoints_by_path_and_handler_name():
    [first, *_] = found = findings(FLASK_ROUTES, "SEC002")
    assert [f.span.start for f in found] == [(6, 0), (16, 0), (21, 0), (31, 0)]
    assert first.severity == "warning"
    assert "`login` on `/login` takes credentials" in first.message


def test_flask_limiter_decorator():
    source = """\
    from flask import Flask
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    app = Flask(__name__)
    limiter = Limiter(get_remote_address, app=app)


    @app.post("/auth/login")
    @limiter.limit("5 per minute")
    def login():
        pass


    @app.post("/auth/token")
    @limiter.shared_limit("10/hour", scope="auth")
    def token():
        pass


    @app.post("/auth/signup")
    def signup():
        pass
    """
    assert sec002(source) == [21]


def test_flask_limiter_default_limits_cover_every_route_but_exempt_ones():
    source = """\
    from flask import Flask
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    app = Flask(__name__)
    limiter = Limiter(get_remote_address, app=app, default_limits=["200 per day", "50 per hour"])


    @app.post("/login")
    def login():
        pass


    @app.post("/token")
    @limiter.exempt
    def token():
        pass
    """
    assert sec002(source) == [14]
    assert sec002(source.replace('default_limits=["200 per day", "50 per hour"]', "default_limits=[]")) == [9, 14]


def test_default_limits_in_another_module(tmp_path):
    files = {
        "shop/__init__.py": "",
        "shop/extensions.py": """\
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address

        limiter = Limiter(key_func=get_remote_address, default_limits=["100/hour"])
        """,
        "shop/auth.py": """\
        from flask import Blueprint

        bp = Blueprint("auth", __name__, url_prefix="/auth")


        @bp.post("/login")
        def login():
            pass
        """,
    }
    assert workspace_lines(tmp_path, files, "shop/auth.py", "SEC002") == []
    files["shop/extensions.py"] = files["shop/extensions.py"].replace(', default_limits=["100/hour"]', "")
    assert workspace_lines(tmp_path, files, "shop/auth.py", "SEC002") == [6]


def test_ratelimit_configuration_key():
    source = """\
    from flask import Flask
    from flask_limiter import Limiter

    app = Flask(__name__)
    app.config["RATELIMIT_DEFAULT"] = "100/hour"
    limiter = Limiter(app=app, key_func=lambda: "x")


    @app.post("/login")
    def login():
        pass
    """
    assert sec002(source) == []


def test_configured_paths_and_decorators():
    source = """\
    from flask import Flask

    from myapp.guards import slow_down

    app = Flask(__name__)


    @app.post("/session")
    @slow_down
    def open_session():
        pass
    """
    assert sec002(source) == []
    assert sec002(source, rate_limited_paths=["session"]) == [8]
    assert sec002(source, rate_limited_paths=["session"], rate_limit_decorators=["slow_down"]) == []
    assert sec002(source, **{"rate-limited-paths": ["/session"]}) == [8]


# --- FastAPI -------------------------------------------------------------------------------------------


def test_fastapi_slowapi_and_fastapi_limiter():
    source = """\
    from fastapi import APIRouter, Depends, FastAPI, Request
    from fastapi_limiter.depends import RateLimiter
    from slowapi import Limiter
    from slowapi.util import get_remote_address

    limiter = Limiter(key_func=get_remote_address)
    app = FastAPI()
    limited = APIRouter(prefix="/auth", dependencies=[Depends(RateLimiter(times=5, seconds=60))])


    @app.post("/token")
    @limiter.limit("5/minute")
    async def token(request: Request):
        pass


    @app.post("/signup", dependencies=[Depends(RateLimiter(times=2, seconds=5))])
    async def signup():
        pass


    @limited.post("/login")
    async def login():
        pass


    @app.post("/otp/verify")
    async def verify_otp():
        pass


    app.include_router(limited)
    """
    assert sec002(source) == [27]  # /otp/verify


def test_slowapi_default_limits():
    source = """\
    from fastapi import FastAPI
    from slowapi import Limiter
    from slowapi.util import get_remote_address

    limiter = Limiter(key_func=get_remote_address, default_limits=["60/minute"])
    app = FastAPI()


    @app.post("/login")
    def login():
        pass
    """
    assert sec002(source) == []


# --- Django and DRF --------------------------------------------------------------------------------------


def django_project(views: str, settings: str = "") -> dict[str, str]:
    return {
        "manage.py": "",
        "mysite/__init__.py": "",
        "mysite/settings.py": 'ROOT_URLCONF = "mysite.urls"\n' + settings,
        "mysite/urls.py": """\
        from django.urls import include, path
        from rest_framework.routers import DefaultRouter

        from accounts import views

        router = DefaultRouter()
        router.register("tokens", views.TokenViewSet, basename="token")

        urlpatterns = [
            path("accounts/login/", views.login_view),
            path("accounts/signup/", views.signup),
            path("accounts/password-reset/", views.PasswordResetView.as_view()),
            path("api/", include(router.urls)),
        ]
        """,
        "accounts/__init__.py": "",
        "accounts/views.py": views,
    }


DJANGO_VIEWS = """\
from django.shortcuts import render
from django_ratelimit.decorators import ratelimit
from rest_framework import viewsets
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView


def login_view(request):
    if request.method == "POST":
        pass
    return render(request, "login.html")


@ratelimit(key="ip", rate="5/m", block=True)
def signup(request):
    if request.method == "POST":
        pass
    return render(request, "signup.html")


class PasswordResetView(APIView):
    throttle_classes = [AnonRateThrottle]

    def post(self, request):
        pass


class TokenViewSet(viewsets.ViewSet):
    def create(self, request):
        pass
"""


def test_django_ratelimit_and_drf_throttles(tmp_path):
    assert workspace_lines(tmp_path, django_project(DJANGO_VIEWS), "accounts/views.py", "SEC002") == [8, 29]  # login_view, TokenViewSet.create


def test_drf_default_throttles_and_an_explicit_empty_list(tmp_path):
    settings = """
REST_FRAMEWORK = {
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": "20/minute"},
}
"""
    views = DJANGO_VIEWS.replace("throttle_classes = [AnonRateThrottle]", "throttle_classes = []")
    # the Django view is no DRF view: the DRF defaults do not reach it
    assert workspace_lines(tmp_path, django_project(views, settings), "accounts/views.py", "SEC002") == [8, 24]


def test_no_index_no_django_routes():
    assert findings(DJANGO_VIEWS, "SEC002", path="accounts/views.py") == []
