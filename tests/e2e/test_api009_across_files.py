"""API009 through the protocol: a route registered in two files is reported in the later file, with
related information pointing at the first registration."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from tests.e2e.test_fixes_api007 import DJANGO_FILES, indexed
from tests.lsp_helpers import code_actions, open_document, replace_document, wait_for_diagnostics

PROJECT = {
    "svc/__init__.py": "",
    "svc/main.py": """\
    from fastapi import FastAPI

    from svc import legacy, users

    app = FastAPI()
    app.include_router(legacy.router, prefix="/api/v1")
    app.include_router(users.router, prefix="/api/v1")
    """,
    "svc/legacy.py": """\
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/users/{id}")
    def old_read_user(id: int):
        return {}
    """,
}

USERS = '''from fastapi import APIRouter

router = APIRouter(prefix="/users")


@router.get("/{user_id}")
def read_user(user_id: int):
    return {}


@router.delete("/{user_id}")
def remove_user(user_id: int):
    return {}
'''

BLUEPRINT_TWICE = '''from flask import Blueprint, Flask

app = Flask(__name__)
shop = Blueprint("shop", __name__, url_prefix="/shop")


@shop.get("/items")
def items():
    return []


app.register_blueprint(shop)
app.register_blueprint(shop, name="shop_copy")
'''


def same_file(uri: str, path: Path) -> bool:
    return Path(to_fs_path(uri)).resolve() == path.resolve()


async def test_duplicate_in_another_file_points_at_the_first(client, workspace):
    await indexed(client, workspace, {**PROJECT, "svc/users.py": USERS}, "/api/v1/users/{user_id}")
    users = workspace / "svc" / "users.py"
    uri = open_document(client, users, USERS)
    diagnostics = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "API009"]
    assert [(d.range.start.line, d.range.start.character) for d in diagnostics] == [(5, 0)]
    [diagnostic] = diagnostics
    assert diagnostic.severity == types.DiagnosticSeverity.Warning and diagnostic.source == "backend-ls"
    assert "`GET /api/v1/users/{user_id}`" in diagnostic.message and "legacy.py, line 6" in diagnostic.message
    [related] = diagnostic.related_information
    assert same_file(related.location.uri, workspace / "svc" / "legacy.py")
    assert (related.location.range.start.line, related.location.range.end.character) == (5, len('@router.get("/users/{id}")'))
    # No quick fix: which of the two goes is the developer's call.
    actions = await code_actions(client, uri, diagnostic, only=[types.CodeActionKind.QuickFix])
    assert [a.title for a in actions if a.title.startswith("backend-ls (API009)") and "Ignore" not in a.title] == []

    # The first registration is not reported; changing this file's path ends the duplicate.
    legacy_uri = open_document(client, workspace / "svc" / "legacy.py", (workspace / "svc" / "legacy.py").read_text())
    assert [d for d in await wait_for_diagnostics(client, legacy_uri, 1) if d.code == "API009"] == []
    replace_document(client, uri, USERS.replace('@router.get("/{user_id}")', '@router.get("/{user_id}/profile")'), 2)
    assert [d for d in await wait_for_diagnostics(client, uri, 2) if d.code == "API009"] == []


async def test_blueprint_registered_twice_is_reported_on_the_second_registration(client, workspace):
    uri = open_document(client, workspace / "shop.py", BLUEPRINT_TWICE)
    diagnostics = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "API009"]
    assert [d.range.start.line for d in diagnostics] == [12]
    [related] = diagnostics[0].related_information
    assert same_file(related.location.uri, workspace / "shop.py") and related.location.range.start.line == 11


async def test_django_views_of_one_path(client, workspace):
    urls = '''from django.urls import path

from shop import views

urlpatterns = [
    path("orders/", views.order_items),
    path("orders/", views.order_list),
]
'''
    views = '''from django.http import JsonResponse


def order_items(request):
    return JsonResponse({})


def order_list(request):
    return JsonResponse({})
'''
    await indexed(client, workspace, {**DJANGO_FILES, "mysite/urls.py": urls, "shop/views.py": views}, "order_list")
    uri = open_document(client, workspace / "shop" / "views.py", views)
    diagnostics = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "API009"]
    assert [d.range.start.line for d in diagnostics] == [7]
    [related] = diagnostics[0].related_information
    assert same_file(related.location.uri, workspace / "shop" / "views.py") and related.location.range.start.line == 3
