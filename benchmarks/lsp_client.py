"""A plain JSON-RPC language client over stdio, for timing servers from the outside.

Deliberately not pygls: it must talk to any server (ruff's included) and add as little of its own
cost as possible to what it measures."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time


class LspClient:
    def __init__(self, command: list[str], env: dict | None = None):
        self.command = command
        self.env = env
        self.process: asyncio.subprocess.Process | None = None
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future] = {}
        # (uri, version) -> when the message's last byte was read, and when it was decoded
        self.diagnostics: dict[tuple[str, int | None], tuple[float, float]] = {}
        self.latest: dict[str, tuple[int | None, list]] = {}
        self.waiters: list[tuple[str, int | None, asyncio.Future]] = []
        self.progress_ended: asyncio.Event = asyncio.Event()
        self.progress_started = False

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env={**os.environ, **(self.env or {})},
            limit=64 * 1024 * 1024,
        )
        self.reader = asyncio.create_task(self._read())

    @property
    def pid(self) -> int:
        return self.process.pid

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

    async def request(self, method: str, params) -> object:
        ident = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.pending[ident] = future
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        await self.process.stdin.drain()
        return await future

    def notify(self, method: str, params) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def _read(self) -> None:
        stream = self.process.stdout
        while True:
            header = await stream.readuntil(b"\r\n\r\n")
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            body = await stream.readexactly(length)
            # The server's latency ends when its message is delivered; this client decoding the
            # JSON afterwards is the client's own cost (5 ms for 1,657 diagnostics), kept apart.
            delivered = time.perf_counter()
            message = json.loads(body)
            arrived = (delivered, time.perf_counter())
            if "id" in message and "method" not in message:
                future = self.pending.pop(message["id"], None)
                if future is not None and not future.done():
                    future.set_result(message.get("result"))
            elif "id" in message:  # a request from the server: accept it
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                key = (params["uri"], params.get("version"))
                self.diagnostics.setdefault(key, arrived)
                self.latest[params["uri"]] = (params.get("version"), params["diagnostics"])
                for waiter in list(self.waiters):
                    uri, version, future = waiter
                    if uri == params["uri"] and (version is None or version == params.get("version")):
                        self.waiters.remove(waiter)
                        if not future.done():
                            future.set_result(arrived)
            elif message.get("method") == "$/progress":
                kind = message["params"].get("value", {}).get("kind")
                if kind == "begin":
                    self.progress_started = True
                elif kind == "end":
                    self.progress_ended.set()

    async def diagnostics_for(self, uri: str, version: int | None, timeout: float = 120) -> tuple[float, float]:
        """When the diagnostics of (uri, version) were delivered and when this client had decoded
        them (waiting for them if needed)."""
        if (uri, version) in self.diagnostics:
            return self.diagnostics[(uri, version)]
        future = asyncio.get_running_loop().create_future()
        self.waiters.append((uri, version, future))
        return await asyncio.wait_for(future, timeout)

    async def initialize(self, root_uri: str | None, options=None) -> None:
        capabilities = {
            "textDocument": {
                "synchronization": {"didSave": True},
                "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
            },
            "window": {"workDoneProgress": True},
            "general": {"positionEncodings": ["utf-16"]},
        }
        params = {
            "processId": os.getpid(),
            "rootUri": root_uri,
            "capabilities": capabilities,
            "initializationOptions": options or {},
            "workspaceFolders": [{"uri": root_uri, "name": "bench"}] if root_uri else None,
        }
        await self.request("initialize", params)
        self.notify("initialized", {})

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}})

    def change(self, uri: str, version: int, line: int, character: int, text: str, remove: int = 0) -> None:
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": line, "character": character},
                            "end": {"line": line, "character": character + remove},
                        },
                        "text": text,
                    }
                ],
            },
        )

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.request("shutdown", None), 10)
            self.notify("exit", None)
            await asyncio.wait_for(self.process.wait(), 10)
        except (asyncio.TimeoutError, ConnectionError, RuntimeError):
            self.process.kill()
        self.reader.cancel()


def peak_memory_mb(pid: int) -> float | None:
    """The peak resident set of a process (Linux VmHWM), in MB."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
