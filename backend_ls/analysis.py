"""The engine: text in, findings out. The server and the CLI both call `analyse_module`."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

import parso

from backend_ls.facts import module_facts
from backend_ls.facts.model import ModuleFacts
from backend_ls.options import Settings
from backend_ls.rules.base import Finding, RuleSet
from backend_ls.rules.context import RuleContext
from backend_ls.suppressions import is_suppressed

log = logging.getLogger(__name__)

_GRAMMAR = None


def grammar():
    global _GRAMMAR
    if _GRAMMAR is None:
        _GRAMMAR = parso.load_grammar()
    return _GRAMMAR


@dataclass
class Analysis:
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # rules that failed, shown to the user
    facts: ModuleFacts | None = None  # what the findings were computed from (routes for code lenses)


def analyse_text(text: str, path: str, settings: Settings, ruleset: RuleSet, index=None) -> Analysis:
    """Parse and analyse one file's text from scratch (the CLI's path)."""
    module = grammar().parse(text, error_recovery=True)
    return analyse_module(module, text.splitlines(keepends=True), path, settings, ruleset, index)


def analyse_module(module, lines: list[str], path: str, settings: Settings, ruleset: RuleSet, index=None) -> Analysis:
    return check_facts(module_facts(module, path), lines, settings, ruleset, index)


def check_facts(facts: ModuleFacts, lines: list[str], settings: Settings, ruleset: RuleSet, index=None) -> Analysis:
    """Run the enabled checks over a module's facts (the parse tree is not needed any more)."""
    path = facts.path
    analysis = Analysis(facts=facts, problems=list(facts.problems))
    context = RuleContext(facts=facts, lines=lines, settings=settings, index=index)
    for code, rule in ruleset.rules.items():
        if not settings.enabled(code, path):
            continue
        try:
            found = list(rule.check(context))
        except Exception as error:  # one failing check must not hide the others' findings
            log.exception("%s failed on %s", code, path)
            analysis.problems.append(f"{code} failed on {path}: {error!r}")
            continue
        configured = settings.severity_of(code, None)  # None: the user set none for this code
        for finding in found:
            if is_suppressed(lines, finding.span.start[0], code):
                continue
            severity = configured or finding.severity or rule.document.severity
            analysis.findings.append(dataclasses.replace(finding, rule=rule.document.id, severity=severity))
    analysis.findings.sort(key=lambda f: (f.span, f.code))
    return analysis
