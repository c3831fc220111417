"""Bad input never takes the server down, and the other documents keep working."""

from __future__ import annotations

import json
import subprocess
import threading
import time

from lsprotocol import types

from tests.conftest import SERVER
from tests.lsp_helpers import open_document, wait_for_diagnostics

CALL = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"


async def test_requests_for_unknown_documents_answer_empty(client, workspace):
    unknown = (workspace / "never_opened.py").as_uri()
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=unknown), position=types.Position(line=0, character=0))
    )
    assert hover is None
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=unknown),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert not actions
    uri = open_document(client, workspace / "after.py", CALL)
    assert [d.code for d in await wait_for_diagnostics(client, uri, 1)] == ["SVC001"]


async def test_a_huge_document_is_skipped_with_a_message(client, workspace):
    huge = open_document(client, workspace / "huge.py", "x = 1\n" * 1_000_000)
    assert await wait_for_diagnostics(client, huge, 1) == []
    assert any("huge.py is not analysed" in m.message for m in client.logged)
    uri = open_document(client, workspace / "small.py", CALL)
    assert [d.code for d in await wait_for_diagnostics(client, uri, 1)] == ["SVC001"]


async def test_odd_text_is_analysed(client, workspace):
    # A lone surrogate (what an editor sends for bytes it could not decode), tabs, a BOM, CRLF.
    text = "\ufeffimport requests\r\n\r\nNAME = '\udcff caf\u00e9 \U0001f600'\r\ndef f(u):\r\n\treturn requests.get(u)\r\n"
    uri = "file://" + str(workspace / "odd.py")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    diagnostics = await wait_for_diagnostics(client, uri, 1)
    assert [(d.code, d.range.start.line) for d in diagnostics] == [("SVC001", 4)]


def _frame(payload) -> bytes:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _read_messages(stdout, messages: list[dict]) -> None:
    while True:
        header = b""
        while not header.endswith(b"\r\n\r\n"):
            char = stdout.read(1)
            if not char:
                return
            header += char
        length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        messages.append(json.loads(stdout.read(length)))


def test_malformed_messages_do_not_stop_the_server(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(CALL)
    stream = b"".join(
        [
            _frame(b"{this is not json"),
            _frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": tmp_path.as_uri()}}),
            _frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
            _frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 42}}),
            _frame({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"position": "nowhere"}}),
            _frame({"jsonrpc": "2.0", "id": 3, "method": "no/such/method", "params": {}}),
            _frame(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {"textDocument": {"uri": path.as_uri(), "languageId": "python", "version": 1, "text": CALL}},
                }
            ),
        ]
    )
    process = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(stream)
    process.stdin.flush()
    messages: list[dict] = []
    reader = threading.Thread(target=_read_messages, args=(process.stdout, messages), daemon=True)
    reader.start()
    started = time.monotonic()
    while time.monotonic() - started < 20:
        if any(m.get("method") == "textDocument/publishDiagnostics" and m["params"]["diagnostics"] for m in messages):
            break
        time.sleep(0.05)
    process.stdin.write(_frame({"jsonrpc": "2.0", "id": 9, "method": "shutdown"}) + _frame({"jsonrpc": "2.0", "method": "exit"}))
    process.stdin.close()
    process.wait(timeout=20)
    reader.join(timeout=5)
    by_id = {m.get("id"): m for m in messages if "id" in m and "method" not in m}
    assert "capabilities" in by_id[1]["result"]
    # A request whose params cannot be read has no usable id in pygls; the user is told instead.
    shown = [m["params"]["message"] for m in messages if m.get("method") == "window/showMessage"]
    assert any("ignored a message it could not handle" in text for text in shown), shown
    assert "error" in by_id[3]
    published = [m for m in messages if m.get("method") == "textDocument/publishDiagnostics"]
    assert [d["code"] for d in published[-1]["params"]["diagnostics"]] == ["SVC001"]
    assert process.returncode == 0
