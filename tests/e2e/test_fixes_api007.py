"""API007 through the protocol: path segments rewritten in kebab-case, in the string that holds them."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

from lsprotocol import types

from tests.lsp_helpers import fix_through_lsp, open_document, wait_for_diagnostics

FLASK_ROUTE = '''from flask import Flask as F

app = F(__name__)


@app.get("/userProfiles/<int:user_id>/order_items")
def order_items(user_id):
    return []
'''

FASTAPI_PREFIXES = '''import fastapi

app = fastapi.FastAPI()
router = fastapi.APIRouter(prefix="/orderItems")


@router.get("/{item_id}")
def read_item(item_id: int):
    return {}


app.include_router(router, prefix="/API/v1")
'''

NEAR_MISSES = '''from flask import Flask

app = Flask(__name__)


@app.post("/updateUserStatus")
def update_status():
    return {}


@app.get("/_health")
def health():
    return {}


@app.get("/robots.txt")
def robots():
    return ""


@app.get("/user-profiles/<int:userId>")
def profile(userId):
    return {}
'''

DJANGO_FILES = {
    "mysite/__init__.py": "",
    "mysite/settings.py": 'ROOT_URLCONF = "mysite.urls"\n',
    "shop/__init__.py": "",
    "shop/views.py": """\
    from django.http import JsonResponse


    def order_items(request):
        return JsonResponse({})
    """,
}

DJANGO_URLS = '''from django.urls import path

from shop import views

urlpatterns = [
    path("order_items/", views.order_items),
]
'''


async def test_flask_route_is_fixed(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "app.py", FLASK_ROUTE, "API007")
    assert fixed == FLASK_ROUTE.replace("/userProfiles/<int:user_id>/order_items", "/user-profiles/<int:user_id>/order-items")


async def test_router_prefix_is_fixed(client, workspace):
    source = FASTAPI_PREFIXES.replace('prefix="/API/v1"', 'prefix="/api/v1"')
    fixed = await fix_through_lsp(client, workspace / "main.py", source, "API007")
    assert fixed == source.replace('prefix="/orderItems"', 'prefix="/order-items"')


async def test_include_router_prefix_is_fixed(client, workspace):
    source = FASTAPI_PREFIXES.replace('prefix="/orderItems"', 'prefix="/order-items"')
    fixed = await fix_through_lsp(client, workspace / "main.py", source, "API007")
    assert fixed == source.replace('prefix="/API/v1"', 'prefix="/api/v1"')


async def test_near_misses_are_quiet(client, workspace):
    uri = open_document(client, workspace / "quiet.py", NEAR_MISSES)
    diagnostics = await wait_for_diagnostics(client, uri, 1)
    assert [d for d in diagnostics if d.code == "API007"] == []
    assert [d.range.start.line for d in diagnostics if d.code == "API002"] == [5]


async def indexed(client, root: Path, files: dict[str, str], route: str) -> None:
    """Write files, tell the server, and wait until the workspace index routes `route`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(root / name).as_uri(), type=types.FileChangeType.Created) for name in files]
        )
    )
    for _ in range(400):
        found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=route)) or []
        if found:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the index never routed {route}")


async def test_django_urlconf_string_is_fixed(client, workspace):
    files = {**DJANGO_FILES, "mysite/urls.py": DJANGO_URLS}
    await indexed(client, workspace, files, "/order_items/")
    fixed = await fix_through_lsp(client, workspace / "mysite" / "urls.py", DJANGO_URLS, "API007")
    assert fixed == DJANGO_URLS.replace('"order_items/"', '"order-items/"')
