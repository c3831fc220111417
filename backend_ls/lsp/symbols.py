"""Routes and models as LSP symbols: `GET /api/v1/users/{id}` in workspace and document symbols."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from backend_ls.facts.model import Route
from backend_ls.lsp.diagnostics import lsp_range
from backend_ls.positions import Span, to_lsp_range


def route_label(route: Route) -> str:
    methods = "|".join(route.methods) if route.methods else "ANY"
    return f"{methods} {route.path if route.path is not None else '<dynamic path>'}"


def _range(lines, span: Span, encoding: str) -> types.Range:
    return lsp_range(to_lsp_range(lines, span, encoding))


def document_symbols(routes: list[Route], models, lines: list[str], encoding: str) -> list[types.DocumentSymbol]:
    symbols = []
    for route in routes:
        where = _range(lines, route.anchor, encoding)
        symbols.append(
            types.DocumentSymbol(
                name=route_label(route),
                detail=route.handler,
                kind=types.SymbolKind.Method,
                range=where,
                selection_range=where,
            )
        )
    for model in models:
        where = _range(lines, model.name_span, encoding)
        children = [
            types.DocumentSymbol(
                name=column.name,
                detail=getattr(column, "type_name", None) or "",
                kind=types.SymbolKind.Field,
                range=_range(lines, column.name_span, encoding),
                selection_range=_range(lines, column.name_span, encoding),
            )
            for column in getattr(model, "columns", ())
        ]
        symbols.append(
            types.DocumentSymbol(
                name=model.name,
                detail=f"{model.orm} model",
                kind=types.SymbolKind.Class,
                range=where,
                selection_range=where,
                children=children or None,
            )
        )
    return symbols


def matches(query: str, label: str, handler: str) -> bool:
    """Every word of the query appears in the label or the handler (case-insensitive)."""
    haystack = f"{label} {handler}".lower()
    return all(word in haystack for word in query.lower().split())


def workspace_symbols(entries, query: str, encoding: str, limit: int = 500) -> list[types.SymbolInformation]:
    """`entries`: (path, route) pairs, and (path, model) pairs with kind "model"."""
    results = []
    lines_of: dict[str, list[str]] = {}
    for path, item, kind in entries:
        if kind == "route":
            label, detail, symbol_kind, span = route_label(item), item.handler, types.SymbolKind.Method, item.anchor
        else:
            label, detail, symbol_kind, span = item.name, f"{item.orm} model", types.SymbolKind.Class, item.name_span
        if not matches(query, label, detail):
            continue
        if path not in lines_of:
            try:
                lines_of[path] = Path(path).read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
            except OSError:
                lines_of[path] = []
        results.append(
            types.SymbolInformation(
                name=label,
                kind=symbol_kind,
                location=types.Location(uri=from_fs_path(path) or path, range=_range(lines_of[path], span, encoding)),
                container_name=detail,
            )
        )
        if len(results) >= limit:
            break
    return results
