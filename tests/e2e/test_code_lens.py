"""Code lenses above route handlers, through the protocol: the route's methods and full path with
its prefixes, the count of the findings in its handler, the command behind the lens, and a refresh
request when an edit changes what the lenses show."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import SERVER
from tests.lsp_helpers import (
    apply_workspace_edit,
    code_actions,
    open_document,
    record_publications,
    replace_document,
    wait_for_diagnostics,
)

SOURCE = '''import requests
from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter(prefix="/api/v1")

requests.get("https://example.com/warm-up")


@router.get("/users/{id}")
def read_user(id: int):
    profile = requests.get(f"https://profiles.example.com/{id}")

    def avatar():
        return requests.get("https://avatars.example.com/")

    return {"id": id, "profile": profile.json(), "avatar": avatar().content}


@router.post("/users")
async def create_user():
    return {}


@app.api_route("/health", methods=["GET", "HEAD"])
def health():
    return "ok"


app.include_router(router)
'''


# Other checks come and go; these tests count SVC001 findings only.
ONLY_SVC001 = '[tool.backend-ls]\nselect = ["SVC001"]\n'


def only_svc001(folder: Path) -> None:
    (folder / "pyproject.toml").write_text(ONLY_SVC001, encoding="utf-8")


async def lenses(client, uri):
    return await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )


def shown(lenses_):
    return [(lens.range.start.line, lens.command.title) for lens in lenses_]


def record_refreshes(client) -> list:
    """The refresh requests the client has answered (recorded by tests/lsp_helpers.py)."""
    return client.code_lens_refreshes


async def test_a_lens_above_each_route_with_its_full_path_and_findings(client, workspace):
    only_svc001(workspace)
    uri = open_document(client, workspace / "users.py", SOURCE)
    diagnostics = await wait_for_diagnostics(client, uri, 1)
    assert [(d.code, d.range.start.line) for d in diagnostics] == [("SVC001", 6), ("SVC001", 11), ("SVC001", 14)]

    # The module-level call on line 7 is in no handler; the nested function's call is in read_user.
    assert shown(await lenses(client, uri)) == [
        (9, "GET /api/v1/users/{id} · 2 findings"),
        (19, "POST /api/v1/users · no findings"),
        (24, "GET|HEAD /health · no findings"),
    ]


async def test_the_lens_command_shows_the_route_findings(client, workspace):
    only_svc001(workspace)
    uri = open_document(client, workspace / "users.py", SOURCE)
    await wait_for_diagnostics(client, uri, 1)
    first = (await lenses(client, uri))[0]
    assert first.command.command == "backend-ls.showRouteFindings"
    assert list(first.command.arguments) == [uri, 9]

    message = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=first.command.command, arguments=first.command.arguments)
    )
    assert message.startswith("backend-ls: GET /api/v1/users/{id}: SVC001 (line 12) ")
    assert "SVC001 (line 15) " in message and "line 7" not in message
    for _ in range(100):
        if any(getattr(params, "message", None) == message for params in client.logged):
            break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError(f"the message was not shown: {client.logged}")


async def refreshed(refreshes: list, count: int, supported: bool) -> None:
    """Wait until the client was asked to refresh its lenses `count` times, if it can be."""
    for _ in range(150):
        if not supported or len(refreshes) >= count:
            break
        await asyncio.sleep(0.02)
    assert len(refreshes) == (count if supported else 0)


def refresh_supported(client) -> bool:
    workspace = client.capabilities.workspace
    return bool(workspace and workspace.code_lens and workspace.code_lens.refresh_support)


async def test_lenses_follow_edits_fixes_and_settings(client, workspace):
    refreshes = record_refreshes(client)
    supported = refresh_supported(client)
    only_svc001(workspace)
    uri = open_document(client, workspace / "users.py", SOURCE)
    diagnostics = await wait_for_diagnostics(client, uri, 1)
    assert len(await lenses(client, uri)) == 3

    # An edit that moves the routes and adds one: asked for right away, the lenses are the new ones.
    edited = SOURCE.replace("app = FastAPI()\n", 'app = FastAPI()\n\n\n@app.delete("/cache")\ndef purge():\n    pass\n\n')
    replace_document(client, uri, edited, 2)
    assert shown(await lenses(client, uri)) == [
        (6, "DELETE /cache · no findings"),
        (15, "GET /api/v1/users/{id} · 2 findings"),
        (25, "POST /api/v1/users · no findings"),
        (30, "GET|HEAD /health · no findings"),
    ]
    # The client is asked to refresh them once typing pauses, once per change of what they show.
    await refreshed(refreshes, 1, supported)

    # Fixing a finding in the handler lowers the count.
    diagnostics = await wait_for_diagnostics(client, uri, 2)
    target = next(d for d in diagnostics if d.range.start.line == 17)
    fix = next(a for a in await code_actions(client, uri, target) if "timeout" in a.title)
    replace_document(client, uri, apply_workspace_edit(edited, fix.edit, uri), 3)
    assert shown(await lenses(client, uri))[1] == (15, "GET /api/v1/users/{id} · 1 finding")
    await refreshed(refreshes, 2, supported)

    # Settings that turn the check off reach the counts without an edit.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"backend-ls": {"ignore": ["SVC001"]}})
    )
    for _ in range(200):
        if shown(await lenses(client, uri))[1] == (15, "GET /api/v1/users/{id} · no findings"):
            break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError(shown(await lenses(client, uri)))

    await refreshed(refreshes, 3, supported)


async def test_a_burst_of_edits_asks_for_one_refresh_and_an_unchanged_view_for_none(client, workspace):
    refreshes = record_refreshes(client)
    supported = refresh_supported(client)
    only_svc001(workspace)
    uri = open_document(client, workspace / "users.py", SOURCE)
    await wait_for_diagnostics(client, uri, 1)
    # Typing a new route in three keystrokes, without a pause: one refresh when typing stops.
    text = SOURCE
    for version, (before, after) in enumerate(
        [("app = FastAPI()\n", 'app = FastAPI()\n@app.get("/a")\ndef a():\n    pass\n'), ('"/a"', '"/ab"'), ('"/ab"', '"/abc"')],
        start=2,
    ):
        text = text.replace(before, after)
        replace_document(client, uri, text, version)
        await wait_for_diagnostics(client, uri, version)
    await refreshed(refreshes, 1, supported)
    # An edit inside a handler that changes no route and no count: no refresh.
    replace_document(client, uri, text.replace("    pass\n", "    return None\n", 1), 5)
    await wait_for_diagnostics(client, uri, 5)
    await asyncio.sleep(0.6)
    assert len(refreshes) == (1 if supported else 0)


async def test_a_file_without_routes_has_no_lenses(client, workspace):
    uri = open_document(client, workspace / "plain.py", "import requests\n\nrequests.get('https://x')\n")
    await wait_for_diagnostics(client, uri, 1)
    assert list(await lenses(client, uri)) == []


async def test_the_rule_list_command_names_every_check_with_its_document(client, workspace):
    rules = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="backend-ls.rules"))
    by_code = {rule["code"]: rule for rule in rules}
    assert by_code["SVC001"]["rule"] == "http-without-timeout"
    assert by_code["SVC001"]["href"].startswith("file://")
    assert by_code["SVC001"]["href"].endswith("http_without_timeout.md")
    assert by_code["SVC001"]["title"]


MAIN = '''from fastapi import FastAPI

from routers import users

app = FastAPI()
app.include_router(users.router, prefix="/api/v1")
'''

USERS = '''from fastapi import APIRouter

router = APIRouter()


@router.get("/users/{id}")
def read_user(id: int):
    return {"id": id}
'''


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), params=["visual-studio-code", "neovim"])
async def project(request, lsp_client: LanguageClient, tmp_path: Path):
    """A server started on a folder that already holds the two modules, as when an editor opens it."""
    (tmp_path / "routers").mkdir()
    only_svc001(tmp_path)
    (tmp_path / "main.py").write_text(MAIN)
    (tmp_path / "routers" / "users.py").write_text(USERS)
    record_publications(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
        )
    )
    lsp_client.root = tmp_path
    yield
    await lsp_client.shutdown_session()


async def test_a_prefix_set_in_another_module_shows_in_the_lens(project):
    client = project
    refreshes = record_refreshes(client)
    main, users = client.root / "main.py", client.root / "routers" / "users.py"
    for _ in range(400):  # the background index has read the folder
        if await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="GET /api/v1/users")):
            break
        await asyncio.sleep(0.05)

    users_uri = open_document(client, users, USERS)
    await wait_for_diagnostics(client, users_uri, 1)
    assert shown(await lenses(client, users_uri)) == [(5, "GET /api/v1/users/{id} · no findings")]

    # A new prefix typed in the other module reaches this module's lens.
    open_document(client, main, MAIN.replace('"/api/v1"', '"/api/v2"'))
    for _ in range(200):
        if shown(await lenses(client, users_uri)) == [(5, "GET /api/v2/users/{id} · no findings")]:
            break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError(shown(await lenses(client, users_uri)))
    assert list(await lenses(client, main.as_uri())) == []
    workspace_capabilities = client.capabilities.workspace
    if workspace_capabilities and workspace_capabilities.code_lens and workspace_capabilities.code_lens.refresh_support:
        for _ in range(100):
            if refreshes:
                break
            await asyncio.sleep(0.02)
        assert refreshes
