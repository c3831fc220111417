"""SVC001: an outbound HTTP call that can wait forever."""

from __future__ import annotations

from backend_ls.fixes import insert_keyword_argument, replace
from backend_ls.rules.base import Applicability, Fix, Rule

REQUESTS_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
# requests waits forever by default; so does urllib. httpx has a default timeout, so only an
# explicit `timeout=None` removes it.
NO_DEFAULT_TIMEOUT = {
    *(f"requests.{m}" for m in REQUESTS_METHODS),
    *(f"requests.Session().{m}" for m in REQUESTS_METHODS),
    "urllib.request.urlopen",
}
HTTPX_CALLS = {
    *(f"httpx.{m}" for m in (*REQUESTS_METHODS, "stream")),
    "httpx.Client",
    "httpx.AsyncClient",
    *(f"httpx.Client().{m}" for m in (*REQUESTS_METHODS, "stream")),
    *(f"httpx.AsyncClient().{m}" for m in (*REQUESTS_METHODS, "stream")),
}


class HttpWithoutTimeout(Rule):
    code = "SVC001"
    scope = "statement"

    def check(self, context):
        timeout = context.settings.http_timeout
        for call in context.facts.calls:
            if call.qualname in NO_DEFAULT_TIMEOUT:
                if call.keyword("timeout") is not None or call.star_kwargs:
                    continue
                # urlopen(url, data, timeout): a third positional argument is the timeout
                if call.qualname == "urllib.request.urlopen" and len(call.args) >= 3:
                    continue
                if call.star_args:
                    continue
                edit = insert_keyword_argument(call, context.lines, f"timeout={timeout}")
                fix = Fix(f"Add `timeout={timeout}`", Applicability.SAFE, (edit,))
                yield self.finding(
                    call.span,
                    f"`{call.callee}` has no timeout and can hang the worker; pass `timeout=`.",
                    fix,
                )
            elif call.qualname in HTTPX_CALLS:
                value = call.keyword("timeout")
                if value is not None and value.kind == "none":
                    yield self.finding(
                        call.span,
                        f"`{call.callee}` is called with `timeout=None` and can hang the worker; set a timeout.",
                        Fix(
                            f"Set `timeout={timeout}`",
                            Applicability.SAFE,
                            (replace(value.span, str(timeout)),),
                        ),
                    )

