"""Name resolution: what a name or dotted expression refers to, through imports and bindings.

A qualified name is the import path of the thing a name refers to ("flask.Flask"). An instance
created by calling something gets "()" appended, so after `app = Flask(__name__)` the expression
`app.route` resolves to "flask.Flask().route" and every adapter can ask plain string questions.
"""

from __future__ import annotations

from functools import lru_cache

from parso.python import tree

# Names a framework exports from more than one module; the adapters only know the short form.
CANONICAL = {
    "flask.app.Flask": "flask.Flask",
    "flask.blueprints.Blueprint": "flask.Blueprint",
    "fastapi.applications.FastAPI": "fastapi.FastAPI",
    "fastapi.routing.APIRouter": "fastapi.APIRouter",
    "starlette.applications.Starlette": "fastapi.FastAPI",
    "flask_sqlalchemy.SQLAlchemy": "flask_sqlalchemy.SQLAlchemy",
    "requests.sessions.Session": "requests.Session",
    "requests.session": "requests.Session",
}


# The first segments of the names above: most qualified names start with none of them.
_CANONICAL_HEADS = tuple(sorted({long.split(".", 1)[0] + "." for long in CANONICAL}))


@lru_cache(maxsize=4096)  # a module resolves the same few names over and over
def canonical(qualname: str) -> str:
    if not qualname.startswith(_CANONICAL_HEADS):
        return qualname
    for long, short in CANONICAL.items():
        if qualname == long or qualname.startswith(long + "."):
            return short + qualname[len(long):]
        if qualname.startswith(long + "()"):
            return short + qualname[len(long):]
    return qualname


def imports_of(module: tree.Module) -> dict[str, str]:
    """Local name -> qualified name for every import in the module (at any depth)."""
    table: dict[str, str] = {}
    for node in module.iter_imports():
        table.update(bindings_of_import(node))
    return table


def bindings_of_import(node) -> dict[str, str]:
    table: dict[str, str] = {}
    if node.type == "import_name":
        for path, alias in node._dotted_as_names():
            dotted = ".".join(name.value for name in path)
            if alias is None:
                table[path[0].value] = path[0].value
            else:
                table[alias.value] = dotted
    elif node.type == "import_from":
        base = "." * node.level + ".".join(name.value for name in node.get_from_names())
        for name, alias in node._as_name_tuples():
            local = (alias or name).value
            if name.value == "*":
                continue
            table[local] = f"{base}.{name.value}" if not base.endswith(".") else base + name.value
    return table


def trailers_of(node) -> tuple[object, list]:
    """Split `a.b(c)[d]` into its base atom and its trailers."""
    if node.type in ("power", "atom_expr"):
        base = None
        trailers = []
        for child in node.children:
            if child.type == "keyword" and child.value == "await":
                continue
            if base is None:
                base = child
            elif child.type != "trailer":  # `x ** y`, or error recovery mid-keystroke
                break
            else:
                trailers.append(child)
        if base is None:
            raise IndexError("list index out of range")  # what indexing no children at all raised
        return base, trailers
    return node, []


def dotted_text(node) -> str | None:
    """`a.b.c` as written, or None if the expression is not a plain dotted name."""
    base, trailers = trailers_of(node)
    if base.type != "name":
        return None
    parts = [base.value]
    for trailer in trailers:
        if trailer.children[0] == "." and trailer.children[1].type == "name":
            parts.append(trailer.children[1].value)
        else:
            return None
    return ".".join(parts)


class Scope:
    """The names visible at a point: module bindings, then those of the enclosing functions."""

    def __init__(self, names: dict[str, str], parent: "Scope | None" = None):
        self.names = names
        self.parent = parent
        self.imports: dict[str, str] = parent.imports if parent is not None else {}

    def signature(self) -> tuple:
        """What the names resolve to, as a hashable value: facts computed under one signature hold
        under any scope with the same one."""
        return tuple(sorted((name, qualname or "") for name, qualname in self.names.items()))

    def lookup(self, name: str) -> str | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def child(self) -> "Scope":
        return Scope({}, self)

    def resolve(self, node) -> str | None:
        """The qualified name of an expression made of a name, attributes and calls."""
        base, trailers = trailers_of(node)
        return self.resolve_parts(base, trailers)

    def resolve_parts(self, base, trailers) -> str | None:
        """`resolve` of an expression already split by `trailers_of`."""
        if base.type != "name":
            return None
        qualname = self.lookup(base.value)
        if qualname is None:
            return None
        for trailer in trailers:
            first = trailer.children[0].value  # a trailer opens with its operator
            if first == ".":
                qualname += "." + trailer.children[1].value
            elif first == "(":
                qualname += "()"
            else:
                qualname += "[]"
        return canonical(qualname)

    def bind_assignment(self, stmt) -> None:
        """Record `name = expr` when expr resolves, so later uses of the name resolve too."""
        children = stmt.children
        if len(children) < 3 or not (children[1].type == "operator" and children[1].value == "="):
            return
        target, value = children[0], children[-1]
        if target.type != "name":
            return
        qualname = self.resolve(value)
        if qualname is not None:
            self.names[target.value] = qualname
        else:
            self.names.pop(target.value, None)

    def bind_with(self, with_stmt) -> None:
        for item in with_stmt.children[1:-2]:
            if item.type == "with_item" and item.children[2].type == "name":
                qualname = self.resolve(item.children[0])
                if qualname is not None:
                    self.names[item.children[2].value] = qualname


class Arguments:
    """The arguments of a call trailer `( ... )`, as parso nodes."""

    def __init__(self, trailer):
        self.positional: list = []  # in order; a generator argument (`f(x for x in y)`) included
        self.generators: list = []  # the generator arguments alone
        self.keywords: dict = {}  # name -> value node
        self.star: list = []  # the expressions after `*`
        self.double_star: list = []  # the expressions after `**`
        self.odd: list = []  # `name = value` items whose name is no name (mid-keystroke `f(a.b = 1)`)
        if len(trailer.children) < 3:
            return
        inner = trailer.children[1]
        for item in inner.children if inner.type == "arglist" else [inner]:
            # Operators compared by their text: `leaf == ","` is a Python call into parso each time.
            if item.type != "argument":
                if not (item.type == "operator" and item.value == ","):
                    self.positional.append(item)
                continue
            first = item.children[0]
            star = first.value if first.type == "operator" else None
            if star == "*":
                self.star.append(item.children[1])
            elif star == "**":
                self.double_star.append(item.children[1])
            elif len(item.children) >= 3 and item.children[1].type == "operator" and item.children[1].value == "=":
                if first.type == "name":
                    self.keywords[first.value] = item.children[2]
                else:
                    self.odd.append(item)
            else:
                self.positional.append(item)
                self.generators.append(item)
