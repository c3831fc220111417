"""API004: a handler fetches one record and uses it without handling "not found"."""

from __future__ import annotations

from backend_ls.facts.records import RecordFetch
from backend_ls.fixes import add_import, insert, replace
from backend_ls.positions import Span
from backend_ls.rules.base import Applicability, Fix, Rule

FLASK_SQLALCHEMY_SESSION_GET = "flask_sqlalchemy.SQLAlchemy().session.get"
HTTP_EXCEPTIONS = ("fastapi.HTTPException", "starlette.exceptions.HTTPException")
OR_404 = {"query.get": "get_or_404", "first": "first_or_404"}


class MissingNotFound(Rule):
    code = "API004"
    scope = "statement"

    def check(self, context):
        handlers = context.handlers()
        for fetch in context.facts.fetches:
            routes = handlers.get(fetch.function or "")
            if not routes:
                continue
            if fetch.kind == "django.get":
                if fetch.checked:
                    continue
                message = (
                    f"`{fetch.receiver}.get` raises DoesNotExist when nothing matches, which becomes a 500; "
                    "use `get_object_or_404` or catch the exception."
                )
            else:
                if fetch.checked or not fetch.used:
                    continue
                subject = f"`{fetch.variable}`" if fetch.variable else "The fetched record"
                message = f"{subject} is None when no record matches but is used unchecked; respond with 404 when it is missing."
            yield self.finding(fetch.span, message, _fix(fetch, routes[0].framework, context))


def _fix(fetch: RecordFetch, framework: str, context) -> Fix | None:
    if fetch.kind == "django.get":
        return _django_fix(fetch, context)
    if framework == "flask":
        return _flask_fix(fetch)
    if framework == "fastapi":
        return _fastapi_fix(fetch, context)
    return None


def _flask_fix(fetch: RecordFetch) -> Fix | None:
    # `Model.query` is Flask-SQLAlchemy's query property, whose queries have the `_or_404` forms.
    if fetch.kind in OR_404 and fetch.query_property:
        method = OR_404[fetch.kind]
        return Fix(f"Use `{method}`", Applicability.SAFE, (replace(fetch.method_span, method),))
    if fetch.kind == "session.get" and fetch.call.qualname == FLASK_SQLALCHEMY_SESSION_GET:
        extension, _, session = fetch.receiver.rpartition(".")
        if extension and session == "session":
            callee = f"{extension}.get_or_404"
            return Fix(f"Use `{callee}`", Applicability.SAFE, (replace(fetch.callee_span, callee),))
    return None


def _django_fix(fetch: RecordFetch, context) -> Fix | None:
    bound = context.facts.imports.get("get_object_or_404")
    if fetch.model is None or bound not in (None, "django.shortcuts.get_object_or_404"):
        return None
    has_arguments = bool(fetch.call.args or fetch.call.keywords or fetch.call.star_args or fetch.call.star_kwargs)
    opening = f"get_object_or_404({fetch.model}" + (", " if has_arguments else "")
    edits = [replace(Span(fetch.span.start, fetch.arguments_start), opening)]
    edit = add_import(
        context.facts, "from django.shortcuts import get_object_or_404", "get_object_or_404",
        "django.shortcuts.get_object_or_404",
    )
    if edit is not None:
        edits.insert(0, edit)
    return Fix("Use `get_object_or_404`", Applicability.SAFE, tuple(edits))


def _fastapi_fix(fetch: RecordFetch, context) -> Fix | None:
    if fetch.variable is None or fetch.insert_after is None or fetch.indent is None:
        return None
    bound = context.facts.imports.get("HTTPException")
    if bound is not None and bound not in HTTP_EXCEPTIONS:
        return None  # the name means something else here
    line = context.lines[fetch.insert_after[0] - 1] if fetch.insert_after[0] <= len(context.lines) else ""
    newline = "\r\n" if line.endswith("\r\n") else "\n"
    step = "\t" if "\t" in fetch.indent else "    "
    check = (
        f"{newline}{fetch.indent}if {fetch.variable} is None:"
        f"{newline}{fetch.indent}{step}raise HTTPException(status_code=404)"
    )
    edits = [insert(fetch.insert_after, check)]
    if bound is None:
        edit = add_import(context.facts, "from fastapi import HTTPException", "HTTPException", "fastapi.HTTPException")
        if edit is not None:
            edits.insert(0, edit)
    return Fix(f"Raise 404 when `{fetch.variable}` is None", Applicability.SAFE, tuple(edits))
