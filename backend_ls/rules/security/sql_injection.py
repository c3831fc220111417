"""SEC003: SQL text built from values by string formatting, then run."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from backend_ls.facts.model import Assignment, Call, ModuleFacts, Value
from backend_ls.rules.base import Rule
from backend_ls.rules.security.sql_parameters import bind_parameters

TEXT_FUNCTIONS = frozenset(
    {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlmodel.text", "sqlalchemy.sql.elements.text"}
)
RAW_SQL = frozenset({"django.db.models.expressions.RawSQL", "django.db.models.RawSQL"})
# Method name -> the keyword that holds the SQL when it is not the first positional argument.
METHODS = {"execute": "statement", "executemany": "statement", "raw": "raw_query", "exec_driver_sql": "statement"}
EXTRA_KEYWORDS = ("where", "select", "tables", "order_by")
# The statement kinds, at the start of a text; and clauses, in upper case, anywhere in it.
SQL_START = re.compile(
    r"^\s*\(?\s*(select|insert|update|delete|with|replace|merge|create|drop|alter|truncate|call|exec|pragma|grant|revoke)\b",
    re.IGNORECASE,
)
SQL_CLAUSE = re.compile(r"\b(SELECT|FROM|WHERE|INSERT INTO|UPDATE|DELETE FROM|VALUES|SET|ORDER BY|GROUP BY|JOIN|LIMIT|AND|OR)\b")
# Functions whose result cannot carry SQL: numbers and truth values.
SAFE_CALLS = frozenset({"int", "float", "len", "bool", "round", "abs"})
# `", ".join(["%s"] * len(ids))`, `",".join("?" * len(ids))`: placeholders for an IN list.
PLACEHOLDER_TEXT = re.compile(r"^[\s,()%s?:$\d]*$")
STRING_LITERAL = re.compile(r"""(?<![\w])[rRbBuU]?(['"])(.*?)(?<!\\)\1""")
CONSTANT_NAME = re.compile(r"^_*[A-Z][A-Z0-9_]*$")
CONSTANT_ATTRIBUTES = frozenset({"__tablename__", "db_table", "table_name", "_meta"})


@dataclass(frozen=True)
class Sink:
    call: Call
    api: str  # "text", "execute", "executemany", "raw", "rawsql", "exec_driver_sql", "extra"
    argument: Value


class SqlInjection(Rule):
    code = "SEC003"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        seen = set()
        for sink in sinks(facts):
            built, assignment = built_string(facts, sink)
            if built is None or built.span in seen:
                continue
            unsafe = unsafe_parts(facts, built, sink.call.function)
            if not unsafe or not looks_like_sql(facts, built, sink):
                continue
            seen.add(built.span)
            names = ", ".join(f"`{part.text}`" for part in unsafe[:3])
            yield self.finding(
                built.span,
                f"SQL text is built from {names} by string formatting and passed to `{sink.call.name or sink.api}`, "
                "so crafted input can change the query; pass the values as bind parameters instead.",
                bind_parameters(context, sink, built, assignment, unsafe),
            )


def sinks(facts: ModuleFacts):
    """Calls that run (or wrap) SQL text, with the argument that holds it."""
    for call in facts.calls:
        if call.qualname in TEXT_FUNCTIONS:
            api = "text"
        elif call.qualname in RAW_SQL:
            api = "rawsql"
        elif call.name in METHODS:
            api = "execute" if call.name == "execute" else call.name
        elif call.name == "extra":
            for keyword in EXTRA_KEYWORDS:
                value = call.keyword(keyword)
                for entry in _entries(value) if value is not None else ():
                    yield Sink(call, "extra", entry)
            continue
        else:
            continue
        argument = call.args[0] if call.args else call.keyword(METHODS.get(call.name or "", "sql"))
        if argument is not None:
            yield Sink(call, api, argument)


def _entries(value: Value):
    if value.kind in ("list", "tuple"):
        yield from value.elements
    elif value.kind == "dict":
        yield from (entry for _, entry in value.items)
    else:
        yield value


def built_string(facts: ModuleFacts, sink: Sink) -> tuple[Value | None, Assignment | None]:
    """The string expression that reaches the sink: the argument itself, or the last assignment
    to the local variable it names, made before the call in the same function."""
    value = sink.argument
    if value.kind == "name":
        assignment = local_assignment(facts, value.text, sink.call)
        if assignment is None:
            return None, None
        return (assignment.value if is_built(assignment.value) else None), assignment
    return (value if is_built(value) else None), None


def local_assignment(facts: ModuleFacts, name: str, call: Call) -> Assignment | None:
    found = None
    for assignment in facts.assignments:
        if assignment.target == name and assignment.function == call.function and assignment.target_span.start < call.span.start:
            if found is None or assignment.target_span.start > found.target_span.start:
                found = assignment
    return found


def is_built(value: Value) -> bool:
    return value.kind in ("fstring", "binop") or (value.kind == "call" and bool(value.parts))


def unsafe_parts(facts: ModuleFacts, value: Value, function: str | None, depth: int = 0) -> list[Value]:
    """The interpolated values that are not literals or constants."""
    found: list[Value] = []
    for part in value.parts:
        if part.kind in ("fstring", "binop") and depth < 4:
            found.extend(unsafe_parts(facts, part, function, depth + 1))
        elif part.kind in ("tuple", "list") and part.literal is None:
            found.extend(element for element in part.elements if not is_constant(facts, element, function))
        elif part.kind == "dict":
            found.extend(entry for _, entry in part.items if not is_constant(facts, entry, function))
        elif not is_constant(facts, part, function):
            found.append(part)
    return found


def is_constant(facts: ModuleFacts, value: Value, function: str | None) -> bool:
    """A literal, a name bound only to literals (a module constant, a local, a loop over a literal
    list), an UPPER_CASE name or attribute, a number made by `int()`, or a list of placeholders."""
    if value.is_literal:
        return True
    if value.kind == "attribute":
        last = value.text.rsplit(".", 1)[-1]
        return bool(CONSTANT_NAME.match(last)) or last in CONSTANT_ATTRIBUTES or ("._meta." in value.text)
    if value.kind == "call":
        callee = value.text.split("(", 1)[0].strip()
        if callee in SAFE_CALLS:
            return True
        return ".join(" in value.text and _only_placeholders(value.text)
    if value.kind == "binop":
        return all(is_constant(facts, part, function) for part in value.parts) and bool(value.parts)
    if value.kind != "name":
        return False
    if CONSTANT_NAME.match(value.text):
        return True
    bound = [a.value for a in facts.assignments if a.target == value.text and a.function in (function, None)]
    for loop in facts.loops:
        if value.text in loop.targets and loop.function == function:
            bound.append(loop.iterable)
    if not bound:
        return False
    return all(_constant_binding(facts, binding, function) for binding in bound)


def _constant_binding(facts: ModuleFacts, value: Value, function: str | None) -> bool:
    if value.is_literal:
        return True
    if value.kind in ("list", "tuple"):
        return bool(value.elements) and all(element.is_literal for element in value.elements)
    if value.kind == "call":
        return is_constant(facts, value, function)
    return False


def _only_placeholders(text: str) -> bool:
    strings = [match.group(2) for match in STRING_LITERAL.finditer(text)]
    return bool(strings) and all(PLACEHOLDER_TEXT.match(string) for string in strings)


STRING_START = re.compile(r"^[rRbBfFuU]*('''|\"\"\"|'|\")")
FIELD = re.compile(r"\{[^{}]*\}")


def skeleton(facts: ModuleFacts, value: Value, function: str | None) -> str:
    """The literal text of a built string, with the values left out (a name bound to a string
    literal counts as its text: `base + " WHERE id = " + key`)."""
    if value.kind == "fstring":
        return FIELD.sub(" ", STRING_START.sub("", value.text))
    if value.kind == "call":
        base = value.text.split(".format(", 1)[0].strip()
        literal = _literal(base)
        if literal is None and base.isidentifier():
            literal = _string_bound(facts, base, function)
        return literal if isinstance(literal, str) else ""
    pieces = []
    for part in value.parts:
        if isinstance(part.literal, str):
            pieces.append(part.literal)
        elif part.kind in ("fstring", "binop"):
            pieces.append(skeleton(facts, part, function))
        elif part.kind == "name":
            pieces.append(_string_bound(facts, part.text, function) or " ")
        else:
            pieces.append(" ")
    return " ".join(pieces)


def _string_bound(facts: ModuleFacts, name: str, function: str | None) -> str | None:
    for assignment in facts.assignments:
        if assignment.target == name and assignment.function in (function, None) and isinstance(assignment.value.literal, str):
            return assignment.value.literal
    return None


def looks_like_sql(facts: ModuleFacts, value: Value, sink: Sink) -> bool:
    """SQL-only APIs always take SQL; `execute` and `raw` take it when the text reads like a statement."""
    if sink.api in ("text", "rawsql", "extra", "exec_driver_sql"):
        return True
    text = skeleton(facts, value, sink.call.function)
    return bool(SQL_START.match(text) or len(SQL_CLAUSE.findall(text)) >= 2)


def _literal(text: str):
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
