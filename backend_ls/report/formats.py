"""Findings as text (`path:line:col: CODE message`, like ruff) or as JSON."""

from __future__ import annotations

import json

from backend_ls.positions import to_cli_position
from backend_ls.rules.base import Finding


def finding_as_dict(path: str, finding: Finding) -> dict:
    line, column = to_cli_position(finding.span.start)
    end_line, end_column = to_cli_position(finding.span.end)
    return {
        "path": path,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "code": finding.code,
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "fix": None
        if finding.fix is None
        else {"title": finding.fix.title, "safety": finding.fix.applicability.label},
    }


def as_text(results: list[tuple[str, Finding]]) -> str:
    out = []
    for path, finding in results:
        line, column = to_cli_position(finding.span.start)
        out.append(f"{path}:{line}:{column}: {finding.code} {finding.message}")
    return "\n".join(out) + ("\n" if out else "")


# Without `indent`, json encodes in C: indented, the 34,602 findings of a 1,000-file workspace took
# 0.46 s in Python's encoder, and 0.21 s this way.
_ENCODE = json.JSONEncoder(separators=(", ", ": ")).encode


def as_json(results: list[tuple[str, Finding]]) -> str:
    """An array with one finding per line."""
    if not results:
        return "[]\n"
    return "[\n" + ",\n".join(["  " + _ENCODE(finding_as_dict(path, finding)) for path, finding in results]) + "\n]\n"
