"""The stdio transport (backend_ls/lsp/stdio.py): stdin read on the event loop when it is a pipe
of its own, pygls' reader otherwise; either way the server answers, survives garbage and stops
when the client goes."""

from __future__ import annotations

import os
import socket
import subprocess

from backend_ls.lsp.stdio import _pipe_of_its_own
from tests.conftest import SERVER
from tests.e2e.test_robustness import _frame, _read_messages

INITIALIZE = _frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
STOP = _frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}) + _frame({"jsonrpc": "2.0", "method": "exit"})


def replies(process) -> dict:
    messages: list[dict] = []
    _read_messages(process.stdout, messages)
    return {m["id"]: m for m in messages if "id" in m and "method" not in m}


def test_a_pipe_of_its_own_is_read_on_the_event_loop_and_anything_else_by_pygls(tmp_path):
    into, out = os.pipe()
    other_into, other_out = os.pipe()
    try:
        assert _pipe_of_its_own(into, other_out)
        assert not _pipe_of_its_own(into, into)  # one pipe both ways
    finally:
        for fd in (into, out, other_into, other_out):
            os.close(fd)
    one, two = socket.socketpair()
    with one, two:
        assert not _pipe_of_its_own(one.fileno(), one.fileno())  # one socket both ways
    file = tmp_path / "messages"
    file.write_bytes(b"")
    with open(file, "rb") as handle:
        assert not _pipe_of_its_own(handle.fileno(), 1)


def test_over_pipes_a_long_line_of_garbage_is_skipped(tmp_path):
    process = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=tmp_path)
    process.stdin.write(b"x" * 200_000 + b"\r\n\r\n" + INITIALIZE + STOP)
    process.stdin.close()
    answered = replies(process)
    assert process.wait(timeout=20) == 0
    assert "capabilities" in answered[1]["result"] and answered[2]["result"] is None


def test_messages_from_a_file_are_read_by_pygls(tmp_path):
    file = tmp_path / "messages"
    file.write_bytes(INITIALIZE + STOP)
    with open(file, "rb") as stdin:
        process = subprocess.Popen(SERVER, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=tmp_path)
        answered = replies(process)
        assert process.wait(timeout=20) == 0
    assert "capabilities" in answered[1]["result"]


def test_the_server_stops_when_the_client_closes_its_pipe(tmp_path):
    process = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=tmp_path)
    process.stdin.write(INITIALIZE)
    process.stdin.close()  # no shutdown, no exit: the editor went away
    answered = replies(process)
    process.wait(timeout=20)
    assert "capabilities" in answered[1]["result"]


def test_the_pipe_to_the_editor_is_widened_to_hold_a_large_publish(tmp_path):
    import fcntl

    import pytest

    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        pytest.skip("pipe sizes are Linux's")
    process = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=tmp_path)
    process.stdin.write(INITIALIZE + STOP)
    process.stdin.close()
    answered = replies(process)  # the server has started reading, so it has set up its pipes
    size = fcntl.fcntl(process.stdout.fileno(), fcntl.F_GETPIPE_SZ)
    assert process.wait(timeout=20) == 0 and "capabilities" in answered[1]["result"]
    assert size >= 1 << 20


def test_messages_written_from_two_threads_arrive_whole(tmp_path):
    """The analysis thread publishes while the event loop answers requests: each message is
    written whole, however large, and in the order each thread wrote its own."""
    import threading

    from backend_ls.lsp.stdio import PipeWriter

    into, out = os.pipe()
    writer = PipeWriter(os.fdopen(out, "wb"))
    received = bytearray()
    reading = threading.Thread(target=lambda: _read_all(into, received))
    reading.start()

    def write(tag: bytes) -> None:
        for number in range(60):
            body = tag * (number * 3000)  # up to 177 KB: far more than a pipe keeps whole
            head = b"<" + tag + str(number).encode() + b":" + str(len(body)).encode() + b">"
            writer.write_parts((head, body, b"</" + tag + b">")) if number % 2 else writer.write(head + body + b"</" + tag + b">")

    threads = [threading.Thread(target=write, args=(tag,)) for tag in (b"a", b"b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.close()
    reading.join()
    numbers = {b"a": [], b"b": []}
    position = 0
    while position < len(received):
        assert received[position:position + 1] == b"<"
        tag = bytes(received[position + 1:position + 2])
        header_end = received.index(b">", position)
        number, length = received[position + 2:header_end].split(b":")
        body = received[header_end + 1:header_end + 1 + int(length)]
        assert body == tag * int(length), "another thread's bytes inside a message"
        position = header_end + 1 + int(length)
        assert received[position:position + 4] == b"</" + tag + b">"
        position += 4
        numbers[tag].append(int(number))
    assert numbers == {b"a": list(range(60)), b"b": list(range(60))}


def test_a_message_the_pipe_takes_in_part_is_written_to_its_end(monkeypatch):
    from backend_ls.lsp import stdio

    into, out = os.pipe()
    writer = stdio.PipeWriter(os.fdopen(out, "wb"))
    real_writev = os.writev
    monkeypatch.setattr(stdio.os, "writev", lambda fd, parts: real_writev(fd, [bytes(parts[0])[:5]]))
    writer.write_parts((b"0123456789", b"abc", b"XYZ"))
    writer.close()
    with os.fdopen(into, "rb") as reading:
        assert reading.read() == b"0123456789abcXYZ"


def _read_all(fd: int, into: bytearray) -> None:
    with os.fdopen(fd, "rb") as reading:
        while chunk := reading.read(65536):
            into.extend(chunk)
