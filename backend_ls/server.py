"""The language server: LSP in, engine calls, LSP out. No analysis lives here."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import threading
from pathlib import Path
from urllib.parse import unquote

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.exceptions import FeatureRequestError
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path

from backend_ls import __version__
from backend_ls.index import default_cache_dir, index_executor, load_file
from backend_ls.lsp.code_actions import FIX_ALL_KIND, fix_all, quick_fixes
from backend_ls.lsp.code_lens import SHOW_FINDINGS, code_lenses, findings_message, signature
from backend_ls.lsp.collector import PacedCollector
from backend_ls.lsp.diagnostics import document_href, structured
from backend_ls.lsp.hover import hover_markdown
from backend_ls.lsp.session import Result, Session
from backend_ls.lsp.stdio import PipeWriter
from backend_ls.lsp.symbols import document_symbols, workspace_symbols
from backend_ls.lsp.text import SplicedDocument
from backend_ls.positions import from_lsp_position
from backend_ls.rules.registry import load_rules

log = logging.getLogger(__name__)

CONFIGURATION_SECTION = "backend-ls"
CONVERTER = get_converter()
LIST_RULES = "backend-ls.rules"
LENS_PAUSE_SECONDS = 0.3  # code lenses are compared when typing pauses this long


def document_key(uri: str) -> str:
    """The key pygls keeps an open document under: its URI unquoted. A path with a space or a
    letter outside ASCII comes percent-encoded from the editor."""
    return unquote(uri)


class DocumentsProtocol(LanguageServerProtocol):
    """pygls' protocol, with the changes to open documents (open, change, close) applied under the
    server's `documents_lock`: the analysis thread publishes only for a document's newest version,
    and holds the lock while it looks and writes."""

    CHANGING = frozenset((types.TEXT_DOCUMENT_DID_OPEN, types.TEXT_DOCUMENT_DID_CHANGE, types.TEXT_DOCUMENT_DID_CLOSE))

    def handle_message(self, message):
        if getattr(message, "method", None) in self.CHANGING:
            with self._server.documents_lock:
                return super().handle_message(message)
        return super().handle_message(message)


class BackendLanguageServer(LanguageServer):
    def __init__(self):
        super().__init__(
            "backend-ls",
            __version__,
            protocol_cls=DocumentsProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.documents_lock = threading.Lock()
        self.session = Session(load_rules())
        self.pending: dict[str, asyncio.Task] = {}
        self.shown: set[str] = set()
        self.lens_signatures: dict[str, tuple] = {}  # uri -> what its code lenses showed
        self.lens_comparisons: dict[str, asyncio.TimerHandle] = {}  # uri -> one waiting for a pause
        self.index_task: asyncio.Task | None = None
        self.wanted: dict[str, int] = {}  # uri -> the version its next analysis is for
        self.configuring: asyncio.Task | None = None  # a pull of the editor's settings under way
        self.collector = PacedCollector(self.on_analysis_thread)

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
            if delay:
                await asyncio.sleep(delay)
            # Without a delay nothing is waited for: a burst of changes that came together has
            # been applied before this task first runs, and `wanted` drops the older ones.
            if self.configuring is not None and not self.configuring.done():
                await asyncio.shield(self.configuring)
            document = self.open_document(uri)
            if document is None:
                return  # closed meanwhile (pygls would read the file from disk for it)
            version, text = document.version, document.source
            lines = document.lines if isinstance(document, SplicedDocument) else None
            path = to_fs_path(uri) or uri
            loop = asyncio.get_running_loop()
            encoding = str(self.workspace.position_encoding or "utf-16")
            self.wanted[uri] = version

            def analyse():
                # Edits that arrive while another analysis runs queue up behind it; only the newest
                # version is worth analysing when the worker gets to them.
                if self.wanted.get(uri) != version:
                    return None, False
                outcome = self.session.analyse(uri, path, text, encoding, lines)
                # Problems are told before the diagnostics, from the event loop: it publishes then.
                quickly = isinstance(self.protocol.writer, PipeWriter) and not (outcome.problems or outcome.analysis.problems)
                return outcome, quickly and self.publish_if_newest(uri, version, outcome)

            try:
                outcome, published = await loop.run_in_executor(self.session.executor, analyse)
            except Exception as error:
                log.exception("analysis of %s failed", uri)
                self.tell(f"cannot analyse {path}: {error!r}", types.MessageType.Error)
                return
            document = self.open_document(uri)
            if outcome is None or document is None:
                return
            if not published:
                if document.version != version:
                    return  # a newer edit arrived: its own analysis will publish
                for problem in outcome.problems + outcome.analysis.problems:
                    self.tell(problem)
                self.publish_if_newest(uri, version, outcome)
            self.session.executor.submit(self.session.keep_findings, uri)
            self.collector.analysed()
            if outcome.exported_changed:
                self.reanalyse_all(except_uri=uri)
            self.lenses_changed(uri, outcome.analysis)
        except asyncio.CancelledError:
            pass
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    def on_analysis_thread(self, function):
        return asyncio.get_running_loop().run_in_executor(self.session.executor, function)

    def publish_if_newest(self, uri: str, version: int, outcome) -> bool:
        """Publish an analysis' diagnostics, and keep its result for hover and code actions, if its
        version is still the document's newest; from the analysis thread, or from the event loop
        when that one cannot write. The version cannot change meanwhile: changes are applied under
        the same lock (`DocumentsProtocol`)."""
        with self.documents_lock:
            document = self.open_document(uri)
            if document is None or document.version != version:
                return False
            self.session.results[uri] = Result(version, outcome.lines, outcome.analysis, outcome.diagnostics, CONVERTER)
            try:
                self.publish(uri, version, outcome.diagnostics, outcome.diagnostics_json)
            except OSError as error:  # the client is gone; the event loop will find out too
                log.error("cannot publish the diagnostics of %s: %r", uri, error)
            return True

    def publish(self, uri: str, version: int | None, diagnostics: list[dict], serialised: bytes | None = None) -> None:
        """Send diagnostics that are JSON already (`serialised`: comma-separated, in UTF-8). pygls
        would run each through cattrs again on every publish (about 50 ms for 500 diagnostics),
        and serialising them again costs more than a keystroke's analysis."""
        protocol = self.protocol
        writer = getattr(protocol, "writer", None)
        if serialised is not None and writer is not None and hasattr(protocol, "_include_headers"):
            head = (
                '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
                f'{json.dumps(uri)},"version":{json.dumps(version)},"diagnostics":['
            ).encode("utf-8")
            tail = b"]}}"
            if protocol._include_headers:
                length = len(head) + len(serialised) + len(tail)
                head = f"Content-Length: {length}\r\nContent-Type: {protocol.CONTENT_TYPE}; charset=utf-8\r\n\r\n".encode("ascii") + head
            if isinstance(writer, PipeWriter):
                writer.write_parts((head, serialised, tail))
                return
            if isinstance(writer, StdoutWriter):
                # Written in three parts: joining them copies the diagnostics again (0.4 ms at
                # 10,000 lines); nothing else writes between them (only the event loop writes here).
                for part in (head, serialised, tail):
                    writer.write(part)
                return
            written = writer.write(head + serialised + tail)  # a websocket sends each write as a message
            if inspect.isawaitable(written):
                asyncio.ensure_future(written)
            return
        message = {
            "jsonrpc": "2.0",
            "method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
            "params": {"uri": uri, "version": version, "diagnostics": diagnostics},
        }
        send = getattr(protocol, "_send_data", None)
        if send is None:  # a pygls without it: the typed way
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=structured(diagnostics, CONVERTER))
            )
            return
        send(message)

    async def settled(self, uri: str, timeout: float = 5.0) -> None:
        """Wait until the newest text of a document is analysed, when an analysis is under way:
        a client asks for code lenses right after an edit and must not get the old ones."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (task := self.pending.get(uri)) is not None and loop.time() < deadline:
            await asyncio.wait({task}, timeout=deadline - loop.time())

    def routes_in(self, analysis) -> list:
        """The routes whose handlers are in an analysed document, prefixes from anywhere included."""
        facts = analysis.facts
        return self.session.index.routes_of(facts.path, facts) if facts is not None else []

    def lenses_changed(self, uri: str, analysis) -> None:
        """Ask the client for new code lenses when what they show has changed since it was last
        told. After a document's first analysis that is noted at once; after an edit it is compared
        once typing pauses: the comparison costs 5 ms a keystroke with 1,000 routes, and an editor
        asks again for the lenses of the document it edits on its own."""
        self.forget_lens_comparison(uri)
        if uri not in self.lens_signatures:
            self._compare_lenses(uri, analysis)
            return
        loop = asyncio.get_running_loop()
        self.lens_comparisons[uri] = loop.call_later(LENS_PAUSE_SECONDS, self._compare_lenses, uri, analysis)

    def forget_lens_comparison(self, uri: str) -> None:
        waiting = self.lens_comparisons.pop(uri, None)
        if waiting is not None:
            waiting.cancel()

    def _compare_lenses(self, uri: str, analysis) -> None:
        self.lens_comparisons.pop(uri, None)  # closing the document cancels a waiting one
        shown = signature(self.routes_in(analysis), analysis)
        before = self.lens_signatures.get(uri)
        self.lens_signatures[uri] = shown
        if before is not None and before != shown:
            self.refresh_code_lenses()

    def refresh_code_lenses(self) -> None:
        capabilities = self.client_capabilities.workspace
        lens = capabilities.code_lens if capabilities is not None else None
        if lens is None or not lens.refresh_support:
            return
        self.workspace_code_lens_refresh(None).add_done_callback(_log_failure)

    def open_document(self, uri: str):
        """The open document of `uri`, or None."""
        return self.workspace.text_documents.get(document_key(uri))

    def reanalyse_all(self, except_uri: str | None = None) -> None:
        # The URIs as the editor sent them, which diagnostics must carry; not pygls' keys.
        for uri in [document.uri for document in self.workspace.text_documents.values()]:
            if uri != except_uri and uri.startswith("file:"):
                self.schedule(uri, delay=0 if except_uri is None else None)

    # -- the workspace index ----------------------------------------------------------------------
    def workspace_roots(self) -> list[Path]:
        folders = [to_fs_path(folder.uri) for folder in self.workspace.folders.values()]
        if not folders and self.workspace.root_uri:
            folders = [to_fs_path(self.workspace.root_uri)]
        return [Path(folder) for folder in folders if folder and Path(folder).is_dir()]

    async def build_index(self) -> None:
        """Index the workspace in the background, reporting progress, then re-check open files."""
        roots = self.workspace_roots()
        if not roots:
            return
        index = self.session.index
        index.set_roots(roots)
        index.cache_dir = default_cache_dir()
        loop = asyncio.get_running_loop()
        token = f"backend-ls-index-{id(index)}"
        reporting = bool(self.client_capabilities.window and self.client_capabilities.window.work_done_progress)
        if reporting:
            try:
                await self.work_done_progress.create_async(token)
            except Exception as error:  # the client may refuse; indexing goes on silently
                log.info("no progress report: %r", error)
                reporting = False
        if reporting:
            self.work_done_progress.begin(
                token, types.WorkDoneProgressBegin(title="backend-ls: indexing", percentage=0, cancellable=False)
            )
        last_report = [0.0]

        def progress(done: int, total: int) -> None:
            now = loop.time()
            if reporting and (now - last_report[0] > 0.2 or done == total):
                last_report[0] = now
                loop.call_soon_threadsafe(
                    self.work_done_progress.report,
                    token,
                    types.WorkDoneProgressReport(message=f"{done}/{total} files", percentage=int(100 * done / max(total, 1))),
                )

        # The documents open now are analysed first: their first diagnostics should not share the
        # CPU with the build, which skips them anyway (their text comes from the editor).
        for uri in list(self.pending):
            await self.settled(uri, timeout=10.0)
        started = loop.time()
        try:
            files = await loop.run_in_executor(None, index.files)
            with index_executor(len(files)) as executor:
                await loop.run_in_executor(None, lambda: index.build(files, executor, progress))
        except Exception as error:
            log.exception("indexing failed")
            self.tell(f"the workspace index could not be built: {error!r}", types.MessageType.Error)
        finally:
            if reporting:
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"{len(index)} files"))
        log.info("indexed %d files in %.2fs", len(index), loop.time() - started)
        self.reanalyse_all()

    async def refresh_files(self, changes: list[tuple[str, bool]]) -> None:
        """Re-read changed files (path, deleted) from disk; re-check open files if that matters."""
        index = self.session.index
        loop = asyncio.get_running_loop()

        def refresh() -> bool:
            changed = False
            for path, deleted in changes:
                if deleted:
                    changed |= index.remove(path)
                    continue
                if not path.endswith(".py") or str(Path(path).resolve()) in index.pinned:
                    continue
                result = load_file(path, str(index.cache_dir) if index.cache_dir else None, index.fingerprint)
                if result.facts is not None:
                    changed |= index.update(path, result.facts)
            return changed

        if await loop.run_in_executor(None, refresh):
            self.reanalyse_all()

    async def watch_files(self) -> None:
        """Ask the client to tell us about Python files changing on disk, when it can."""
        capabilities = self.client_capabilities.workspace
        watched = capabilities.did_change_watched_files if capabilities else None
        if not watched or not watched.dynamic_registration:
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[
                types.FileSystemWatcher(glob_pattern="**/*.py"),
                types.FileSystemWatcher(glob_pattern="**/pyproject.toml"),
            ]
        )
        try:
            await self.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="backend-ls-watched-files",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=options,
                        )
                    ]
                )
            )
        except Exception as error:
            log.info("file watching not registered: %r", error)

    async def configure(self) -> None:
        """Pull the editor's settings; analyses wait for it, so none runs with the old ones."""
        self.configuring = asyncio.get_running_loop().create_task(self.pull_configuration())
        await self.configuring

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
        if settings == []:  # Neovim sends an empty Lua table as a list
            settings = {}
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
        await ls.configure()
        await ls.watch_files()
        ls.reanalyse_all()
        ls.index_task = asyncio.get_running_loop().create_task(ls.build_index())

    @ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: BackendLanguageServer, params: types.DidChangeConfigurationParams):
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get(CONFIGURATION_SECTION), dict):
            ls.session.editor_settings = settings[CONFIGURATION_SECTION]
        else:
            await ls.configure()
        ls.session.forget_settings()
        ls.reanalyse_all()

    @ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: BackendLanguageServer, params: types.DidOpenTextDocumentParams):
        # pygls made the document; ours keeps its lines and changes only the ones an edit touches.
        document = ls.open_document(params.text_document.uri)
        if document is not None and not isinstance(document, SplicedDocument):
            ls.workspace.text_documents[document_key(params.text_document.uri)] = SplicedDocument(document)
        path = to_fs_path(params.text_document.uri)
        if path:
            ls.session.index.pin(path)
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
    async def did_change_watched_files(ls: BackendLanguageServer, params: types.DidChangeWatchedFilesParams):
        if any(change.uri.endswith("pyproject.toml") for change in params.changes):
            ls.session.forget_settings()
            ls.reanalyse_all()
        changes = [
            (to_fs_path(change.uri), change.type == types.FileChangeType.Deleted)
            for change in params.changes
            if change.uri.endswith(".py") and to_fs_path(change.uri)
        ]
        if changes:
            await ls.refresh_files(changes)

    @ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: BackendLanguageServer, params: types.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.session.close(uri)
        ls.lens_signatures.pop(uri, None)
        ls.forget_lens_comparison(uri)
        path = to_fs_path(uri)
        if path:
            ls.session.index.unpin(path)
            asyncio.get_running_loop().create_task(ls.refresh_files([(path, not Path(path).exists())]))
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @ls.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbol(ls: BackendLanguageServer, params: types.DocumentSymbolParams):
        uri = params.text_document.uri
        await ls.settled(uri)
        result = ls.session.results.get(uri)
        if result is None or result.analysis.facts is None:
            return []
        facts = result.analysis.facts
        routes = ls.session.index.routes_of(facts.path, facts)
        encoding = str(ls.workspace.position_encoding or "utf-16")
        return document_symbols(routes, getattr(facts, "models", ()), result.lines, encoding)

    @ls.feature(types.WORKSPACE_SYMBOL)
    async def workspace_symbol(ls: BackendLanguageServer, params: types.WorkspaceSymbolParams):
        encoding = str(ls.workspace.position_encoding or "utf-16")
        loop = asyncio.get_running_loop()
        entries = await loop.run_in_executor(None, ls.session.index.symbols)
        return workspace_symbols(entries, params.query, encoding)

    @ls.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: BackendLanguageServer, params: types.HoverParams):
        result = ls.session.results.get(params.text_document.uri)
        if result is None:
            return None
        encoding = str(ls.workspace.position_encoding or "utf-16")
        point = from_lsp_position(result.lines, params.position.line, params.position.character, encoding)
        settings, _ = ls.session.settings_for(to_fs_path(params.text_document.uri) or "")
        sections, ranges = [], []
        for position, finding in enumerate(result.analysis.findings):
            if not (finding.span.start <= point <= finding.span.end):
                continue
            document = ls.session.ruleset.document(finding.code)
            if document is None:
                continue
            href = document_href(ls.session.ruleset, finding.code, settings.docs_url)
            sections.append(hover_markdown(finding.code, finding.message, document, href))
            ranges.append(result.diagnostic(position).range)
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
                # The published diagnostic as the server keeps it: its edits are for the version
                # the actions name. One no longer published (the text changed since) gets none.
                published = _published_twin(result, diagnostic) if diagnostic.source == "backend-ls" and result else None
                if published is not None:
                    actions.extend(quick_fixes(uri, version, published))
        wants_fix_all = not only or any(
            FIX_ALL_KIND.startswith(kind) for kind in only
        )
        if wants_fix_all and result is not None:
            action = fix_all(uri, version, result.published)
            if action is not None:
                actions.append(action)
        return actions

    @ls.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    async def code_lens(ls: BackendLanguageServer, params: types.CodeLensParams):
        uri = params.text_document.uri
        await ls.settled(uri)
        result = ls.session.results.get(uri)
        if result is None:
            return []
        encoding = str(ls.workspace.position_encoding or "utf-16")
        return code_lenses(uri, ls.routes_in(result.analysis), result.analysis, result.lines, encoding)

    @ls.command(SHOW_FINDINGS)
    def show_route_findings(ls: BackendLanguageServer, *arguments):
        """The command of a route's code lens: arguments [uri, 0-based line of the lens]."""
        if len(arguments) < 2 or not isinstance(arguments[0], str) or not isinstance(arguments[1], int):
            raise ValueError(f"{SHOW_FINDINGS} expects [uri, line], got {list(arguments)!r}")
        result = ls.session.results.get(arguments[0])
        if result is None:
            message = "backend-ls: the file is not open"
        else:
            message = findings_message(ls.routes_in(result.analysis), result.analysis, arguments[1])
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=message))
        return message

    @ls.command(LIST_RULES)
    def list_rules(ls: BackendLanguageServer, *arguments):
        """Every check with the address of its document (for an editor's rule picker); the
        optional argument is a document uri whose settings (`docs-url`) apply."""
        uri = arguments[0] if arguments and isinstance(arguments[0], str) else None
        folder = Path(ls.workspace.root_path or ".")
        settings, _ = ls.session.settings_for((to_fs_path(uri) if uri else None) or str(folder / "pyproject.toml"))
        return [
            {
                "code": code,
                "rule": rule.document.id,
                "title": rule.document.title,
                "summary": rule.document.summary,
                "href": document_href(ls.session.ruleset, code, settings.docs_url),
            }
            for code, rule in sorted(ls.session.ruleset.rules.items())
        ]

    return ls


def _log_failure(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.info("the client answered with an error: %r", future.exception())


def _published_twin(result: Result, diagnostic: types.Diagnostic):
    """The diagnostic as the server keeps it, with the `data` that is not sent."""
    start, end = diagnostic.range.start, diagnostic.range.end
    wanted = {"start": {"line": start.line, "character": start.character}, "end": {"line": end.line, "character": end.character}}
    for position, published in enumerate(result.published):
        if published["code"] == diagnostic.code and published["range"] == wanted:
            return result.diagnostic(position)
    return None
