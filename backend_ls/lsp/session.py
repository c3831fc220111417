"""The state of an editing session: settings per folder, the last result per document, and the
analysis itself, run on one worker thread so parse trees are never shared between threads."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from backend_ls.analysis import Analysis, check_facts, grammar
from backend_ls.documents import DocumentParser
from backend_ls.facts import StatementCache, module_facts
from backend_ls.index import MAX_FILE_CHARACTERS, WorkspaceIndex
from backend_ls.collection import collection_paused
from backend_ls.lsp.diagnostics import DiagnosticBuilder, structured
from backend_ls.options import Settings, apply_overrides, load_settings
from backend_ls.rules.base import RuleSet
from backend_ls.statement_checks import KeptFindings

log = logging.getLogger(__name__)


@dataclass
class Result:
    """What was published for one version of a document."""

    version: int | None
    lines: list[str]
    analysis: Analysis
    published: list[dict] = field(default_factory=list)  # the diagnostics, as sent
    converter: object = None

    def diagnostic(self, position: int):
        """One published diagnostic as an lsprotocol object: hover and code actions need one or
        two, and converting a thousand of them costs a hundred milliseconds."""
        return structured([self.published[position]], self.converter)[0]


@dataclass
class Outcome:
    """One analysis of one version of a document."""

    lines: list[str]
    analysis: Analysis
    problems: list[str]
    exported_changed: bool  # facts that checks of other modules read have changed
    diagnostics: list[dict]
    diagnostics_json: bytes | None = None  # the same, serialised: comma-separated, without brackets


class Session:
    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.parser = DocumentParser()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backend-ls-analysis")
        # parso builds its grammar on first use (20-40 ms): while the editor is still starting up,
        # not after it opened the first document.
        self.executor.submit(grammar)
        self.results: dict[str, Result] = {}
        self.editor_settings: dict = {}
        self._folder_settings: dict[Path, tuple[Settings, list[str]]] = {}
        self.index = WorkspaceIndex([])
        self.statement_caches: dict[str, StatementCache] = {}  # per open document
        self.statement_findings: dict[str, KeptFindings] = {}
        self._to_keep: dict[str, tuple] = {}  # key -> (facts, lines, settings) of a first analysis
        self.diagnostic_builders: dict[str, DiagnosticBuilder] = {}

    def settings_for(self, path: str) -> tuple[Settings, list[str]]:
        folder = Path(path).parent
        if folder not in self._folder_settings:
            self._folder_settings[folder] = load_settings(folder)
        settings, problems = self._folder_settings[folder]
        settings, editor_problems = apply_overrides(settings, self.editor_settings, "editor settings")
        return settings, problems + editor_problems

    def forget_settings(self) -> None:
        self._folder_settings.clear()

    def analyse(self, key: str, path: str, text: str, encoding: str = "utf-16", lines: list[str] | None = None) -> Outcome:
        """Runs on the worker thread: parse (incrementally), check one document's text and build
        its diagnostics. `lines`: the text's, when the editor's document keeps them (never changed
        in place). The server collects garbage when typing pauses (lsp/collector.py)."""
        with collection_paused(freeze_after=True):
            return self._analyse(key, path, text, encoding, lines)

    def _analyse(self, key: str, path: str, text: str, encoding: str, lines: list[str] | None) -> Outcome:
        settings, problems = self.settings_for(path)
        if lines is None:
            lines = text.splitlines(keepends=True)
        if len(text) > MAX_FILE_CHARACTERS:
            problems.append(
                f"{path} is not analysed: it has {len(text):,} characters, more than {MAX_FILE_CHARACTERS:,}"
            )
            return Outcome(lines, Analysis(), problems, False, [])
        cache = self.statement_caches.setdefault(key, StatementCache())
        module = self.parser.parse(key, text)
        cache.nodes_keep_their_text = self.parser.kept_untouched_statements
        imports = self.parser.imports(key, module)
        external = self.index.external_bindings(path, imports)
        facts = module_facts(module, path, cache, lines, external, imports)
        self._to_keep.pop(key, None)
        kept = self.statement_findings.get(key)
        first = kept is None
        if first:
            kept = self.statement_findings[key] = KeptFindings()
        before = self.index.stamp()
        changed = self.index.update(path, facts, pinned=True)
        kept.index_updated(before, self.index.stamp())
        if first:
            # A document's first diagnostics come from one run over the whole module: the same
            # findings (the check tests hold statement checks to it) in about a third of the time.
            # What the next edits reuse is kept right after, before their analyses (keep_findings).
            analysis = check_facts(facts, lines, settings, self.ruleset, self.index, text=text)
            self._to_keep[key] = (facts, lines, settings)
        else:
            analysis = check_facts(facts, lines, settings, self.ruleset, self.index, (cache, kept), text)
        builder = self.diagnostic_builders.setdefault(key, DiagnosticBuilder())
        diagnostics = builder.build(analysis.findings, lines, self.ruleset, settings.docs_url, encoding, key)
        return Outcome(lines, analysis, problems, changed, diagnostics, builder.serialised)

    def keep_findings(self, key: str) -> None:
        """Runs on the analysis thread after a document's first analysis was published: checks it
        statement by statement, so the next edit re-checks only what it changed. Nothing to do
        when another analysis of the document came first (it kept them itself)."""
        pending = self._to_keep.pop(key, None)
        cache, kept = self.statement_caches.get(key), self.statement_findings.get(key)
        if pending is None or cache is None or kept is None:
            return
        facts, lines, settings = pending
        with collection_paused(freeze_after=True):
            analysis = check_facts(facts, lines, settings, self.ruleset, self.index, (cache, kept))
            builder = self.diagnostic_builders.get(key)
            if builder is not None:
                builder.adopt(analysis.findings)

    def close(self, key: str) -> None:
        self.results.pop(key, None)
        self.statement_caches.pop(key, None)
        self.statement_findings.pop(key, None)
        self._to_keep.pop(key, None)
        self.diagnostic_builders.pop(key, None)
        self.executor.submit(self.parser.forget, key)
