"""The language server over stdin and stdout, with stdin read on the event loop.

pygls' stdio server reads each header line and each body in a thread of its pool: three hand-offs
between threads for every message, about 0.2 ms of each keystroke. When stdin is a pipe of its
own, as editors start a server, it is read here through asyncio instead, and the messages go to
pygls' own message loop (`pygls.io_.run_async`) as they would from its TCP server. Anything else
(a file, a terminal, one socket for both directions, Windows) is left to pygls' own stdio server.

What is written then goes through a `PipeWriter`, which any thread may use: the analysis thread
publishes its diagnostics itself (server.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import sys
import threading

try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None

from pygls.io_ import run_async
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)

# No practical limit on a line, as with pygls' reader: a header line is short, and a client that
# sends a long line of garbage gets it skipped, not a server that stops.
LINE_LIMIT = 1 << 30
PIPE_SIZE = 1 << 20  # Linux's default most a process may ask for (/proc/sys/fs/pipe-max-size)


def serve_stdio(server: LanguageServer) -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    if not _pipe_of_its_own(stdin.fileno(), stdout.fileno()):
        server.start_io()
        return
    server._stop_event = threading.Event()  # what pygls' shutdown sets
    _widen_pipe(stdout.fileno())
    server.protocol.set_writer(PipeWriter(stdout))
    try:
        asyncio.run(_serve(server, stdin))
    except BrokenPipeError:
        log.error("the connection to the client is lost: shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()


async def _serve(server: LanguageServer, stdin) -> None:
    reader = asyncio.StreamReader(limit=LINE_LIMIT)
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
    await run_async(
        stop_event=server._stop_event,
        reader=reader,
        protocol=server.protocol,
        logger=log,
        error_handler=server.report_server_error,
    )


class PipeWriter:
    """pygls' writer interface over stdout, for any thread: a message is written whole, under a
    lock, so two threads' messages never interleave (a pipe keeps a write whole only up to 4 KB).

    Why the analysis thread writes at all: handing its diagnostics back to the event loop to be
    written cost a hand-off, and the write itself waited on the analysis thread, which was just
    going back to sleep and needs the interpreter's lock for it. On two cores shared with the
    editor, one publish in ten waited 1-4 ms for it."""

    def __init__(self, stdout):
        self._stdout = stdout
        self._fd = stdout.fileno()
        self._lock = threading.Lock()

    def write(self, data: bytes) -> None:
        self.write_parts((data,))

    def write_parts(self, parts) -> None:
        """One message written in parts without joining them (a publish is up to a megabyte), in
        one system call when the pipe takes it all."""
        with self._lock:
            self._stdout.flush()  # nothing is left in it; just in case something wrote there
            written = os.writev(self._fd, parts)
            total = sum(map(len, parts))
            if written < total:  # the pipe took part of it (a signal): the rest, in a loop
                rest = memoryview(b"".join(parts))[written:]
                while rest:
                    rest = rest[os.write(self._fd, rest):]

    def close(self) -> None:
        self._stdout.close()


def _widen_pipe(stdout: int) -> None:
    """Let the pipe to the editor hold a whole publish (a 10,000-line module's diagnostics are
    0.9 MB): with Linux's 64 KB the write waits for the editor fourteen times. Best effort."""
    size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if size is None:
        return
    try:
        if stat.S_ISFIFO(os.fstat(stdout).st_mode):
            fcntl.fcntl(stdout, size, PIPE_SIZE)
    except OSError:
        pass  # above the system's limit, or not allowed: the pipe keeps its size


def _pipe_of_its_own(stdin: int, stdout: int) -> bool:
    """Whether stdin is a pipe (or socket) that stdout does not share: reading it without blocking
    makes its file description non-blocking, which a shared one would make stdout too. POSIX only:
    Windows' event loop reads only pipes opened for overlapped reads, which an editor's are not."""
    if os.name != "posix":
        return False
    try:
        into, out = os.fstat(stdin), os.fstat(stdout)
    except OSError:
        return False
    if not (stat.S_ISFIFO(into.st_mode) or stat.S_ISSOCK(into.st_mode)):
        return False
    return (into.st_dev, into.st_ino) != (out.st_dev, out.st_ino)
