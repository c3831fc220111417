"""SEC004 through the protocol: the unsafe quick fix reads debug mode from the environment."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp_helpers import code_actions, fix_through_lsp, open_document, wait_for_diagnostics
from tests.rules.helpers import findings

FLASK = '''from flask import Flask as F

app = F(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}


if __name__ == "__main__":
    app.run(debug=True)
'''

DJANGO_PRODUCTION = '''import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = True
ALLOWED_HOSTS = [os.environ.get("ALLOWED_HOST", "shop.example.com")]
'''


async def test_flask_run_debug_is_fixed_with_an_import(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "app.py", FLASK, "SEC004")
    assert fixed == FLASK.replace("from flask import Flask as F\n", "from flask import Flask as F\nimport os\n").replace(
        "app.run(debug=True)", 'app.run(debug=os.environ.get("FLASK_DEBUG") == "1")'
    )
    assert findings(fixed, "SEC004") == []


async def test_django_production_settings_fix_keeps_one_import(client, workspace):
    path = workspace / "mysite" / "settings" / "production.py"
    fixed = await fix_through_lsp(client, path, DJANGO_PRODUCTION, "SEC004")
    assert fixed == DJANGO_PRODUCTION.replace("DEBUG = True", 'DEBUG = os.environ.get("DJANGO_DEBUG") == "1"')
    assert fixed.count("import os") == 1


async def test_fastapi_module_alias(client, workspace):
    source = 'import fastapi as fa\n\napp = fa.FastAPI(title="shop", debug=True)\n'
    fixed = await fix_through_lsp(client, workspace / "main.py", source, "SEC004")
    assert fixed == 'import fastapi as fa\nimport os\n\napp = fa.FastAPI(title="shop", debug=os.environ.get("FASTAPI_DEBUG") == "1")\n'


async def test_development_settings_and_near_misses_are_quiet(client, workspace):
    dev = open_document(client, workspace / "mysite" / "settings" / "dev.py", DJANGO_PRODUCTION)
    local = open_document(client, workspace / "mysite" / "local_settings.py", DJANGO_PRODUCTION)
    other = open_document(
        client,
        workspace / "serve.py",
        "from flask import Flask\nfrom tools import make_server\n\nserver = make_server()\n"
        "server.run(debug=True)\napp = Flask(__name__)\napp.run(debug=False)\n",
    )
    for uri in (dev, local, other):
        diagnostics = await wait_for_diagnostics(client, uri, 1)
        assert [d for d in diagnostics if d.code == "SEC004"] == []


async def test_diagnostic_sits_on_the_true_and_the_fix_is_not_preferred(client, workspace):
    uri = open_document(client, workspace / "app.py", FLASK)
    [diagnostic] = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "SEC004"]
    line = FLASK.splitlines()[11]
    assert diagnostic.range == types.Range(
        start=types.Position(line=11, character=line.index("True")),
        end=types.Position(line=11, character=line.index("True") + 4),
    )
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    actions = await code_actions(client, uri, diagnostic, only=[types.CodeActionKind.QuickFix])
    [fix] = [a for a in actions if a.title.startswith("backend-ls (SEC004): ") and "Ignore" not in a.title]
    assert fix.title == "backend-ls (SEC004): Read it from `FLASK_DEBUG` (unsafe)"
    assert not fix.is_preferred
