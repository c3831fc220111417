"""API008: an id-like path parameter that any text can fill: no converter in the path string (Flask,
Django, Starlette), no annotation on the handler's parameter (FastAPI)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend_ls.facts.model import Function, ModuleFacts, Parameter
from backend_ls.fixes import add_import, insert, replace
from backend_ls.positions import Span
from backend_ls.rules.api.path_style import literal_edit
from backend_ls.rules.api.verb_in_path import path_strings
from backend_ls.rules.base import Applicability, Fix, Rule
from backend_ls.statement_checks import whole_module

# `<id>`, `<int:id>`, `<int(signed=True):id>` (Flask, Django `path()`); a regex group `(?P<id>...)`
# of a Django `re_path` is typed by its pattern and is not one of these.
ANGLE = re.compile(r"(?<!\?P)<(?:(?P<converter>[A-Za-z_]\w*(?:\([^)>]*\))?):)?(?P<name>[A-Za-z_]\w*)>")
# `{id}`, `{id:int}` (FastAPI, Starlette)
CURLY = re.compile(r"\{(?P<name>[A-Za-z_]\w*)(?::(?P<converter>\w+))?\}")
ID_LIKE = re.compile(r"^(?:id|pk|uuid|\w+_id|\w+_uuid|\w*[a-z0-9]Id)$")
ANGLE_FRAMEWORKS = frozenset({"flask", "django", "drf"})


def is_id_like(name: str) -> bool:
    return ID_LIKE.match(name) is not None


def is_uuid_like(name: str) -> bool:
    return name == "uuid" or name.endswith("_uuid")


@dataclass(frozen=True)
class Untyped:
    name: str
    start: int  # of the placeholder in the string's value
    end: int
    typed: str  # the placeholder with its converter


def untyped_in(text: str, curly: bool) -> list[Untyped]:
    """The id-like parameters of a path string that have no converter."""
    found = []
    for match in (CURLY if curly else ANGLE).finditer(text):
        name = match.group("name")
        if match.group("converter") is None and is_id_like(name):
            converter = "uuid" if is_uuid_like(name) else "int"
            typed = f"{{{name}:{converter}}}" if curly else f"<{converter}:{name}>"
            found.append(Untyped(name, match.start(), match.end(), typed))
    return found


def parameter_names(text: str) -> set[str]:
    """The `{name}` placeholders of a FastAPI path; one with a Starlette converter (`{p:path}`) is typed."""
    return {match.group("name") for match in CURLY.finditer(text) if match.group("converter") is None}


class UntypedPathParam(Rule):
    code = "API008"

    def inputs(self, context):
        # The path strings, and what the FastAPI half reads: the handlers' signatures and the
        # names its fix must not shadow.
        facts = context.facts
        handlers = tuple(facts.functions.get(route.handler) for route in context.routes)
        return (
            context.route_inputs(), handlers, facts.imports, facts.import_end_line, facts.classes,
            context.assignments_outside_functions,
        )

    def check(self, context):
        yield from self.path_strings(context)
        yield from self.fastapi_parameters(context)

    def path_strings(self, context):
        for string in path_strings(context):
            frameworks = string.frameworks
            if frameworks <= ANGLE_FRAMEWORKS:
                curly = False
            elif frameworks == {"starlette"}:
                curly = True
            else:
                continue  # FastAPI parameters are typed on the handler; mixed owners cannot happen
            found = untyped_in(string.part.text or "", curly)
            if not found:
                continue
            first = found[0]
            placeholder = string.part.text[first.start : first.end]  # type: ignore[index]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            yield self.finding(
                string.part.span,
                f"The path parameter `{placeholder}`{more} has no converter, so any text reaches the view as a "
                f"string; give it one, such as `{first.typed}`.",
                _converter_fix(string.part, found, context.lines),
            )

    def fastapi_parameters(self, context):
        seen: set[Span] = set()
        for route in context.routes:
            if route.framework != "fastapi":
                continue
            function = context.facts.functions.get(route.handler)
            if function is None:
                continue
            names = set().union(*(parameter_names(part.text) for part in route.parts if part.text))
            for parameter in function.parameters:
                if parameter.name not in names or parameter.annotation is not None or not is_id_like(parameter.name):
                    continue
                if parameter.span in seen:
                    continue
                seen.add(parameter.span)
                annotation = _annotation(context.facts, parameter.name)
                yield self.finding(
                    parameter.span,
                    f"The path parameter `{parameter.name}` has no type annotation, so FastAPI hands it over as an "
                    f"unchecked string; annotate it, such as `{parameter.name}: {annotation[0] if annotation else 'UUID'}`.",
                    _annotation_fix(context, function, parameter, annotation),
                )


def _converter_fix(part, found: list[Untyped], lines: list[str]) -> Fix | None:
    edits = []
    for untyped in found:
        edit = literal_edit(part, untyped.start, untyped.end, untyped.typed, lines)
        if edit is None:
            return None
        edits.append(edit)
    title = f"Write `{found[0].typed}`" if len(found) == 1 else "Give the id parameters converters"
    return Fix(title, Applicability.SAFE, tuple(edits))


def _annotation(facts: ModuleFacts, name: str) -> tuple[str, tuple[str, str, str] | None] | None:
    """The annotation to write and the import it needs (statement, binds, qualname); None when
    `UUID` cannot be named here without shadowing something."""
    if not is_uuid_like(name):
        return "int", None
    for local, qualname in sorted(facts.imports.items()):
        if qualname == "uuid.UUID":
            return local, None
    for local, qualname in sorted(facts.imports.items()):
        if qualname == "uuid":
            return f"{local}.UUID", None
    module_names = {a.target for a in whole_module(facts).assignments if a.function is None and a.class_name is None}
    if "UUID" in facts.imports or "UUID" in facts.classes or "UUID" in facts.functions or "UUID" in module_names:
        return None  # `UUID` means something else here (SQLAlchemy's column type, often)
    return "UUID", ("from uuid import UUID", "UUID", "uuid.UUID")


def _annotation_fix(context, function: Function, parameter: Parameter, annotation) -> Fix | None:
    if annotation is None:
        return None
    text, needs = annotation
    if parameter.default is None:
        edits = [insert(parameter.span.end, f": {text}")]
    else:
        # `item_id=Path(...)` -> `item_id: int = Path(...)`, spaced as PEP 8 asks for annotated defaults.
        between = Span(parameter.span.end, parameter.default.span.start)
        line = between.start[0]
        if line != between.end[0] or line > len(context.lines):
            return None
        if context.lines[line - 1][between.start[1] : between.end[1]].strip() != "=":
            return None
        edits = [replace(between, f": {text} = ")]
    if needs is not None:
        statement, binds, qualname = needs
        added = add_import(context.facts, statement, binds, qualname)
        if added is not None:
            edits.append(added)
    return Fix(f"Annotate `{parameter.name}: {text}`", Applicability.SAFE, tuple(edits))
