"""SEC003's fix: turn SQL built by formatting into SQL with bind parameters, per API.

- SQLAlchemy `text()`: named parameters (`:user_id`) and `.bindparams(user_id=user_id)` chained
  on the `text(...)` call, which works wherever the statement is executed afterwards.
- DB-API `cursor.execute` (the receiver is named like a cursor, or a sqlite3 connection): `%s`
  placeholders (`?` in a module that uses sqlite3) and a tuple of the values as the second
  argument; a literal `%` is doubled for the `%s` style.
- Django `Model.objects.raw` (`%s` and a list) and `RawSQL` (`%s` and a tuple).
- None for `executemany`, `exec_driver_sql`, `QuerySet.extra` and a SQLAlchemy `execute` of a
  plain string: their parameter style is not known, or the values belong to each row.

Only values that are plain names become parameters, and only when the text is one string token
(an f-string, a string `+` names, a string `%` names, a string `.format(` names)`). A placeholder
written inside quotes (`'{name}'`) loses them; one inside a longer quoted text (`'%{term}%'`)
cannot be a parameter, so there is no fix. When the string sits in a local variable, the
variable must reach no other call, since both the text and the call change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend_ls.facts.model import Assignment, Value
from backend_ls.fixes import insert, insert_keyword_argument, replace
from backend_ls.positions import Span
from backend_ls.rules.base import Applicability, Fix

TOKEN = re.compile(r"^(?P<prefix>[rRuU]?)(?P<quote>'''|\"\"\"|'|\")(?P<body>.*)(?P=quote)$", re.DOTALL)
F_TOKEN = re.compile(r"^(?P<prefix>[rR]?[fF][rR]?)(?P<quote>'''|\"\"\"|'|\")(?P<body>.*)(?P=quote)$", re.DOTALL)
PERCENT_FIELD = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdirfgeEGxXoc%]")
CURSOR_WORDS = ("cursor", "cur", "curs", "c")
SQLITE_MODULES = ("sqlite3", "aiosqlite")


@dataclass(frozen=True)
class Template:
    """SQL source pieces (as written inside the quotes) and the names between them."""

    prefix: str  # the string prefix kept ("r" of an `rf"..."`)
    quote: str
    pieces: tuple[str, ...]  # one more than `names`
    names: tuple[str, ...]
    percent_style: bool  # the pieces come from a `%`-formatted string: `%%` is already a literal %


def bind_parameters(context, sink, built: Value, assignment: Assignment | None, unsafe: list[Value]) -> Fix | None:
    style = _style(context.facts, sink)
    if style is None:
        return None
    template = _template(context.lines, built)
    if template is None or not template.names or set(template.names) != {part.text for part in unsafe}:
        return None  # a constant (a table name) cannot be a parameter: keep the text as it is
    sql = _render(template, style)
    if sql is None:
        return None
    call = sink.call
    if assignment is not None and _other_uses(context.facts, assignment, call):
        return None
    names = list(dict.fromkeys(template.names))
    edits = [replace(built.span, sql)]
    if style == "named":
        bound = ", ".join(f"{name}={name}" for name in names)
        line, column = call.close_paren
        edits.append(insert((line, column + 1), f".bindparams({bound})"))
        title = "Bind the values as named parameters"
    else:
        if len(call.args) != 1 or call.keywords or call.star_args or call.star_kwargs:
            return None
        if sink.api == "raw":
            params = "[" + ", ".join(names) + "]"
        else:
            params = "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"
        edits.append(insert_keyword_argument(call, context.lines, params))
        title = "Pass the values as query parameters"
    return Fix(title, Applicability.UNSAFE, tuple(edits))


def _style(facts, sink) -> str | None:
    """"named" (:name), "format" (%s) or "qmark" (?) for the API, or None for no fix."""
    if sink.api == "text":
        return "named"
    if sink.api in ("raw", "rawsql"):
        return "format"
    if sink.api != "execute":
        return None
    sqlite = any(q.split(".", 1)[0] in SQLITE_MODULES for q in facts.imports.values())
    chain = sink.call.chain
    receiver = chain[-2].removesuffix("()") if len(chain) >= 2 else ""
    receiver_words = re.split(r"[^a-z0-9]+", receiver.lower())
    if any(word in CURSOR_WORDS for word in receiver_words) or any(w.startswith("cursor") for w in receiver_words):
        return "qmark" if sqlite else "format"
    if sqlite and any(word in ("conn", "connection", "db", "con") for word in receiver_words):
        return "qmark"
    return None


def _template(lines: list[str], value: Value) -> Template | None:
    if value.kind == "fstring":
        return _fstring(value)
    if value.kind == "binop":
        return _binop(lines, value)
    if value.kind == "call" and value.parts:
        return _format_call(value)
    return None


def _fstring(value: Value) -> Template | None:
    match = F_TOKEN.match(value.text)
    if match is None or not all(part.kind == "name" for part in value.parts):
        return None
    body, quote = match.group("body"), match.group("quote")
    if quote in body if len(quote) == 3 else _unescaped(body, quote):
        return None  # implicit concatenation of several strings
    prefix = match.group("prefix").replace("f", "").replace("F", "")
    pieces, names, current, index = [], [], [], 0
    while index < len(body):
        character = body[index]
        if body.startswith("{{", index) or body.startswith("}}", index):
            current.append(character)
            index += 2
        elif character == "{":
            end = body.find("}", index)
            if end < 0:
                return None
            field = body[index + 1:end].strip()
            if not field.isidentifier():
                return None  # a conversion, a format spec or an expression
            pieces.append("".join(current))
            names.append(field)
            current = []
            index = end + 1
        else:
            current.append(character)
            index += 1
    pieces.append("".join(current))
    return Template(prefix, quote, tuple(pieces), tuple(names), False)


def _binop(lines: list[str], value: Value) -> Template | None:
    parts = value.parts
    operator = _between(lines, parts[0].span, parts[1].span) if len(parts) > 1 else ""
    if "%" in operator and len(parts) == 2:
        return _percent(parts[0], parts[1])
    if "+" not in operator:
        return None
    pieces, names, current = [], [], []
    quote = None
    for part in parts:
        if part.kind == "str" and isinstance(part.literal, str):
            token = TOKEN.match(part.text)
            if token is None:
                return None
            quote = quote or token.group("quote")
            current.append(_escape(part.literal, quote))
        elif part.kind == "name":
            pieces.append("".join(current))
            names.append(part.text)
            current = []
        else:
            return None
    pieces.append("".join(current))
    return Template("", quote or '"', tuple(pieces), tuple(names), False)


def _percent(left: Value, right: Value) -> Template | None:
    token = TOKEN.match(left.text)
    if left.kind != "str" or token is None:
        return None
    values = right.elements if right.kind == "tuple" else (right,)
    if not values or not all(v.kind == "name" for v in values):
        return None
    body = token.group("body")
    pieces, names, last = [], [], 0
    fields = [m for m in PERCENT_FIELD.finditer(body) if m.group(0) != "%%"]
    if len(fields) != len(values) or any(m.group(1) for m in fields):
        return None
    for field, name in zip(fields, values):
        pieces.append(body[last:field.start()])
        names.append(name.text)
        last = field.end()
    pieces.append(body[last:])
    return Template(token.group("prefix"), token.group("quote"), tuple(pieces), tuple(names), True)


def _format_call(value: Value) -> Template | None:
    base, _, arguments = value.text.partition(".format(")
    token = TOKEN.match(base.strip())
    if token is None or "=" in arguments or not all(part.kind == "name" for part in value.parts):
        return None
    body = token.group("body")
    pieces, names, last, automatic = [], [], 0, 0
    for field in re.finditer(r"\{\{|\}\}|\{(\d*)\}", body):
        if field.group(0) in ("{{", "}}"):
            continue
        position = int(field.group(1)) if field.group(1) else automatic
        automatic += 1
        if position >= len(value.parts):
            return None
        pieces.append(body[last:field.start()].replace("{{", "{").replace("}}", "}"))
        names.append(value.parts[position].text)
        last = field.end()
    if "{" in body[last:].replace("{{", "").replace("}}", ""):
        return None
    pieces.append(body[last:].replace("{{", "{").replace("}}", "}"))
    return Template(token.group("prefix"), token.group("quote"), tuple(pieces), tuple(names), False)


def _render(template: Template, style: str) -> str | None:
    marks = {"named": None, "format": "%s", "qmark": "?"}
    pieces = list(template.pieces)
    if style == "named" and any(re.search(r"(?<![\w:]):\w|::", piece) for piece in pieces):
        return None  # the text has colons SQLAlchemy would take for parameters
    for index in range(len(pieces)):
        if template.percent_style and style != "format":
            pieces[index] = pieces[index].replace("%%", "%")
        elif not template.percent_style and style == "format":
            pieces[index] = pieces[index].replace("%", "%%")
    out = [pieces[0]]
    for index, name in enumerate(template.names):
        before, after = out[-1], pieces[index + 1]
        sql_so_far = "".join(out)
        if _quotes(sql_so_far) % 2 == 1:  # inside a quoted SQL text
            if not (before.endswith("'") and after.startswith("'")):
                return None
            out[-1] = before[:-1]
            after = after[1:]
        if not _value_position("".join(out)):
            return None  # a table or column name, or a whole condition: no parameter can stand there
        out.append(f":{name}" if style == "named" else marks[style])  # type: ignore[arg-type]
        out.append(after)
    return f"{template.prefix}{template.quote}{''.join(out)}{template.quote}"


# What a value (not a name or a clause) follows: a comparison, arithmetic, LIKE, LIMIT, THEN...
VALUE_BEFORE = re.compile(
    r"(=|<|>|\+|-|\*|/|\|\||\bLIKE|\bILIKE|\bLIMIT|\bOFFSET|\bBETWEEN|\bTHEN|\bELSE|\bDEFAULT)$"
)
LIST_BEFORE = re.compile(r"(\bVALUES|\bIN|=|,|\bSET)$")


def _value_position(before: str) -> bool:
    text = before.rstrip().upper()
    if VALUE_BEFORE.search(text):
        return True
    if text.endswith(("(", ",")):  # inside `VALUES (...)` or `IN (...)`
        depth, index = 0, len(text) - 1
        while index >= 0:
            if text[index] == ")":
                depth += 1
            elif text[index] == "(":
                if depth == 0:
                    return bool(LIST_BEFORE.search(text[:index].rstrip()))
                depth -= 1
            index -= 1
    return False


def _quotes(sql: str) -> int:
    return len(re.findall(r"(?<!\\)'", sql)) if "'" in sql else 0


def _escape(text: str, quote: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return escaped.replace(quote[0], "\\" + quote[0]) if len(quote) == 1 else escaped


def _unescaped(body: str, quote: str) -> bool:
    index = body.find(quote)
    while index >= 0:
        backslashes = len(body[:index]) - len(body[:index].rstrip("\\"))
        if backslashes % 2 == 0:
            return True
        index = body.find(quote, index + 1)
    return False


def _between(lines: list[str], first: Span, second: Span) -> str:
    (line, column), (end_line, end_column) = first.end, second.start
    if line == end_line:
        return lines[line - 1][column:end_column]
    return lines[line - 1][column:] + "".join(lines[line:end_line - 1]) + lines[end_line - 1][:end_column]


def _other_uses(facts, assignment: Assignment, sink_call) -> bool:
    """The variable also reaches another call of the function (logged, run twice...)."""
    for call in facts.calls:
        if call is sink_call or call.function != assignment.function or call.span == sink_call.span:
            continue
        values = (*call.args, *(v for _, v in call.keywords))
        if any(v.kind == "name" and v.text == assignment.target for v in values):
            if call.span.start > assignment.target_span.start:
                return True
    return False
