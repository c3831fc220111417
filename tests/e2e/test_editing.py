"""Editing through the protocol: versions, broken code, the ignore comment, fix-all, settings."""

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

TWO_CALLS = '''import requests


def first(url):
    return requests.get(url)


def second(url):
    return requests.post(url, json={})
'''


async def test_a_burst_of_edits_publishes_only_the_newest_version(client, workspace):
    uri = open_document(client, workspace / "burst.py", TWO_CALLS)
    await wait_for_diagnostics(client, uri, 1)
    for version in range(2, 12):
        # Each edit adds one more unbounded call at the end of the file.
        text = TWO_CALLS + "".join(f"requests.get('u{i}')\n" for i in range(version - 1))
        replace_document(client, uri, text, version)
    final = await wait_for_diagnostics(client, uri, 11)
    assert [d.code for d in final] == ["SVC001"] * 12
    versions = [p.version for p in client.published if p.uri == uri]
    assert versions == sorted(versions), f"an older version was published after a newer one: {versions}"


async def test_broken_code_mid_keystroke_keeps_the_complete_parts(client, workspace):
    uri = open_document(client, workspace / "broken.py", TWO_CALLS)
    assert len(await wait_for_diagnostics(client, uri, 1)) == 2
    broken = TWO_CALLS.replace("def first(url):", "def first(url:")
    replace_document(client, uri, broken, 2)
    diagnostics = await wait_for_diagnostics(client, uri, 2)
    assert 8 in [d.range.start.line for d in diagnostics if d.code == "SVC001"]
    # Half-typed statement in the middle of the file: the function below still gets its finding.
    replace_document(client, uri, TWO_CALLS.replace("return requests.get(url)", "return requests.get(url."), 5)
    diagnostics = await wait_for_diagnostics(client, uri, 5)
    assert 8 in [d.range.start.line for d in diagnostics if d.code == "SVC001"]
    replace_document(client, uri, TWO_CALLS, 6)
    assert len(await wait_for_diagnostics(client, uri, 6)) == 2


async def test_ignore_comment_silences_exactly_one_code(client, workspace):
    uri = open_document(client, workspace / "ignore.py", TWO_CALLS)
    diagnostics = await wait_for_diagnostics(client, uri, 1)
    first = diagnostics[0]
    actions = await code_actions(client, uri, first)
    ignore = next(a for a in actions if a.title == "backend-ls (SVC001): Ignore SVC001 on this line")
    text = apply_workspace_edit(TWO_CALLS, ignore.edit, uri)
    assert "return requests.get(url)  # backend-ls: ignore[SVC001]\n" in text
    assert parses(text)
    replace_document(client, uri, text, 2)
    assert [d.range.start.line for d in await wait_for_diagnostics(client, uri, 2)] == [8]
    # A comment for another code does not silence this one.
    other = TWO_CALLS.replace("requests.get(url)", "requests.get(url)  # backend-ls: ignore[API001]")
    replace_document(client, uri, other, 3)
    assert len(await wait_for_diagnostics(client, uri, 3)) == 2


async def test_fix_all_applies_every_safe_fix(client, workspace):
    uri = open_document(client, workspace / "fixall.py", TWO_CALLS)
    await wait_for_diagnostics(client, uri, 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert [a.kind for a in actions] == ["source.fixAll.backend-ls"]
    fixed = apply_workspace_edit(TWO_CALLS, actions[0].edit, uri)
    assert parses(fixed) and fixed.count("timeout=10") == 2
    replace_document(client, uri, fixed, 2)
    assert await wait_for_diagnostics(client, uri, 2) == []


async def test_pyproject_settings_select_ignore_and_severity(client, workspace):
    (workspace / "pyproject.toml").write_text(
        '[tool.backend-ls]\nseverity = { SVC001 = "error" }\nhttp-timeout = 3\n', encoding="utf-8"
    )
    uri = open_document(client, workspace / "configured.py", TWO_CALLS)
    diagnostics = await wait_for_diagnostics(client, uri, 1)
    assert {d.severity for d in diagnostics} == {types.DiagnosticSeverity.Error}
    actions = await code_actions(client, uri, diagnostics[0])
    assert any(a.title == "backend-ls (SVC001): Add `timeout=3`" for a in actions)

    (workspace / "pyproject.toml").write_text('[tool.backend-ls]\nignore = ["SVC"]\n', encoding="utf-8")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=(workspace / "pyproject.toml").as_uri()))
    )
    replace_document(client, uri, TWO_CALLS + "\n", 2)
    assert await wait_for_diagnostics(client, uri, 2) == []


async def test_editor_settings_override_pyproject(client, workspace):
    client.set_configuration({"backend-ls": {"select": ["API"]}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    uri = open_document(client, workspace / "editor.py", TWO_CALLS)
    assert await wait_for_diagnostics(client, uri, 1) == []
    client.set_configuration({"backend-ls": {"docsUrl": "https://docs.example.com/rules"}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    replace_document(client, uri, TWO_CALLS + "\n", 2)
    diagnostics = await wait_for_diagnostics(client, uri, 2)
    assert diagnostics[0].code_description.href == "https://docs.example.com/rules/http-without-timeout"


async def test_invalid_settings_are_reported_and_defaults_apply(client, workspace):
    (workspace / "pyproject.toml").write_text('[tool.backend-ls]\nhttp-timeout = "soon"\n', encoding="utf-8")
    uri = open_document(client, workspace / "invalid.py", TWO_CALLS)
    diagnostics = await wait_for_diagnostics(client, uri, 1)
    assert len(diagnostics) == 2
    assert any("http-timeout" in message.message for message in client.logged)


async def test_closing_a_document_clears_its_diagnostics(client, workspace):
    uri = open_document(client, workspace / "closed.py", TWO_CALLS)
    await wait_for_diagnostics(client, uri, 1)
    seen = len(client.published)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert await wait_for_diagnostics(client, uri, after=seen) == []


async def test_a_diagnostic_no_longer_published_gets_no_quick_fix(client, workspace):
    """Its edits were made for an older text: applied to the current one they would land wrong."""
    uri = open_document(client, workspace / "stale.py", TWO_CALLS)
    [first, _] = await wait_for_diagnostics(client, uri, 1)
    moved = "\n\n" + TWO_CALLS  # every finding two lines down
    replace_document(client, uri, moved, 2)
    assert [d.range.start.line for d in await wait_for_diagnostics(client, uri, 2)] == [6, 10]
    stale = [a for a in await code_actions(client, uri, first) if a.kind == types.CodeActionKind.QuickFix]
    assert stale == []
    [current, _] = await wait_for_diagnostics(client, uri, 2)
    titles = [a.title for a in await code_actions(client, uri, current) if a.kind == types.CodeActionKind.QuickFix]
    assert titles == ["backend-ls (SVC001): Add `timeout=10`", "backend-ls (SVC001): Ignore SVC001 on this line"]


async def test_a_file_whose_path_the_uri_percent_encodes_gets_its_diagnostics(client, workspace):
    """pygls keeps documents under their URI unquoted; what is published carries the URI as the
    editor sent it, after an edit and after the settings change too."""
    folder = workspace / "my project é"
    folder.mkdir()
    uri = open_document(client, folder / "app.py", TWO_CALLS)
    assert "%20" in uri and "%C3%A9" in uri
    assert [d.code for d in await wait_for_diagnostics(client, uri, 1)] == ["SVC001", "SVC001"]
    replace_document(client, uri, TWO_CALLS + "\n", 2)
    assert len(await wait_for_diagnostics(client, uri, 2)) == 2
    published = len(client.published)
    (folder / "pyproject.toml").write_text('[tool.backend-ls]\nignore = ["SVC"]\n', encoding="utf-8")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=(folder / "pyproject.toml").as_uri()))
    )
    assert await wait_for_diagnostics(client, uri, 2, after=published) == []
    assert {p.uri for p in client.published} == {uri}
