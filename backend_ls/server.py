"""The language server: LSP in, engine calls, LSP out. No analysis lives here."""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types
from pygls.exceptions import FeatureRequestError
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from backend_ls import __version__
from backend_ls.lsp.code_actions import FIX_ALL_KIND, fix_all, quick_fixes
from backend_ls.lsp.diagnostics import document_href, to_diagnostic
from backend_ls.lsp.hover import hover_markdown
from backend_ls.lsp.session import Result, Session
from backend_ls.positions import from_lsp_position
from backend_ls.rules.registry import load_rules

log = logging.getLogger(__name__)

CONFIGURATION_SECTION = "backend-ls"


class BackendLanguageServer(LanguageServer):
    def __init__(self):
        super().__init__("backend-ls", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.session = Session(load_rules())
        self.pending: dict[str, asyncio.Task] = {}
        self.shown: set[str] = set()

    # -- messages -------------------------------------------------------------------------------
    def report_server_error(self, error: Exception, source) -> None:
        """pygls calls this for messages it cannot read and handlers that fail outside a request."""
        if source is FeatureRequestError:
            return  # the failed request's own response carries the error
        log.error("ignored after an error: %r", error, exc_info=error)
        self.tell(
            f"backend-ls ignored a message it could not handle ({type(error).__name__}: {error}); "
            "it keeps running, see its log for details",
            types.MessageType.Error,
        )

    def tell(self, message: str, kind=types.MessageType.Warning) -> None:
        """Log a message, and show it in the editor the first time it occurs."""
        log.warning("%s", message)
        self.window_log_message(types.LogMessageParams(type=kind, message=message))
        if message not in self.shown:
            self.shown.add(message)
            shown = message if message.startswith("backend-ls") else f"backend-ls: {message}"
            self.window_show_message(types.ShowMessageParams(type=kind, message=shown))

    # -- analysis -------------------------------------------------------------------------------
    def schedule(self, uri: str, delay: float | None = None) -> None:
        """Analyse the newest text of a document after a short pause; a newer edit cancels it."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        if delay is None:
            settings, _ = self.session.settings_for(to_fs_path(uri) or uri)
            delay = settings.debounce_ms / 1000
        self.pending[uri] = asyncio.get_running_loop().create_task(self._analyse(uri, delay))

    async def _analyse(self, uri: str, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            document = self.workspace.get_text_document(uri)
            version, text = document.version, document.source
            path = to_fs_path(uri) or uri
            loop = asyncio.get_running_loop()
            try:
                lines, analysis, problems = await loop.run_in_executor(
                    self.session.executor, self.session.analyse, uri, path, text
                )
            except Exception as error:
                log.exception("analysis of %s failed", uri)
                self.tell(f"cannot analyse {path}: {error!r}", types.MessageType.Error)
                return
            if self.workspace.get_text_document(uri).version != version or uri not in self.workspace.text_documents:
                return  # a newer edit arrived: its own analysis will publish
            for problem in problems + analysis.problems:
                self.tell(problem)
            settings, _ = self.session.settings_for(path)
            encoding = str(self.workspace.position_encoding or "utf-16")
            diagnostics = [
                to_diagnostic(finding, lines, self.session.ruleset, settings.docs_url, encoding, uri)
                for finding in analysis.findings
            ]
            self.session.results[uri] = Result(version, lines, analysis, diagnostics)
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
            )
        except asyncio.CancelledError:
            pass
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    def reanalyse_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, delay=0)

    async def pull_configuration(self) -> None:
        capabilities = self.client_capabilities.workspace
        if capabilities is None or not capabilities.configuration:
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=CONFIGURATION_SECTION)])
            )
        except Exception as error:
            log.warning("workspace/configuration failed: %r", error)
            return
        settings = result[0] if result else None
        if isinstance(settings, dict):
            self.session.editor_settings = settings
        elif settings is not None:
            self.tell("editor settings for backend-ls are not an object; they are ignored")



def create_server() -> BackendLanguageServer:
    ls = BackendLanguageServer()

    @ls.feature(types.INITIALIZE)
    def initialize(ls: BackendLanguageServer, params: types.InitializeParams):
        options = params.initialization_options
        if isinstance(options, dict):
            settings = options.get("settings", options)
            if isinstance(settings, dict):
                ls.session.editor_settings = settings
        for problem in ls.session.ruleset.errors:
            log.error("%s", problem)

    @ls.feature(types.INITIALIZED)
    async def initialized(ls: BackendLanguageServer, params: types.InitializedParams):
        for problem in ls.session.ruleset.errors:
            ls.tell(problem, types.MessageType.Error)
        await ls.pull_configuration()
        ls.reanalyse_all()

    @ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: BackendLanguageServer, params: types.DidChangeConfigurationParams):
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get(CONFIGURATION_SECTION), dict):
            ls.session.editor_settings = settings[CONFIGURATION_SECTION]
        else:
            await ls.pull_configuration()
        ls.session.forget_settings()
        ls.reanalyse_all()

    @ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: BackendLanguageServer, params: types.DidOpenTextDocumentParams):
        ls.schedule(params.text_document.uri, delay=0)

    @ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: BackendLanguageServer, params: types.DidChangeTextDocumentParams):
        ls.schedule(params.text_document.uri)

    @ls.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: BackendLanguageServer, params: types.DidSaveTextDocumentParams):
        if params.text_document.uri.endswith("pyproject.toml"):
            ls.session.forget_settings()
            ls.reanalyse_all()

    @ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: BackendLanguageServer, params: types.DidChangeWatchedFilesParams):
        if any(change.uri.endswith("pyproject.toml") for change in params.changes):
            ls.session.forget_settings()
            ls.reanalyse_all()

    @ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: BackendLanguageServer, params: types.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.session.close(uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @ls.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: BackendLanguageServer, params: types.HoverParams):
        result = ls.session.results.get(params.text_document.uri)
        if result is None:
            return None
        encoding = str(ls.workspace.position_encoding or "utf-16")
        point = from_lsp_position(result.lines, params.position.line, params.position.character, encoding)
        settings, _ = ls.session.settings_for(to_fs_path(params.text_document.uri) or "")
        sections, ranges = [], []
        for finding, diagnostic in zip(result.analysis.findings, result.diagnostics):
            if not (finding.span.start <= point <= finding.span.end):
                continue
            document = ls.session.ruleset.document(finding.code)
            if document is None:
                continue
            href = document_href(ls.session.ruleset, finding.code, settings.docs_url)
            sections.append(hover_markdown(finding.code, finding.message, document, href))
            ranges.append(diagnostic.range)
        if not sections:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(sections)),
            range=ranges[0] if len(ranges) == 1 else None,
        )

    @ls.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=False,
        ),
    )
    def code_action(ls: BackendLanguageServer, params: types.CodeActionParams):
        uri = params.text_document.uri
        result = ls.session.results.get(uri)
        version = result.version if result else None
        only = params.context.only
        actions: list[types.CodeAction] = []
        if not only or any(kind.startswith(types.CodeActionKind.QuickFix) for kind in only):
            for diagnostic in params.context.diagnostics:
                if diagnostic.source == "backend-ls" and not isinstance(diagnostic.data, dict) and result:
                    diagnostic = _published_twin(result, diagnostic) or diagnostic
                actions.extend(quick_fixes(uri, version, diagnostic))
        wants_fix_all = not only or any(
            FIX_ALL_KIND.startswith(kind) for kind in only
        )
        if wants_fix_all and result is not None:
            action = fix_all(uri, version, result.diagnostics)
            if action is not None:
                actions.append(action)
        return actions

    return ls


def _published_twin(result: Result, diagnostic: types.Diagnostic):
    """The diagnostic as published, for clients that do not send `data` back."""
    for published in result.diagnostics:
        if published.code == diagnostic.code and published.range == diagnostic.range:
            return published
    return None
