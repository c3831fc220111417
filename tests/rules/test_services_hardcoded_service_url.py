"""SVC002 hardcoded-service-url."""

from tests.rules.helpers import findings, lines_of


def test_private_hosts_in_calls_constants_and_defaults():
    source = """
    import httpx
    import requests

    BILLING = "http://billing.internal/api"
    SEARCH = "https://search.default.svc.cluster.local:9200"
    CACHE = "http://10.0.3.7:8080/"
    IPV6 = "http://[::1]:8000/health"

    def fetch(user_id, base="http://localhost:8000"):
        requests.get("http://users:8000/users/" + str(user_id), timeout=5)
        return httpx.get(f"http://profiles:8080/p/{user_id}")

    def printer():
        return requests.get("http://printer.local/status", timeout=5)
    """
    assert lines_of(source, "SVC002") == [5, 6, 7, 8, 10, 11, 12, 15]


def test_public_hosts_and_non_urls_are_fine():
    source = """
    import requests

    DOCS = "https://docs.example.com/api"
    GITHUB = "https://api.github.com"
    HOST = "localhost"
    MESSAGE = "see http://localhost:8000 for the admin"
    DB = "postgresql://app@localhost/app"

    def fetch(host, path):
        requests.get(f"http://{host}/x", timeout=5)
        requests.get(f"http://users{path}", timeout=5)
        return requests.get("https://payments.example.com/charges", timeout=5)
    """
    assert lines_of(source, "SVC002") == []


def test_the_host_of_an_f_string_ends_at_a_port_or_a_path():
    source = """
    import requests

    def fetch(port, path):
        requests.get(f"http://localhost:{port}/x", timeout=5)
        requests.get(f"http://users/{path}", timeout=5)
    """
    assert lines_of(source, "SVC002") == [5, 6]


def test_defaults_read_from_the_environment_are_fine():
    source = """
    import os
    from os import environ, getenv
    from decouple import config
    import environ as django_environ

    env = django_environ.Env()
    A = os.environ.get("USERS_URL", "http://users:8000")
    B = os.getenv("BILLING_URL", default="http://billing.internal")
    C = environ.get("SEARCH_URL", "http://localhost:9200")
    D = getenv("CACHE_URL", "http://127.0.0.1:6380")
    E = config("QUEUE_URL", default="http://queue:5672")
    F = env("MAIL_URL", default="http://mail:1025")
    G = env.str("SMS_URL", default="http://sms:9000")
    H = "http://users:8000"
    """
    assert lines_of(source, "SVC002") == [15]


def test_pydantic_settings_fields_are_configuration():
    source = """
    from pydantic import Field
    from pydantic_settings import BaseSettings

    class Settings(BaseSettings):
        users_url: str = "http://users:8000"
        billing_url: str = Field(default="http://billing:8000")

    class ProdSettings(Settings):
        search_url: str = "http://search:9200"

    class Plain:
        users_url = "http://users:8000"
    """
    assert lines_of(source, "SVC002") == [13]


def test_cors_origins_are_not_services():
    source = """
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from flask_cors import CORS

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"])
    CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]
    CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1:8000"]
    RESOURCES = {r"/api/*": {"origins": "http://localhost:5173"}}
    """
    assert lines_of(source, "SVC002") == []


def test_django_settings_and_drf_views():
    settings = """
    import os

    INSTALLED_APPS = ["django.contrib.auth", "rest_framework"]
    ROOT_URLCONF = "shop.urls"
    INVENTORY_URL = "http://inventory:8000/api"
    PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "http://payments:8000")
    """
    assert lines_of(settings, "SVC002", path="shop/settings.py") == [6]
    views = """
    import requests
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class StockView(APIView):
        def get(self, request, sku):
            stock = requests.get(f"http://inventory:8000/stock/{sku}", timeout=5)
            return Response(stock.json())
    """
    assert lines_of(views, "SVC002", path="shop/views.py") == [8]


def test_tests_and_development_modules_are_skipped():
    source = """
    import requests

    USERS = "http://localhost:8000"

    def test_users():
        assert requests.get(USERS, timeout=5).ok
    """
    assert lines_of(source, "SVC002", path="tests/test_users.py") == []
    assert lines_of(source, "SVC002", path="shop/settings/local.py") == []
    assert lines_of(source, "SVC002", path="shop/users.py") == [4]


def test_the_diagnostic_covers_the_literal():
    source = """
    import requests

    def fetch():
        return requests.get("http://users:8000/me", timeout=5)
    """
    (found,) = findings(source, "SVC002")
    assert (found.span.start, found.span.end) == ((5, 24), (5, 46))
    assert "`users`" in found.message and found.fix is None
