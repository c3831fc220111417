"""SEC005 hardcoded-secret: variables, config keys, keyword arguments and settings dicts."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.rules.security.hardcoded_secret import environment_name, is_placeholder, is_secret_name
from tests.rules.helpers import findings, fixed as fix_all, lines_of

CODE = "SEC005"


def fixed(source: str, path: str = "app.py") -> str:
    return fix_all(source, CODE, path=path)

@pytest.mark.parametrize(
    "name",
    [
        "SECRET_KEY",
        "secret_key",
        "DJANGO_SECRET_KEY",
        "JWT_SECRET",
        "JWT_SECRET_KEY",
        "jwt_secret_token_v2",
        "DB_PASSWORD",
        "EMAIL_HOST_PASSWORD",
        "password",
        "STRIPE_API_KEY",
        "API_KEY",
        "apiKey",
        "X-API-Key",
        "GITHUB_TOKEN",
        "token",
        "CLIENT_SECRET",
        "AWS_SECRET_ACCESS_KEY",
    ],
)
def test_secret_names(name):
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "TOKEN_URL",
        "API_KEY_HEADER",
        "PASSWORD_RESET_TIMEOUT",
        "AUTH_PASSWORD_VALIDATORS",
        "PASSWORD_FIELD",
        "tokenUrl",
        "SECRET_KEY_FALLBACK_NAME",
        "KEY",
        "public_key",
        "token_type",
        "username",
    ],
)
def test_names_that_are_not_secrets(name):
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CSRF_TOKEN", "csrf_token"),
        ("CSRF_TOKEN", "csrftoken"),
        ("CSRF_TOKEN", "X-CSRFToken"),
        ("API_KEY", "X-API-Key"),
        ("PASSWORD", "password"),
        ("API_KEY", "   "),
        ("API_KEY", "***"),
        ("API_KEY", "<your api key>"),
        ("API_KEY", "${API_KEY}"),
        ("DB_PASSWORD", "$DB_PASSWORD"),
        ("DB_PASSWORD", "%(password)s"),
    ],
)
def test_placeholders(name, value):
    assert is_placeholder(name, value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("API_KEY", "sk-live-4f8c0b1e9a7d"),
        ("SECRET_KEY", "django-insecure-k3y"),
        ("SECRET_KEY", "changeme"),
        ("DB_PASSWORD", "password"),  # a weak password is still a password
        ("TOKEN", "tok"),
    ],
)
def test_values_that_are_not_placeholders(name, value):
    assert not is_placeholder(name, value)


def test_environment_names():
    assert environment_name("secretKey") == "SECRET_KEY"
    assert environment_name("X-API-Key") == "X_API_KEY"
    assert environment_name("jwt_secret") == "JWT_SECRET"


# --- what is reported --------------------------------------------------------------------------


def test_django_secret_key_is_reported_on_the_literal():
    source = """\
    SECRET_KEY = "django-insecure-7x!k2$"
    DEBUG = False
    """
    [finding] = findings(source, CODE, path="mysite/settings.py")
    literal = '"django-insecure-7x!k2$"'
    assert (finding.span.start, finding.span.end) == ((1, 13), (1, 13 + len(literal)))
    assert finding.severity == "error"
    assert "SECRET_KEY" in finding.message and "environment" in finding.message


@pytest.mark.parametrize(
    "statement",
    [
        'app.config["SECRET_KEY"] = "s3cr3t"',
        "app.secret_key = 's3cr3t'",
        'app.config.update(SECRET_KEY="s3cr3t")',
        'app.config.from_mapping(SECRET_KEY="s3cr3t", DATABASE="db.sqlite")',
        'app.config.update({"SECRET_KEY": "s3cr3t"})',
        'app.config.update(dict(SECRET_KEY="s3cr3t"))',
        'app = Flask(__name__, secret_key="s3cr3t")',
        'MAIL_PASSWORD: str = "s3cr3t"',
        'STRIPE_API_KEY = "sk_live_51HxYz"',
        'API_KEY = "sk-live-51HxYz"',
        'JWT_SECRET_KEY = b"s3cr3t"',
        'GITHUB_TOKEN = ("ghp_" "abcdef")',
    ],
)
def test_flask_forms(statement):
    source = f"""\
    from flask import Flask as F

    app = F(__name__)
    {statement}
    """
    assert lines_of(source, CODE) == [4]


def test_fastapi_and_clients():
    source = """\
    import fastapi as fa
    import redis

    app = fa.FastAPI()
    cache = redis.Redis(host="cache", password="hunter22")


    class Settings:
        jwt_secret: str = "0123456789abcdef"


    def connect():
        token = "ghp_1234567890"
        return token
    """
    assert lines_of(source, CODE) == [5, 9, 13]


def test_django_databases_dict():
    source = """\
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "shop",
            "USER": "shop",
            "PASSWORD": "pg-pass-2024",
            "HOST": "db",
        }
    }
    EMAIL_HOST_PASSWORD = ""
    """
    assert lines_of(source, CODE, path="mysite/settings/production.py") == [6]


def test_development_settings_are_still_checked():
    assert lines_of('SECRET_KEY = "dev-only-key"\n', CODE, path="mysite/settings/dev.py") == [1]
    assert lines_of('SECRET_KEY = "dev-only-key"\n', CODE, path="mysite/local_settings.py") == [1]


# --- what is not -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        'SECRET_KEY = os.environ["SECRET_KEY"]',
        'SECRET_KEY = os.environ.get("SECRET_KEY", "dev-fallback-key")',
        'SECRET_KEY = os.getenv("SECRET_KEY", "dev-fallback-key")',
        'SECRET_KEY = getenv("SECRET_KEY") or "dev-fallback-key"',
        'SECRET_KEY = ""',
        'CSRF_TOKEN = "csrf_token"',
        'API_KEY_HEADER = "X-API-Key"',
        'TOKEN_URL = "/auth/token"',
        'PASSWORD_RESET_TIMEOUT = "3600"',
        'SECRET_KEY = f"{prefix}-key"',
        'jwt.encode(payload, "s3cr3t", algorithm="HS256")',
        'os.environ["SECRET_KEY"] = "s3cr3t"',
        'os.environ.setdefault("SECRET_KEY", "s3cr3t")',
        'SECRET_KEY = 12345',
        'headers = {"Authorization": token}',
        'request_body = {"password": "too short"}',
    ],
)
def test_near_misses(statement):
    source = f"""\
    import os
    from os import getenv

    import jwt

    {statement}
    """
    assert lines_of(source, CODE) == []


def test_dicts_inside_functions_are_response_bodies_not_settings():
    source = """\
    def validate(data):
        return {"errors": {"password": "must-be-8-characters"}}
    """
    assert lines_of(source, CODE) == []


def test_a_sentence_in_a_settings_dict_is_a_message():
    source = """\
    ERRORS = {"password": "Password is too short.", "token": "tok-51HxYz"}
    PASSPHRASE_PASSWORD = "correct horse battery staple"
    """
    assert lines_of(source, CODE) == [1, 2]
    [token, passphrase] = findings(source, CODE)
    assert token.span.start == (1, textwrap.dedent(source).index('"tok-51HxYz"'))


def test_pydantic_settings_defaults_are_fallbacks():
    source = """\
    from pydantic_settings import BaseSettings
    import pydantic


    class Settings(BaseSettings):
        secret_key: str = "change-me-in-production"
        database_password: str = "postgres-pass"


    class ProductionSettings(Settings):
        api_key: str = "not-a-real-key"


    class OldSettings(pydantic.BaseSettings):
        token: str = "abc123"


    class Payload(pydantic.BaseModel):
        api_key: str = "sk-live-51HxYz"
    """
    assert lines_of(source, CODE) == [19]


def test_enumeration_members_are_kinds_not_secrets():
    source = """\
    import enum
    from enum import StrEnum

    from django.db import models


    class TokenKind(str, enum.Enum):
        ACCESS_TOKEN = "access"
        REFRESH_TOKEN = "refresh"


    class Credential(StrEnum):
        API_KEY = "key"


    class Grant(models.TextChoices):
        PASSWORD = "pw", "Password"
        CLIENT_SECRET = "cs"


    class Plain:
        ACCESS_TOKEN = "access"
    """
    assert lines_of(source, CODE) == [22]


@pytest.mark.parametrize(
    "path",
    ["tests/test_auth.py", "test_auth.py", "auth_test.py", "conftest.py", "shop/tests.py", "tests/factories.py", "test/utils.py"],
)
def test_test_files_are_exempt(path):
    assert lines_of('API_KEY = "sk-live-51HxYz"\n', CODE, path=path) == []


def test_similar_file_names_are_not_test_files():
    assert lines_of('API_KEY = "sk-live-51HxYz"\n', CODE, path="shop/testimonials.py") == [1]
    assert lines_of('API_KEY = "sk-live-51HxYz"\n', CODE, path="contest/views.py") == [1]


def test_a_chained_assignment_is_reported_once():
    assert lines_of('API_KEY = STRIPE_API_KEY = "sk-live-51HxYz"\n', CODE) == [1]


# --- the fix -----------------------------------------------------------------------------------


def test_fix_adds_import_os():
    source = """\
    from flask import Flask

    app = Flask(__name__)
    app.config["SECRET_KEY"] = "s3cr3t"
    """
    assert fixed(source) == (
        "from flask import Flask\n"
        "import os\n"
        "\n"
        "app = Flask(__name__)\n"
        'app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]\n'
    )


def test_fix_does_not_duplicate_import_os():
    source = """\
    import os

    STRIPE_API_KEY = "sk_live_51HxYz"
    """
    assert fixed(source) == 'import os\n\nSTRIPE_API_KEY = os.environ["STRIPE_API_KEY"]\n'


def test_fix_uses_the_modules_spelling_of_os():
    assert fixed('from os import environ as env\n\napp.secret_key = "s3cr3t"\n') == (
        'from os import environ as env\n\napp.secret_key = env["SECRET_KEY"]\n'
    )
    assert fixed('import os as operating_system\n\nTOKEN = "t0k3n"\n') == (
        'import os as operating_system\n\nTOKEN = operating_system.environ["TOKEN"]\n'
    )


def test_fix_names_keywords_and_keys_upper_case():
    source = """\
    import os
    import redis

    cache = redis.Redis(password="hunter22")
    HEADERS = {"X-API-Key": "sk-live-51HxYz"}
    """
    result = fixed(source)
    assert 'redis.Redis(password=os.environ["PASSWORD"])' in result
    assert 'HEADERS = {"X-API-Key": os.environ["X_API_KEY"]}' in result


def test_fix_of_bytes_encodes():
    assert fixed('import os\n\nJWT_SECRET = b"s3cr3t"\n') == 'import os\n\nJWT_SECRET = os.environ["JWT_SECRET"].encode()\n'


def test_no_fix_when_os_is_taken():
    [finding] = findings('os = None\nSECRET_KEY = "s3cr3t"\n', CODE)
    assert finding.fix is None


def test_fix_is_unsafe():
    [finding] = findings('SECRET_KEY = "s3cr3t"\n', CODE)
    assert finding.fix.applicability.label == "unsafe"
    assert finding.fix.title == "Read `SECRET_KEY` from the environment"
