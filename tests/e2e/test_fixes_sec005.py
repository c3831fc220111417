"""SEC005 through the protocol: the unsafe quick fix reads the secret from the environment."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp_helpers import code_actions, fix_through_lsp, open_document, wait_for_diagnostics
from tests.rules.helpers import findings

FLASK = '''from flask import Flask as F

app = F(__name__)
app.config["SECRET_KEY"] = "4f8c0b1e9a7d6e5f"
'''

DJANGO = '''import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "django-insecure-dev-only")
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "PASSWORD": "pg-pass-2024",
    }
}
'''


async def test_flask_config_key_is_fixed_with_an_import(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "app.py", FLASK, "SEC005")
    assert fixed == (
        "from flask import Flask as F\nimport os\n\napp = F(__name__)\n"
        'app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]\n'
    )


async def test_django_settings_dict_fix_keeps_one_import(client, workspace):
    path = workspace / "mysite" / "settings" / "production.py"
    fixed = await fix_through_lsp(client, path, DJANGO, "SEC005")
    assert fixed == DJANGO.replace('"pg-pass-2024"', 'os.environ["PASSWORD"]')
    assert fixed.count("import os") == 1
    assert findings(fixed, "SEC005", path=str(path)) == []


async def test_keyword_argument_with_from_os_import_environ(client, workspace):
    source = 'from os import environ\n\nimport redis\n\ncache = redis.Redis(host="cache", password="hunter22")\n'
    fixed = await fix_through_lsp(client, workspace / "cache.py", source, "SEC005")
    assert fixed == 'from os import environ\n\nimport redis\n\ncache = redis.Redis(host="cache", password=environ["PASSWORD"])\n'


async def test_environment_defaults_and_test_files_are_quiet(client, workspace):
    settings = open_document(client, workspace / "mysite" / "settings.py", DJANGO.replace('"pg-pass-2024"', '""'))
    test_file = open_document(client, workspace / "tests" / "test_app.py", FLASK)
    conftest = open_document(client, workspace / "conftest.py", FLASK)
    for uri in (settings, test_file, conftest):
        diagnostics = await wait_for_diagnostics(client, uri, 1)
        assert [d for d in diagnostics if d.code == "SEC005"] == []


async def test_diagnostic_sits_on_the_literal_as_an_error(client, workspace):
    uri = open_document(client, workspace / "app.py", FLASK)
    [diagnostic] = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "SEC005"]
    line = FLASK.splitlines()[3]
    start = line.index('"4f8c')
    assert diagnostic.range == types.Range(
        start=types.Position(line=3, character=start), end=types.Position(line=3, character=len(line))
    )
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.code_description.href.endswith("hardcoded_secret.md")
    actions = await code_actions(client, uri, diagnostic, only=[types.CodeActionKind.QuickFix])
    titles = [a.title for a in actions]
    assert "backend-ls (SEC005): Read `SECRET_KEY` from the environment (unsafe)" in titles
