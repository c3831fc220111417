"""SEC011: a JWT decoded without verifying its signature or pinning its algorithms."""

from __future__ import annotations

from backend_ls.facts.model import Call, Value
from backend_ls.rules.base import Rule

# PyJWT (`import jwt`, its PyJWT class) and python-jose (`from jose import jwt`); both take the
# algorithms as the third positional argument and the options as the fourth.
DECODERS = frozenset(
    {"jwt.decode", "jwt.decode_complete", "jwt.api_jwt.decode", "jwt.api_jwt.decode_complete",
     "jwt.PyJWT().decode", "jwt.PyJWT().decode_complete", "jwt.api_jwt.PyJWT().decode",
     "jose.jwt.decode"}
)
ALGORITHMS_POSITION = 2
OPTIONS_POSITION = 3


class JwtUnverified(Rule):
    code = "SEC011"
    scope = "statement"

    def check(self, context):
        for call in context.facts.calls:
            if call.qualname not in DECODERS:
                continue
            problem = _problem(call)
            if problem is not None:
                yield self.finding(call.span, f"`{call.callee or 'jwt.decode'}` {problem}")


def _problem(call: Call) -> str | None:
    verify = call.keyword("verify")
    if verify is not None and verify.kind == "false":
        return "is called with `verify=False`, so any forged token is accepted; verify the signature with the key and pinned algorithms."
    options = call.keyword("options") or _positional(call, OPTIONS_POSITION)
    if options is not None and _turns_off_signature(options):
        return "turns off `verify_signature`, so any forged token is accepted; verify the signature with the key and pinned algorithms."
    algorithms = call.keyword("algorithms") or _positional(call, ALGORITHMS_POSITION)
    if algorithms is None:
        if call.star_kwargs or call.star_args or call.keyword("algorithm") is not None:
            return None  # `algorithm=` is a typo PyJWT rejects at run time; kwargs may carry them
        return "has no `algorithms=`, so the token's own header picks how it is checked; pass the algorithms you issue, such as `algorithms=[\"HS256\"]`."
    if algorithms.kind == "none":
        return "is given `algorithms=None`, so the token's own header picks how it is checked; pass the algorithms you issue."
    if _allows_none(algorithms):
        return "accepts the `none` algorithm, so an unsigned token passes; allow only the algorithms you sign with."
    return None


def _positional(call: Call, index: int) -> Value | None:
    return call.args[index] if len(call.args) > index else None


def _turns_off_signature(options: Value) -> bool:
    for key, value in options.items:
        if key.literal == "verify_signature" and value.kind == "false":
            return True
    return isinstance(options.literal, dict) and options.literal.get("verify_signature") is False


def _allows_none(algorithms: Value) -> bool:
    if algorithms.kind == "str":
        return isinstance(algorithms.literal, str) and algorithms.literal.lower() == "none"
    literal = algorithms.literal
    return isinstance(literal, (list, tuple)) and any(isinstance(a, str) and a.lower() == "none" for a in literal)
