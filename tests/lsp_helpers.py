"""Test-side helpers for talking to the server: open files, wait for a version's diagnostics,
and apply the edits of code actions the way an editor does."""

from __future__ import annotations

import asyncio
import ast
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

WAIT_SECONDS = 20


def record_publications(client: LanguageClient) -> None:
    """Keep every publishDiagnostics the client receives, with its version, in `client.published`."""
    client.published = []
    client.logged = []
    original = client.protocol._handle_notification

    def handle(method_name, params):
        if method_name == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
            client.published.append(params)
        elif method_name in (types.WINDOW_LOG_MESSAGE, types.WINDOW_SHOW_MESSAGE):
            client.logged.append(params)
        return original(method_name, params)

    client.protocol._handle_notification = handle

    # VS Code and Neovim accept dynamic registrations (file watchers); so does this client.
    client.registrations = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams):
        client.registrations.extend(params.registrations)

    # ... and refresh code lenses when the server asks (the VS Code capabilities say they can).
    client.code_lens_refreshes = []

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def refresh_code_lenses(params):
        client.code_lens_refreshes.append(params)


async def wait_for_diagnostics(client: LanguageClient, uri: str, version: int | None = None, after: int = 0):
    """The diagnostics published for `uri` (for `version`, when given; among the publications
    after the first `after`, when given)."""

    async def poll():
        while True:
            for params in reversed(client.published[after:]):
                if params.uri == uri and (version is None or params.version == version):
                    return list(params.diagnostics)
            await asyncio.sleep(0.01)

    return await asyncio.wait_for(poll(), WAIT_SECONDS)


def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
        )
    )
    return uri


def replace_document(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _offset(lines: list[str], position: types.Position) -> int:
    # The tests use ASCII sources unless they say otherwise, so UTF-16 units are characters.
    return sum(len(line) for line in lines[: position.line]) + position.character


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.splitlines(keepends=True) + [""]
    spans = sorted(
        ((_offset(lines, e.range.start), _offset(lines, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new_text in spans:
        text = text[:start] + new_text + text[end:]
    return text


def apply_workspace_edit(text: str, edit: types.WorkspaceEdit, uri: str) -> str:
    edits: list[types.TextEdit] = []
    for change in edit.document_changes or []:
        assert change.text_document.uri == uri
        edits.extend(change.edits)
    for change_uri, changes in (edit.changes or {}).items():
        assert change_uri == uri
        edits.extend(changes)
    return apply_text_edits(text, edits)


def parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


async def code_actions(client: LanguageClient, uri: str, diagnostic: types.Diagnostic, only=None):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic], only=only),
        )
    )


async def fix_through_lsp(client: LanguageClient, path: Path, source: str, code: str, version: int = 1) -> str:
    """Open `source`, apply the quick fix of its first `code` finding as an editor would, and check
    the three promises of a fix: the result parses, the finding is gone, and a second round of
    fixing changes nothing. Returns the fixed text."""
    uri = open_document(client, path, source, version)
    diagnostics = await wait_for_diagnostics(client, uri, version)
    targets = [d for d in diagnostics if d.code == code]
    assert targets, f"{code} not reported on {path.name}: {[d.code for d in diagnostics]}"
    actions = await code_actions(client, uri, targets[0], only=[types.CodeActionKind.QuickFix])
    fixes = [a for a in actions if a.title.startswith(f"backend-ls ({code}): ") and "Ignore" not in a.title]
    assert fixes, f"no quick fix for {code}: {[a.title for a in actions]}"
    fixed = apply_workspace_edit(source, fixes[0].edit, uri)
    assert parses(fixed), fixed
    replace_document(client, uri, fixed, version + 1)
    after = await wait_for_diagnostics(client, uri, version + 1)
    # Counted rather than looked up by line: a fix that adds an import moves the code below it.
    remaining = [d for d in after if d.code == code]
    assert len(remaining) < len(targets), f"{code} still reported after its fix:\n{fixed}"
    again = fixed
    for diagnostic in after:
        for action in await code_actions(client, uri, diagnostic, only=[types.CodeActionKind.QuickFix]):
            if action.title.startswith(f"backend-ls ({code}): ") and "Ignore" not in action.title:
                again = apply_workspace_edit(again, action.edit, uri)
    assert again == fixed, "applying the fix a second time changed the code"
    return fixed
