"""SEC006: CORS open to every origin; an error when credentials are allowed too."""

from __future__ import annotations

from tests.rules.helpers import findings


def reported(source: str, path: str = "app.py", **settings) -> list[tuple[int, str]]:
    return [(f.span.start[0], f.severity) for f in findings(source, "SEC006", path=path, **settings)]


def test_flask_cors_defaults_and_wildcards():
    source = """\
    from flask import Flask
    from flask_cors import CORS as Cors

    app = Flask(__name__)
    Cors(app)
    Cors(app, origins="*")
    Cors(app, origins=["https://shop.example.com", "*"])
    Cors(app, resources={r"/api/*": {"origins": "*"}})
    Cors(app, resources={r"/api/*": {"methods": ["GET"]}})
    Cors(app, resources=r"/api/*")
    Cors(app, origins=["https://shop.example.com"])
    Cors(app, resources={r"/api/*": {"origins": ["https://shop.example.com"]}})
    Cors(app, origins=settings.ALLOWED_ORIGINS)
    """
    assert reported(source) == [(5, "warning"), (6, "warning"), (7, "warning"), (8, "warning"), (9, "warning"), (10, "warning")]


def test_the_diagnostic_covers_the_call():
    source = """\
    from flask import Flask
    from flask_cors import CORS

    app = Flask(__name__)
    CORS(app)
    """
    [finding] = findings(source, "SEC006")
    assert (finding.span.start, finding.span.end) == ((5, 0), (5, 9))
    assert "list the origins" in finding.message


def test_flask_credentials_make_it_an_error():
    source = """\
    from flask import Flask
    from flask_cors import CORS

    app = Flask(__name__)
    CORS(app, supports_credentials=True)
    CORS(app, resources={r"/api/*": {"origins": "*", "supports_credentials": True}})
    CORS(app, origins=["https://shop.example.com"], supports_credentials=True)
    """
    assert reported(source) == [(5, "error"), (6, "error")]


def test_flask_configuration_gives_the_origins():
    source = """\
    from flask import Flask
    from flask_cors import CORS

    app = Flask(__name__)
    app.config["CORS_ORIGINS"] = ["https://shop.example.com"]
    CORS(app)
    """
    assert reported(source) == []
    wide = source.replace('["https://shop.example.com"]', '"*"') + 'app.config["CORS_SUPPORTS_CREDENTIALS"] = True\n'
    assert reported(wide) == [(6, "error")]


def test_the_last_cors_setting_in_the_module_wins():
    source = """\
    from flask import Flask
    from flask_cors import CORS

    app = Flask(__name__)
    CORS(app)


    def create_app():
        app.config.update(CORS_SUPPORTS_CREDENTIALS={first})
        app.config["CORS_SUPPORTS_CREDENTIALS"] = {second}
    """
    assert reported(source.format(first=True, second=False)) == [(5, "warning")]
    assert reported(source.format(first=False, second=True)) == [(5, "error")]


def test_flask_cors_init_app_and_cross_origin():
    source = """\
    from flask import Flask
    from flask_cors import CORS, cross_origin

    cors = CORS()
    app = Flask(__name__)
    cors.init_app(app, origins=["https://shop.example.com"])


    @app.get("/widgets")
    @cross_origin()
    def widgets():
        pass


    @app.get("/gadgets")
    @cross_origin(origins=["https://shop.example.com"])
    def gadgets():
        pass
    """
    assert reported(source) == [(10, "warning")]


def test_fastapi_and_starlette_middleware():
    source = """\
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware as StarletteCors

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["*"])
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    app.add_middleware(CORSMiddleware, allow_origin_regex=r"https?://.*")
    app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*\\.example\\.com")
    app.add_middleware(CORSMiddleware, allow_origins=["https://shop.example.com"], allow_credentials=True)
    app.add_middleware(CORSMiddleware)
    middleware = [Middleware(StarletteCors, allow_origins=["*"])]
    """
    assert reported(source) == [(7, "warning"), (8, "error"), (9, "warning"), (13, "warning")]


def test_django_settings():
    source = """\
    CORS_ALLOW_ALL_ORIGINS = True
    CORS_ORIGIN_ALLOW_ALL = False
    CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\\w+\\.example\\.com$"]
    """
    [finding] = findings(source, "SEC006", path="mysite/settings/production.py")
    assert (finding.span.start, finding.span.end, finding.severity) == ((1, 0), (1, 29), "warning")
    with_credentials = source + "CORS_ALLOW_CREDENTIALS = True\nCORS_ORIGIN_REGEX_WHITELIST = [r'.*']\n"
    assert reported(with_credentials, path="mysite/settings/production.py") == [(1, "error"), (5, "error")]


def test_development_and_test_modules_are_left_alone():
    source = "CORS_ORIGIN_ALLOW_ALL = True\n"
    assert reported(source, path="mysite/settings/production.py") == [(1, "warning")]
    assert reported(source, path="mysite/settings/dev.py") == []
    assert reported(source, path="mysite/local_settings.py") == []
    assert reported(source, path="tests/settings.py") == []


def test_a_configured_severity_wins_over_the_credentials_error():
    source = """\
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    """
    assert reported(source) == [(5, "error")]
    assert reported(source, severity={"SEC006": "information"}) == [(5, "information")]
    assert reported(source, severity={"SEC": "hint"}) == [(5, "hint")]
