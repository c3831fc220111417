"""Code actions built from the `data` of the published diagnostics: nothing is analysed again here."""

from __future__ import annotations

from lsprotocol import types

from backend_ls.lsp.diagnostics import lsp_range

FIX_ALL_KIND = "source.fixAll.backend-ls"


def _edits(items: list[dict]) -> list[types.TextEdit]:
    return [types.TextEdit(range=lsp_range(item["range"]), new_text=item["newText"]) for item in items]


def _workspace_edit(uri: str, version: int | None, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=edits,
            )
        ]
    )


def quick_fixes(uri: str, version: int | None, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    data = diagnostic.data if isinstance(diagnostic.data, dict) else None
    if diagnostic.source != "backend-ls" or data is None:
        return []
    code = diagnostic.code
    actions = []
    fix = data.get("fix")
    if fix:
        actions.append(
            types.CodeAction(
                title=f"backend-ls ({code}): {fix['title']}" + ("" if fix["safety"] == "safe" else " (unsafe)"),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=fix["safety"] == "safe",
                edit=_workspace_edit(uri, version, _edits(fix["edits"])),
            )
        )
    ignore = data.get("ignore")
    if ignore:
        actions.append(
            types.CodeAction(
                title=f"backend-ls ({code}): Ignore {code} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=_workspace_edit(uri, version, _edits([ignore])),
            )
        )
    return actions


def fix_all(uri: str, version: int | None, published: list[dict]) -> types.CodeAction | None:
    """One action applying every safe fix whose edits do not overlap another's (`published`: the
    diagnostics as the server keeps them, JSON with their `data`)."""
    chosen: list[types.TextEdit] = []
    taken: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for diagnostic in published:
        data = diagnostic.get("data") or {}
        fix = data.get("fix")
        if not fix or fix["safety"] != "safe":
            continue
        edits = _edits(fix["edits"])
        spans = [((e.range.start.line, e.range.start.character), (e.range.end.line, e.range.end.character)) for e in edits]
        if any(start < t_end and t_start < end or start == t_start for start, end in spans for t_start, t_end in taken):
            continue
        taken.extend(spans)
        chosen.extend(edits)
    if not chosen:
        return None
    return types.CodeAction(
        title="backend-ls: Fix all safe fixes",
        kind=FIX_ALL_KIND,
        edit=_workspace_edit(uri, version, chosen),
    )
