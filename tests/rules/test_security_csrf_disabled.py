"""SEC007: CSRF protection switched off by an exemption or by the configuration."""

from __future__ import annotations

from tests.rules.helpers import findings, lines_of
from tests.rules.helpers import workspace_lines


def sec007(source: str, path: str = "app.py") -> list[int]:
    return lines_of(source, "SEC007", path=path)


def test_django_csrf_exempt_forms():
    source = """\
    from django.urls import path
    from django.utils.decorators import method_decorator
    from django.views import View
    from django.views.decorators.csrf import csrf_exempt as no_csrf


    @no_csrf
    def submit(request):
        pass


    @method_decorator(no_csrf, name="dispatch")
    class FeedbackView(View):
        def post(self, request):
            pass


    def comment(request):
        pass


    urlpatterns = [path("comment/", no_csrf(comment))]
    """
    found = findings(source, "SEC007")
    assert [(f.span.start, f.span.end) for f in found] == [((7, 0), (7, 8)), ((12, 0), (12, 43)), ((22, 32), (22, 48))]
    assert found[0].severity == "warning"
    assert "`no_csrf` turns CSRF protection off" in found[0].message


def test_webhooks_and_other_decorators_are_left_alone():
    source = """\
    from django.views.decorators.csrf import csrf_exempt, csrf_protect, ensure_csrf_cookie


    @csrf_exempt
    def stripe_webhook(request):
        pass


    @csrf_protect
    @ensure_csrf_cookie
    def form(request):
        pass
    """
    assert sec007(source) == []


def test_flask_wtf_exempt_on_a_view_and_a_blueprint():
    source = """\
    from flask import Blueprint, Flask
    from flask_wtf.csrf import CSRFProtect

    app = Flask(__name__)
    csrf = CSRFProtect(app)
    api = Blueprint("api", __name__)
    csrf.exempt(api)


    @app.post("/feedback")
    @csrf.exempt
    def feedback():
        pass


    @app.post("/limits")
    @limiter.exempt
    def limits():
        pass
    """
    assert sec007(source) == [7, 11]


def test_flask_wtf_protector_imported_from_another_module(tmp_path):
    files = {
        "shop/__init__.py": "",
        "shop/extensions.py": "from flask_wtf import CSRFProtect\n\ncsrf = CSRFProtect()\n",
        "shop/views.py": """\
        from flask import Blueprint

        from shop.extensions import csrf

        bp = Blueprint("shop", __name__)


        @bp.post("/cart")
        @csrf.exempt
        def cart():
            pass
        """,
    }
    assert workspace_lines(tmp_path, files, "shop/views.py", "SEC007") == [9]
    # Without the index, `csrf` is a name we cannot follow: silent.
    assert sec007(files["shop/views.py"]) == []


def test_wtf_csrf_enabled_false_in_every_config_form():
    source = """\
    from flask import Flask

    app = Flask(__name__)
    app.config["WTF_CSRF_ENABLED"] = False
    app.config.update(WTF_CSRF_ENABLED=False, SECRET_KEY=load_key())
    app.config.from_mapping({"WTF_CSRF_ENABLED": False})
    app.config["WTF_CSRF_ENABLED"] = True


    class Config:
        WTF_CSRF_ENABLED = False


    CSRF_ENABLED = False
    SETTINGS = {"WTF_CSRF_ENABLED": False}
    """
    found = findings(source, "SEC007")
    assert [f.span.start for f in found] == [(4, 33), (5, 35), (6, 45), (11, 23), (14, 15), (15, 32)]
    assert "`WTF_CSRF_ENABLED = False` turns CSRF protection off" in found[0].message


def test_test_configurations_may_switch_it_off():
    source = """\
    from flask import Flask


    class Config:
        WTF_CSRF_ENABLED = True


    class TestingConfig(Config):
        WTF_CSRF_ENABLED = False


    class CIConfig(Config):
        TESTING = True
        WTF_CSRF_ENABLED = False


    def make_test_app():
        app = Flask(__name__)
        app.config["TESTING"] = True
        app.config["WTF_CSRF_ENABLED"] = False
        return app


    def make_app_for_tests():
        app = Flask(__name__)
        app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
        return app
    """
    assert sec007(source) == []
    assert sec007("WTF_CSRF_ENABLED = False\n", path="tests/conftest.py") == []
    assert sec007("WTF_CSRF_ENABLED = False\n", path="shop/config.py") == [1]
