"""Findings -> LSP diagnostics, each carrying in `data` what its code actions need."""

from __future__ import annotations

from lsprotocol import types

from backend_ls.positions import to_lsp_range
from backend_ls.rules.base import Finding, RuleSet
from backend_ls.suppressions import ignore_edit

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def lsp_range(data: dict) -> types.Range:
    return types.Range(
        start=types.Position(**data["start"]),
        end=types.Position(**data["end"]),
    )


def document_href(ruleset: RuleSet, code: str, docs_url: str | None) -> str:
    document = ruleset.document(code)
    if docs_url:
        return f"{docs_url.rstrip('/')}/{document.id if document else code}"
    return document.uri if document else ""


def to_diagnostic(finding: Finding, lines: list[str], ruleset: RuleSet, docs_url, encoding, uri) -> types.Diagnostic:
    ignore = ignore_edit(lines, finding.span.start[0], finding.code)
    data = {
        "rule": finding.rule,
        "ignore": {"range": to_lsp_range(lines, ignore.span, encoding), "newText": ignore.new_text},
        "fix": None,
    }
    if finding.fix is not None:
        data["fix"] = {
            "title": finding.fix.title,
            "safety": finding.fix.applicability.label,
            "edits": [
                {"range": to_lsp_range(lines, edit.span, encoding), "newText": edit.new_text}
                for edit in finding.fix.edits
            ],
        }
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri if r.path == finding_path(uri) else path_uri(r.path), range=lsp_range(to_lsp_range(lines, r.span, encoding))),
            message=r.message,
        )
        for r in finding.related
    ]
    return types.Diagnostic(
        range=lsp_range(to_lsp_range(lines, finding.span, encoding)),
        message=finding.message,
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=document_href(ruleset, finding.code, docs_url)),
        source="backend-ls",
        related_information=related or None,
        data=data,
    )


def finding_path(uri: str) -> str:
    from pygls.uris import to_fs_path

    return to_fs_path(uri) or uri


def path_uri(path: str) -> str:
    from pygls.uris import from_fs_path

    return from_fs_path(path) or path
