"""The workspace index through the protocol: symbols, and cross-file facts kept current."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import FIXTURES, SERVER
from tests.lsp_helpers import open_document, record_publications, replace_document, wait_for_diagnostics


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER),
    params=["visual-studio-code", "neovim"],
)
async def project(request, lsp_client: LanguageClient, tmp_path: Path):
    """A server started on a copy of the FastAPI fixture project, as when an editor opens a folder."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "fastapi_project", root)
    record_publications(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="project")],
        )
    )
    lsp_client.root = root
    yield
    await lsp_client.shutdown_session()


async def symbols(client: LanguageClient, query: str, expect: int = 1, seconds: float = 20):
    """Workspace symbols for a query, once the background index holds at least `expect` of them."""
    found = []
    for _ in range(int(seconds * 20)):
        found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query)) or []
        if len(found) >= expect:
            break
        await asyncio.sleep(0.05)
    return found


async def test_workspace_symbols_find_routes_by_path(project):
    found = await symbols(project, "GET /api/v1/users")
    assert [(s.name, Path(s.location.uri).name if sys.platform == "win32" else s.location.uri.rsplit("/", 1)[-1], s.location.range.start.line) for s in found] == [
        ("GET /api/v1/users/{user_id}", "users.py", 5)
    ]
    both = await symbols(project, "create_item", expect=2)
    assert sorted(s.name for s in both) == ["POST /api/v1/items/", "POST /api/v2/items/"]


async def test_document_symbols_list_the_routes(project):
    path = project.root / "service" / "routers" / "users.py"
    uri = open_document(project, path, path.read_text())
    await wait_for_diagnostics(project, uri, 1)
    await symbols(project, "DELETE /api/v1")  # the index knows main.py's prefixes
    found = await project.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert sorted((s.name, s.detail) for s in found) == [
        ("DELETE /api/v1/users/{user_id}", "remove_user"),
        ("GET /api/v1/users/{user_id}", "read_user"),
        ("PUT|PATCH /api/v1/users/{user_id}", "write_user"),
    ]


async def test_a_prefix_changed_in_one_file_updates_a_finding_in_another(project):
    main = project.root / "service" / "main.py"
    users = project.root / "service" / "routers" / "users.py"
    main_text = main.read_text().replace('prefix="/api/v1", dependencies', 'prefix="/api", dependencies')
    await symbols(project, "GET /api/v1/users")  # indexed from disk
    main_uri = open_document(project, main, main_text)
    users_uri = open_document(project, users, users.read_text())
    published = len(project.published)
    diagnostics = await wait_for_diagnostics(project, main_uri, 1)
    api003 = [d for d in diagnostics if d.code == "API003"]
    assert [(d.range.start.line, main_text.splitlines()[d.range.start.line][d.range.start.character:d.range.end.character]) for d in api003] == [
        (6, '"/api"')
    ]
    # Versioning the router's own prefix, in the other file, versions the whole path.
    replace_document(project, users_uri, users.read_text().replace('prefix="/users"', 'prefix="/v1/users"'), 2)
    await wait_for_diagnostics(project, users_uri, 2)
    for _ in range(400):
        latest = await wait_for_diagnostics(project, main_uri, 1, after=published)
        if not [d for d in latest if d.code == "API003"]:
            break
        published = len(project.published)
        await asyncio.sleep(0.05)
    assert [d for d in latest if d.code == "API003"] == []


async def test_files_created_on_disk_are_indexed(client, workspace):
    (workspace / "app.py").write_text(
        "from fastapi import FastAPI\nfrom routes import router\napp = FastAPI()\napp.include_router(router, prefix='/api/v3')\n"
    )
    (workspace / "routes.py").write_text(
        "from fastapi import APIRouter\nrouter = APIRouter()\n@router.get('/things')\ndef things(): ...\n"
    )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=(workspace / name).as_uri(), type=types.FileChangeType.Created)
                for name in ("app.py", "routes.py")
            ]
        )
    )
    found = await symbols(client, "/api/v3/things")
    assert [s.name for s in found] == ["GET /api/v3/things"]
    (workspace / "app.py").unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(workspace / "app.py").as_uri(), type=types.FileChangeType.Deleted)]
        )
    )
    for _ in range(200):
        if [s.name for s in await symbols(client, "things", seconds=0.05)] == ["GET /things"]:
            break
        await asyncio.sleep(0.05)
    assert [s.name for s in await symbols(client, "things")] == ["GET /things"]
