"""A function mapped over a list by this process and forked copies of it.

The copies inherit the process's memory, so what the function reads (the CLI's workspace index,
built once) is shared copy-on-write instead of being sent; only the results come back, pickled
through a pipe. Forking is safe only in a process without other threads, and only where `os.fork`
exists: elsewhere the map runs here, one item after the other.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import traceback
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32" and threading.active_count() == 1


def map_forked(function: Callable[[Item], Result], items: Sequence[Item], processes: int) -> list[Result]:
    """`[function(item) for item in items]`, the items shared out among this process and
    `processes - 1` forked children (every `processes`-th item each, so slow stretches of the list
    are shared too). An exception in a child is raised here as a RuntimeError with its traceback."""
    processes = min(processes, len(items))
    if processes < 2 or not can_fork():
        return [function(item) for item in items]
    sys.stdout.flush()
    sys.stderr.flush()
    children: list[tuple[int, int]] = []
    try:
        for share in range(1, processes):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: its share, pickled to the parent, and out without cleanup
                os.close(read)
                _answer(write, function, items[share::processes])
            os.close(write)
            children.append((pid, read))
        shares = [[function(item) for item in items[0::processes]]]
        while children:
            pid, read = children.pop(0)
            shares.append(_collect(pid, read))
    finally:
        for pid, read in children:  # only when this process failed: the children are not needed
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
    return [shares[position % processes][position // processes] for position in range(len(items))]


def _answer(write: int, function, items) -> None:
    status = 0
    try:
        try:
            payload = pickle.dumps((True, [function(item) for item in items]), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            status = 1
            payload = pickle.dumps((False, traceback.format_exc()), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(status)  # neither the parent's atexit handlers nor its buffered output


def _collect(pid: int, read: int) -> list:
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise RuntimeError(f"a forked process ended without answering (status {status})")
    succeeded, value = pickle.loads(data)
    if not succeeded:
        raise RuntimeError(f"a forked process failed:\n{value}")
    return value
