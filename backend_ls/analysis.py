"""The engine: text in, findings out. The server and the CLI both call `analyse_module`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import parso

from backend_ls.facts import StatementCache, module_facts
from backend_ls.facts.model import ModuleFacts
from backend_ls.options import Settings
from backend_ls.reading_order import reading_order
from backend_ls.rules.base import Finding, RuleSet
from backend_ls.rules.context import RuleContext
from backend_ls.statement_checks import KeptFindings
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


def check_facts(
    facts: ModuleFacts,
    lines: list[str],
    settings: Settings,
    ruleset: RuleSet,
    index=None,
    statements: tuple[StatementCache, KeptFindings] | None = None,
    text: str | None = None,
) -> Analysis:
    """Run the enabled checks over a module's facts (the parse tree is not needed any more).

    With `statements` (the editor's path: the statement cache the facts came from, and the
    findings kept from the last analysis), statement checks run on the changed statements only.
    `text`: the lines joined, when the caller has it."""
    path = facts.path
    analysis = Analysis(facts=facts, problems=list(facts.problems))
    memory = statements[1].memory if statements is not None else None
    context = RuleContext(facts=facts, lines=lines, settings=settings, index=index, memory=memory)
    enabled = [rule for code, rule in ruleset.rules.items() if settings.enabled(code, path)]
    by_statement = [rule for rule in enabled if rule.scope == "statement"] if statements is not None else []
    found: list[Finding] = []
    for rule in enabled:
        if by_statement and rule.scope == "statement":
            continue

        def run(rule=rule) -> list[Finding]:
            severity = settings.severity_of(rule.code, None)  # None: the user set none for this code
            return [rule.as_reported(finding, severity) for finding in rule.check(context)]

        try:
            found.extend(statements[1].module_check(rule, context, run) if statements is not None else run())
        except Exception as error:  # one failing check must not hide the others' findings
            log.exception("%s failed on %s", rule.code, path)
            analysis.problems.append(f"{rule.code} failed on {path}: {error!r}")
    if by_statement:
        cache, kept = statements
        found.extend(kept.findings(context, cache, by_statement, analysis.problems))
    result = _unsuppressed(found, lines, text)
    if statements is not None:
        analysis.findings = statements[1].order.sorted(result)
    else:
        result.sort(key=reading_order)
        analysis.findings = result
    return analysis


def _unsuppressed(found: list[Finding], lines: list[str], text: str | None = None) -> list[Finding]:
    # Most modules have no ignore comment at all: one search of the text (in C) instead of a
    # look at the line of each of their findings (1,657 at 10,000 lines, on every keystroke).
    if "backend-ls" not in ("".join(lines) if text is None else text):
        return found
    return [finding for finding in found if not is_suppressed(lines, finding.span.start[0], finding.code)]
