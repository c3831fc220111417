"""SEC008: the details of a caught exception sent to the client."""

from __future__ import annotations

from backend_ls.facts.exceptions import ExceptBlock, ExceptionUse
from backend_ls.facts.model import ModuleFacts, Value
from backend_ls.facts.responses import handler_routes, is_sent
from backend_ls.fixes import insert, replace
from backend_ls.rules.base import Applicability, Fix, Rule
from backend_ls.statement_checks import whole_module

GENERIC_MESSAGE = '"Internal server error"'
# Calls whose arguments become the body of an error response: FastAPI / Starlette / Werkzeug
# HTTP exceptions, Flask's abort, DRF's API exceptions.
ERROR_RESPONSES = frozenset(
    {"fastapi.HTTPException", "fastapi.exceptions.HTTPException", "starlette.exceptions.HTTPException",
     "flask.abort", "werkzeug.exceptions.abort"}
)
ERROR_RESPONSE_MODULES = ("rest_framework.exceptions.", "werkzeug.exceptions.")
# Exceptions whose message is written for the client: validation errors and HTTP errors raised on
# purpose. Showing their text is what they are for.
PUBLIC_EXCEPTIONS = frozenset(
    {"HTTPException", "Http404", "PermissionDenied", "SuspiciousOperation", "BadRequest"}
)
PUBLIC_MODULES = ("rest_framework.exceptions.", "werkzeug.exceptions.")
LOGGER_NAMES = ("logger", "log", "LOGGER", "LOG", "_logger", "_log")


class ExceptionLeak(Rule):
    code = "SEC008"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        handlers = handler_routes(facts, context.routes)
        reported = set()
        for block in facts.except_blocks:
            if _public(block):
                continue
            for use in block.uses:
                if use.span in reported or not _sent(use, block, facts, handlers):
                    continue
                reported.add(use.span)
                yield self.finding(
                    use.span,
                    f"`{_short(use.text)}` puts the details of a caught exception into the response, "
                    "showing clients your internals; answer a generic message and log the exception.",
                    _fix(use, block, facts),
                )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _public(block: ExceptBlock) -> bool:
    """Every class the block catches is one whose message is meant for clients."""
    if not block.caught:
        return False
    return all(_public_class(value) for value in block.caught)


def _public_class(value: Value) -> bool:
    name = value.text.rsplit(".", 1)[-1]
    qualname = value.qualname or ""
    return name.endswith("ValidationError") or name in PUBLIC_EXCEPTIONS or qualname.startswith(PUBLIC_MODULES)


def _sent(use: ExceptionUse, block: ExceptBlock, facts: ModuleFacts, handlers) -> bool:
    function = block.function
    for call in facts.calls_in(function):
        if not _contains(call.span, use.span):
            continue
        if call.qualname in ERROR_RESPONSES or (
            call.qualname and call.qualname.startswith(ERROR_RESPONSE_MODULES) and call.qualname[:1] != "."
        ):
            return True
    for response in facts.responses:
        if response.function != function or not is_sent(response, handlers):
            continue
        if _contains(response.value.span, use.span):
            return True
        # `message = str(e)` ... `return jsonify(error=message)`
        if use.assigned_to and use.assigned_to in response.names and response.span.start > use.span.end:
            return True
    return False


def _contains(outer, inner) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _fix(use: ExceptionUse, block: ExceptBlock, facts: ModuleFacts) -> Fix | None:
    """The generic message in place of the details; the exception logged with its traceback
    before the statement, unless the block logs it already."""
    edits = [replace(use.span, GENERIC_MESSAGE)]
    if not block.logs:
        # At the top of the block, so the fixes of two leaks in one block log it once.
        if block.body_line is None or block.body_indent is None:
            return None
        logger = _logger(facts)
        if logger is None:
            return None
        name, import_edit = logger
        what = (block.function or "request").rsplit(".", 1)[-1]
        # An error handler runs outside the `except` of the failure: name the exception to log.
        extra = f", exc_info={block.name}" if block.handler and block.name else ""
        edits.insert(0, insert((block.body_line, 0), f'{block.body_indent}{name}.exception("{what} failed"{extra})\n'))
        if import_edit is not None:
            edits.insert(0, import_edit)
    return Fix("Answer a generic message and log the exception", Applicability.UNSAFE, tuple(edits))


def _logger(facts: ModuleFacts):
    """A module-level logger (`logger = logging.getLogger(__name__)`), else the `logging` module
    itself, imported if need be; None when the name `logging` means something else here."""
    loggers = [
        a.target for a in whole_module(facts).assignments
        if a.function is None and a.class_name is None and a.value.qualname == "logging.getLogger()"
    ]
    for preferred in LOGGER_NAMES:
        if preferred in loggers:
            return preferred, None
    if loggers:
        return loggers[0], None
    for local, qualname in sorted(facts.imports.items()):
        if qualname == "logging":
            return local, None
    if "logging" in facts.imports or any(a.target == "logging" for a in facts.assignments):
        return None
    return "logging", insert((facts.import_end_line + 1, 0), "import logging\n")
