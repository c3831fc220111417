"""Outbound HTTP calls: which calls reach another service over the network, and whether they block.

Judged from the resolved callee (`Call.qualname`), so `import requests as rq`, `from httpx import
get`, `with httpx.Client() as client: client.get(...)` and `async with aiohttp.ClientSession() as
s: s.get(...)` are all recognised, and a call whose receiver cannot be resolved is not.
"""

from __future__ import annotations

from backend_ls.facts.model import Call

VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

# Calls that wait for the answer on the calling thread.
BLOCKING = frozenset(
    {
        *(f"requests.{verb}" for verb in VERBS),
        *(f"requests.Session().{verb}" for verb in (*VERBS, "send")),
        *(f"httpx.{verb}" for verb in (*VERBS, "stream")),
        *(f"httpx.Client().{verb}" for verb in (*VERBS, "stream", "send")),
        "urllib.request.urlopen",
        "urllib3.request",
        *(f"urllib3.PoolManager().{verb}" for verb in ("request", "urlopen")),
    }
)
# Coroutines (or async context managers) of the async clients.
ASYNC = frozenset(
    {
        *(f"httpx.AsyncClient().{verb}" for verb in (*VERBS, "stream", "send")),
        *(f"aiohttp.ClientSession().{verb}" for verb in (*VERBS, "ws_connect")),
        "aiohttp.request",
    }
)


def is_outbound_http(call: Call) -> bool:
    """A call that sends a request to another service, blocking or not."""
    return call.qualname in BLOCKING or call.qualname in ASYNC


def is_blocking_http(call: Call) -> bool:
    """An HTTP call that holds the calling thread until the answer arrives."""
    return call.qualname in BLOCKING
