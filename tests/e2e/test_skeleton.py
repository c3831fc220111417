"""The walking skeleton through the protocol: open, diagnose, change, hover, fix."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp_helpers import (
    apply_workspace_edit,
    code_actions,
    open_document,
    parses,
    replace_document,
    wait_for_diagnostics,
)

SOURCE = '''import requests


def fetch(url):
    return requests.get(url)
'''


async def test_svc001_is_reported_fixed_and_gone(client, workspace):
    uri = open_document(client, workspace / "svc.py", SOURCE)
    diagnostics = await wait_for_diagnostics(client, uri, 1)
    assert [(d.code, d.range.start.line, d.source) for d in diagnostics] == [("SVC001", 4, "backend-ls")]
    diagnostic = diagnostics[0]
    assert diagnostic.code_description.href.endswith("http_without_timeout.md")
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert list(diagnostic.data) == ["fix"]  # its edits; the rest of what code actions need stays on the server

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=diagnostic.range.start)
    )
    assert "SVC001" in hover.contents.value and "Good practice" in hover.contents.value

    actions = await code_actions(client, uri, diagnostic)
    fix = next(a for a in actions if "timeout" in a.title)
    assert fix.title.startswith("backend-ls (SVC001): ")
    assert fix.is_preferred
    fixed = apply_workspace_edit(SOURCE, fix.edit, uri)
    assert parses(fixed)
    replace_document(client, uri, fixed, 2)
    assert await wait_for_diagnostics(client, uri, 2) == []
