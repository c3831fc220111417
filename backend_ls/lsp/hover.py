"""Hover: the rule behind each finding under the cursor, from its document."""

from __future__ import annotations

from backend_ls.rules.documents import RuleDocument


def hover_markdown(code: str, message: str, document: RuleDocument, href: str) -> str:
    return "\n\n".join(
        [
            f"### backend-ls ({code}): {document.title}",
            message,
            f"**Description:** {document.description}",
            f"**Why it matters:** {document.rationale}",
            f"**Good practice:**\n```python\n{document.good.rstrip()}\n```",
            f"**Bad practice:**\n```python\n{document.bad.rstrip()}\n```",
            f"[{document.id} documentation]({href})",
        ]
    )
