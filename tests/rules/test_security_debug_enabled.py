"""SEC004 debug-enabled: Flask, FastAPI/Starlette and Django settings."""

from __future__ import annotations

import textwrap

import pytest

from tests.rules.helpers import findings, fixed as fix_all, lines_of

CODE = "SEC004"


def fixed(source: str, path: str = "app.py") -> str:
    return fix_all(source, CODE, path=path)

# --- Flask -------------------------------------------------------------------------------------


def test_flask_run_debug_true_is_reported_on_the_true():
    source = """\
    from flask import Flask

    app = Flask(__name__)

    if __name__ == "__main__":
        app.run(host="0.0.0.0", debug=True)
    """
    [finding] = findings(source, CODE)
    line = textwrap.dedent(source).splitlines()[5]
    column = line.index("True")
    assert finding.span.start == (6, column) and finding.span.end == (6, column + 4)
    assert finding.severity == "warning"
    assert "environment" in finding.message


def test_flask_aliased_import_and_factory_function():
    source = """\
    from flask import Flask as F


    def main():
        app = F(__name__)
        app.run(debug=True)
    """
    assert lines_of(source, CODE) == [6]


def test_flask_module_import():
    source = """\
    import flask

    application = flask.Flask(__name__)
    application.run("0.0.0.0", 5000, True)
    """
    assert lines_of(source, CODE) == [4]


@pytest.mark.parametrize(
    "statement",
    [
        "app.debug = True",
        'app.config["DEBUG"] = True',
        "app.config.update(DEBUG=True)",
        "app.config.from_mapping(SECRET_KEY=key, DEBUG=True)",
        'app.config.update({"DEBUG": True})',
        "app.config.update(dict(DEBUG=True))",
    ],
)
def test_flask_config_forms(statement):
    source = f"""\
    from flask import Flask

    app = Flask(__name__)
    {statement}
    """
    assert lines_of(source, CODE) == [4]


@pytest.mark.parametrize(
    "statement",
    [
        "app.run(debug=False)",
        "app.run(debug=settings.DEBUG)",
        'app.run(debug=os.environ.get("FLASK_DEBUG") == "1")',
        "app.run()",
        "app.run(**options)",
        "app.debug = False",
        'app.config["DEBUG"] = False',
        'app.config["TESTING"] = True',
        "app.config.update(TESTING=True)",
        "app.testing = True",
    ],
)
def test_flask_near_misses(statement):
    source = f"""\
    import os

    from flask import Flask

    import settings

    app = Flask(__name__)
    {statement}
    """
    assert lines_of(source, CODE) == []


def test_run_on_something_that_is_not_a_flask_app():
    source = """\
    from myproject import make_server
    from flask import Blueprint

    app = make_server()
    app.run(debug=True)
    bp = Blueprint("bp", __name__)
    bp.run(debug=True)


    def serve(app):
        app.run(debug=True)
        app.config["DEBUG"] = True
    """
    assert lines_of(source, CODE) == []


def test_a_local_name_shadowing_the_app():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    def run(app):
        app.run(debug=True)
    """
    assert lines_of(source, CODE) == []


# --- FastAPI / Starlette -----------------------------------------------------------------------


def test_fastapi_debug_true():
    source = """\
    from fastapi import FastAPI

    app = FastAPI(title="shop", debug=True)
    """
    [finding] = findings(source, CODE)
    column = textwrap.dedent(source).splitlines()[2].index("True")
    assert (finding.span.start, finding.span.end) == ((3, column), (3, column + 4))


def test_fastapi_module_alias_and_attribute():
    source = """\
    import fastapi as fa

    api = fa.FastAPI()
    api.debug = True
    """
    assert lines_of(source, CODE) == [4]


def test_starlette_debug_true():
    source = """\
    from starlette.applications import Starlette

    app = Starlette(debug=True, routes=[])
    """
    assert lines_of(source, CODE) == [3]


@pytest.mark.parametrize("argument", ["debug=False", "debug=settings.debug", "title='x'", "**config"])
def test_fastapi_near_misses(argument):
    source = f"""\
    from fastapi import FastAPI

    from app.config import settings

    app = FastAPI({argument})
    """
    assert lines_of(source, CODE) == []


def test_other_callables_with_debug_true():
    source = """\
    import logging
    from fastapi import APIRouter

    router = APIRouter(debug=True)
    logging.basicConfig(debug=True)
    """
    assert lines_of(source, CODE) == []


# --- Django settings ---------------------------------------------------------------------------

DJANGO_SETTINGS = """\
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = True
ALLOWED_HOSTS = ["shop.example.com"]
"""


@pytest.mark.parametrize(
    "path",
    [
        "settings.py",
        "mysite/settings.py",
        "mysite/settings/production.py",
        "mysite/settings/__init__.py",
        "mysite/settings/base.py",
        "config/production_settings.py",
        "settings_prod.py",
    ],
)
def test_debug_true_in_settings_modules(path):
    assert lines_of(DJANGO_SETTINGS, CODE, path=path) == [4]


@pytest.mark.parametrize(
    "path",
    [
        "mysite/settings/dev.py",
        "mysite/settings/development.py",
        "mysite/settings/local.py",
        "mysite/local_settings.py",
        "mysite/settings_local.py",
        "mysite/test_settings.py",
        "mysite/settings/testing.py",
        "tests/settings.py",
        "mysite/settings/settings-dev.py",
    ],
)
def test_debug_true_in_development_settings_is_fine(path):
    assert lines_of(DJANGO_SETTINGS, CODE, path=path) == []


def test_debug_true_in_a_module_that_is_not_settings():
    assert lines_of(DJANGO_SETTINGS, CODE, path="mysite/constants.py") == []


def test_django_looking_module_under_another_name():
    source = """\
    DEBUG = True
    INSTALLED_APPS = ["django.contrib.admin", "shop"]
    ROOT_URLCONF = "mysite.urls"
    """
    assert lines_of(source, CODE, path="mysite/conf.py") == [1]


def test_development_words_in_folders_above_the_file_do_not_count():
    # Only the file's own name says "development"; a folder called `local` does not.
    assert lines_of(DJANGO_SETTINGS, CODE, path="local/mysite/settings.py") == [4]


def test_conditional_and_class_level_debug_are_left_alone():
    source = """\
    import os

    DEBUG = False
    if os.environ.get("ENVIRONMENT") == "development":
        DEBUG = True

    try:
        from .local import *
    except ImportError:
        DEBUG = True


    class Dev:
        DEBUG = True


    def enable():
        DEBUG = True
    """
    assert lines_of(source, CODE, path="mysite/settings.py") == []


@pytest.mark.parametrize("value", ["False", 'os.environ.get("DJANGO_DEBUG") == "1"', 'env.bool("DEBUG", default=False)'])
def test_django_near_misses(value):
    source = f"""\
    import os

    import environ

    env = environ.Env()
    DEBUG = {value}
    """
    assert lines_of(source, CODE, path="mysite/settings.py") == []


def test_test_files_are_exempt_for_flask_too():
    source = """\
    from flask import Flask

    app = Flask(__name__)
    app.config["DEBUG"] = True
    """
    assert lines_of(source, CODE, path="tests/conftest.py") == []
    assert lines_of(source, CODE, path="app/test_views.py") == []
    assert lines_of(source, CODE, path="dev_server.py") == []
    assert lines_of(source, CODE, path="server.py") == [4]


# --- the fix -----------------------------------------------------------------------------------


def test_fix_flask_adds_import_os():
    source = """\
    from flask import Flask

    app = Flask(__name__)
    app.run(debug=True)
    """
    assert fixed(source) == (
        "from flask import Flask\n"
        "import os\n"
        "\n"
        "app = Flask(__name__)\n"
        'app.run(debug=os.environ.get("FLASK_DEBUG") == "1")\n'
    )


def test_fix_does_not_duplicate_import_os():
    source = """\
    import os

    from flask import Flask

    app = Flask(__name__)
    app.config["DEBUG"] = True
    """
    result = fixed(source)
    assert result.count("import os") == 1
    assert 'app.config["DEBUG"] = os.environ.get("FLASK_DEBUG") == "1"\n' in result


def test_fix_uses_the_modules_spelling_of_os():
    aliased = fixed(
        """\
        import os as _os
        from fastapi import FastAPI

        app = FastAPI(debug=True)
        """
    )
    assert 'FastAPI(debug=_os.environ.get("FASTAPI_DEBUG") == "1")' in aliased
    assert "import os\n" not in aliased
    environ = fixed(
        """\
        from os import environ
        from starlette.applications import Starlette

        app = Starlette(debug=True)
        """
    )
    assert 'Starlette(debug=environ.get("STARLETTE_DEBUG") == "1")' in environ
    assert "import os\n" not in environ


def test_fix_django_settings():
    source = '"""Production settings."""\n\nDEBUG = True\nALLOWED_HOSTS = ["shop.example.com"]\n'
    assert fixed(source, path="mysite/settings/production.py") == (
        '"""Production settings."""\n'
        "import os\n"
        "\n"
        'DEBUG = os.environ.get("DJANGO_DEBUG") == "1"\n'
        'ALLOWED_HOSTS = ["shop.example.com"]\n'
    )


def test_no_fix_when_os_means_something_else():
    source = """\
    from flask import Flask
    from mylib import os

    app = Flask(__name__)
    app.run(debug=True)
    """
    [finding] = findings(source, CODE)
    assert finding.fix is None


def test_fix_is_unsafe():
    source = """\
    from fastapi import FastAPI

    app = FastAPI(debug=True)
    """
    [finding] = findings(source, CODE)
    assert finding.fix.applicability.label == "unsafe"
    assert finding.fix.title == "Read it from `FASTAPI_DEBUG`"
