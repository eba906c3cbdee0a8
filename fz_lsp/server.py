"""The pygls wiring: documents, settings, diagnostics scheduling and thin handlers.

Everything about FlowZap lives in `features/`; this module converts positions at
the boundary, keeps the open documents, and decides when to publish.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import traceback
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from fz_lsp import __version__
from fz_lsp.analysis.config import CONFIG_FILE, ConfigError, Settings, load_settings
from fz_lsp.features import completion, diagnostics, hover, navigation, symbols
from fz_lsp.features.positions import Positions
from fz_lsp.features.state import DocumentState
from fz_lsp.files import DEFAULT_EXCLUDE, Exclusion, search

SECTION = "fz-lsp"
MAX_INDEXED_BYTES = 5 * 1024 * 1024
log = logging.getLogger(__name__)


def uri_key(uri: str) -> str:
    """One key per document whatever the client's percent-escaping (Neovim lower, VS Code upper)."""
    return unquote(uri)


def uri_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


class FlowZapProtocol(LanguageServerProtocol):
    """pygls' protocol without its own copy of open documents: ours is cheaper per edit."""

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class FlowZapServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("fz-lsp", __version__, protocol_cls=FlowZapProtocol)
        self.documents: dict[str, DocumentState] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.published: dict[str, int | None] = {}
        self.editor_options: dict[str, Any] = {}
        self.warned_options: dict[str, Any] | None = None  # the invalid editor settings already reported
        self.file_settings: dict[Path, Settings] = {}
        # Per folder: the editor settings object they were made with, and the settings in force.
        self.effective_settings: dict[Path | None, tuple[dict[str, Any], Settings]] = {}
        self.settings_generation = 0
        self.index: dict[str, DocumentState] = {}  # workspace files that are not open

    # --- helpers ----------------------------------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(kind, message))

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log handler failures; a popup per keystroke helps nobody."""
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        try:
            self.log(f"fz-lsp internal error: {error}\n{trace}", types.MessageType.Error)
        except Exception:  # the client may be gone
            log.exception("cannot report an error")

    @property
    def encoding(self) -> str:
        """The negotiated encoding as `utf-8`/`utf-16`/`utf-32` (`str()` of the enum is its name)."""
        kind = self.workspace.position_encoding
        if kind is None:
            return "utf-16"
        return kind.value if isinstance(kind, types.PositionEncodingKind) else str(kind)

    def positions(self, state: DocumentState) -> Positions:
        return Positions(state.lines, self.encoding)

    def document(self, uri: str) -> DocumentState | None:
        return self.documents.get(uri_key(uri))

    def settings_for(self, uri: str) -> Settings:
        """The file's settings with the editor's laid over them, worked out once per change of either."""
        path = uri_path(uri)
        folder = path.parent if path is not None else None
        cached = self.effective_settings.get(folder)
        if cached is not None and cached[0] is self.editor_options:
            return cached[1]
        base = Settings()
        if folder is not None:
            if folder not in self.file_settings:
                try:
                    self.file_settings[folder] = load_settings(folder)
                except ConfigError as error:
                    self.log(f"fz-lsp: {error}; using the defaults", types.MessageType.Warning)
                    self.file_settings[folder] = Settings()
            base = self.file_settings[folder]
        try:
            settings = base.overlay(self.editor_options, "editor settings `fz-lsp`")
        except ConfigError as error:
            if self.warned_options is not self.editor_options:  # once per settings object, not per keystroke
                self.warned_options = self.editor_options
                self.log(f"fz-lsp: {error}", types.MessageType.Warning)
            settings = base
        self.effective_settings[folder] = (self.editor_options, settings)
        return settings

    @property
    def pull_diagnostics(self) -> bool:
        caps = self.client_capabilities
        return get_capability(caps, "text_document.diagnostic", None) is not None

    # --- diagnostics ------------------------------------------------------------------------

    def diagnostics_of(self, state: DocumentState) -> list[types.Diagnostic]:
        return diagnostics.lsp_diagnostics(state.model, self.settings_for(state.uri), self.positions(state), state.uri)

    def publish(self, state: DocumentState) -> None:
        if self.pull_diagnostics:
            return
        key = uri_key(state.uri)
        if self.documents.get(key) is not state:
            return
        last = self.published.get(key)
        if last is not None and state.version is not None and state.version < last:
            return  # never replace newer diagnostics with older ones
        items = self.diagnostics_of(state)
        self.published[key] = state.version
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=state.uri, diagnostics=items, version=state.version)
        )

    def schedule(self, state: DocumentState) -> None:
        """Publish now (debounce 0) or after the debounce delay, cancelling older work."""
        key = uri_key(state.uri)
        if (task := self.pending.pop(key, None)) is not None:
            task.cancel()
        if self.pull_diagnostics:
            return
        delay = self.settings_for(state.uri).debounce_ms
        if delay <= 0:
            self.publish(state)
            return

        async def later() -> None:
            await asyncio.sleep(delay / 1000)
            self.pending.pop(key, None)
            self.publish(state)

        self.pending[key] = asyncio.ensure_future(later())

    def refresh_all(self) -> None:
        """Settings changed: recompute what every open document shows."""
        self.settings_generation += 1
        if self.pull_diagnostics:
            if get_capability(self.client_capabilities, "workspace.diagnostics.refresh_support", False):
                self.workspace_diagnostic_refresh(None)
            return
        for state in self.documents.values():
            self.publish(state)

    async def pull_configuration(self) -> None:
        if not get_capability(self.client_capabilities, "workspace.configuration", False):
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        except Exception as error:  # a client may refuse; keep what we have
            self.log(f"fz-lsp: cannot read editor settings: {error}")
            return
        if result and isinstance(result[0], dict):
            self.editor_options = result[0]

    # --- workspace index --------------------------------------------------------------------

    def index_workspace(self, token: str | None, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Read the workspace's `.fz` files; runs in a worker thread when given the server's `loop`.

        Messages to the client then go through that loop: a TCP or WebSocket transport
        must not be written to from another thread.
        """

        def send(action: Callable[..., None], *args: Any) -> None:
            if loop is None:
                action(*args)
            else:
                loop.call_soon_threadsafe(action, *args)

        folders = [uri_path(f.uri) for f in self.workspace.folders.values()]
        files: list[Path] = []
        cache: dict[Path, Exclusion | None] = {}
        for folder in folders:
            if folder is not None and folder.is_dir():
                # The checker's folder search: tool folders and the `exclude` setting are skipped.
                files.extend(Path(p) for p in search(folder, (folder.resolve(), DEFAULT_EXCLUDE), cache))
        indexed = 0
        progress = self.work_done_progress
        if token is not None:
            send(progress.begin, token, types.WorkDoneProgressBegin(title="Indexing FlowZap files", percentage=0))
        for number, path in enumerate(files, start=1):
            try:
                size = path.stat().st_size
                if size > MAX_INDEXED_BYTES:
                    send(self.log, f"fz-lsp: skipped {path} ({size} bytes; files over 5 MB are not indexed)")
                    continue
                text = path.read_bytes().decode("utf-8-sig", errors="replace")
            except OSError as error:
                send(self.log, f"fz-lsp: cannot read {path}: {error.strerror}")
                continue
            uri = path.as_uri()
            state = DocumentState(uri, text)
            _ = state.model  # analyse here, off the event loop, not in the first symbol request
            self.index[uri_key(uri)] = state
            indexed += 1
            if token is not None and number % 20 == 0:
                report = types.WorkDoneProgressReport(
                    message=f"{number}/{len(files)}", percentage=number * 100 // len(files)
                )
                send(progress.report, token, report)
        if token is not None:
            send(progress.end, token, types.WorkDoneProgressEnd(message=f"{indexed} files indexed"))


server = FlowZapServer()


# --- lifecycle ------------------------------------------------------------------------------


@server.feature(types.INITIALIZE)
def initialize(ls: FlowZapServer, params: types.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict):
        ls.editor_options = options.get(SECTION, options) if isinstance(options.get(SECTION), dict) else options


@server.feature(types.INITIALIZED)
async def initialized(ls: FlowZapServer, params: types.InitializedParams) -> None:
    await ls.pull_configuration()
    caps = ls.client_capabilities
    if get_capability(caps, "workspace.did_change_watched_files.dynamic_registration", False):
        watchers = [
            types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in (CONFIG_FILE, "pyproject.toml", "*.fz")
        ]
        registration = types.Registration(
            id="fz-lsp-watch",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
        except Exception as error:  # the client said no: settings files are then read once
            ls.log(f"fz-lsp: cannot watch settings files: {error}")
    ls.refresh_all()
    token = None
    if get_capability(caps, "window.work_done_progress", False):
        token = "fz-lsp-index"
        try:
            await ls.work_done_progress.create_async(token)
        except Exception:
            token = None
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, ls.index_workspace, token, loop)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: FlowZapServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get(SECTION), dict):
        ls.editor_options = settings[SECTION]
    else:
        await ls.pull_configuration()
    ls.refresh_all()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: FlowZapServer, params: types.DidChangeWatchedFilesParams) -> None:
    config_changed = False
    for change in params.changes:
        path = uri_path(change.uri)
        if path is None:
            continue
        if path.name in (CONFIG_FILE, "pyproject.toml"):
            config_changed = True
        elif path.suffix == ".fz":
            key = uri_key(change.uri)
            if change.type == types.FileChangeType.Deleted:
                ls.index.pop(key, None)
            elif path.is_file() and path.stat().st_size <= MAX_INDEXED_BYTES:
                ls.index[key] = DocumentState(change.uri, path.read_bytes().decode("utf-8-sig", errors="replace"))
    if config_changed:
        ls.file_settings.clear()
        ls.effective_settings.clear()
        ls.refresh_all()


# --- documents ------------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: FlowZapServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    state = DocumentState(item.uri, item.text, item.version)
    ls.documents[uri_key(item.uri)] = state
    ls.published.pop(uri_key(item.uri), None)
    ls.schedule(state)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: FlowZapServer, params: types.DidChangeTextDocumentParams) -> None:
    state = ls.document(params.text_document.uri)
    if state is None:
        return
    for change in params.content_changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            positions = ls.positions(state)
            state.replace(positions.to_columns(change.range.start), positions.to_columns(change.range.end), change.text)
        else:
            state.set_text(change.text)
    state.version = params.text_document.version
    ls.schedule(state)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: FlowZapServer, params: types.DidCloseTextDocumentParams) -> None:
    key = uri_key(params.text_document.uri)
    ls.documents.pop(key, None)
    ls.published.pop(key, None)
    if (task := ls.pending.pop(key, None)) is not None:
        task.cancel()
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier="flowzap", inter_file_dependencies=False, workspace_diagnostics=False),
)
def document_diagnostic(ls: FlowZapServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
    state = ls.document(params.text_document.uri)
    if state is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    result_id = f"{state.version}:{id(state.source)}:{id(state.model)}:{ls.settings_generation}"
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics_of(state), result_id=result_id)


# --- features -------------------------------------------------------------------------------


def _at(ls: FlowZapServer, uri: str, position: types.Position) -> tuple[DocumentState, Positions, int, int] | None:
    state = ls.document(uri)
    if state is None:
        return None
    positions = ls.positions(state)
    line, column = positions.to_columns(position)
    return state, positions, line, column


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=completion.TRIGGER_CHARACTERS, resolve_provider=False),
)
def on_completion(ls: FlowZapServer, params: types.CompletionParams) -> types.CompletionList | None:
    found = _at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    state, positions, line, column = found
    snippets = bool(
        get_capability(ls.client_capabilities, "text_document.completion.completion_item.snippet_support", False)
    )
    result = completion.complete(state.model, positions, line, column, snippets)
    return types.CompletionList(is_incomplete=result.is_incomplete, items=_fit_to_client(ls, list(result.items)))


def _fit_to_client(ls: FlowZapServer, items: list[types.CompletionItem]) -> list[types.CompletionItem]:
    """Drop what the client did not declare: Markdown documentation, label details."""
    caps = ls.client_capabilities
    item_caps = "text_document.completion.completion_item"
    markdown = types.MarkupKind.Markdown in (get_capability(caps, f"{item_caps}.documentation_format", None) or [])
    details = bool(get_capability(caps, f"{item_caps}.label_details_support", False))
    for item in items:
        if not markdown and isinstance(item.documentation, types.MarkupContent):
            item.documentation = item.documentation.value
        label_details = item.label_details
        if not details or (label_details is not None and not (label_details.detail or label_details.description)):
            item.label_details = None
    return items


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: FlowZapServer, params: types.HoverParams) -> types.Hover | None:
    found = _at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    state, positions, line, column = found
    result = hover.hover(state.model, positions, line, column)
    formats = get_capability(ls.client_capabilities, "text_document.hover.content_format", None)
    if result is not None and formats and types.MarkupKind.Markdown not in formats:
        # A client that reads plain text only: drop the Markdown emphasis and code marks.
        assert isinstance(result.contents, types.MarkupContent)
        plain = result.contents.value.replace("**", "").replace("`", "")
        result.contents = types.MarkupContent(types.MarkupKind.PlainText, plain)
    return result


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
@server.feature(types.TEXT_DOCUMENT_DECLARATION)  # a node or lane is declared where it is defined
def on_definition(ls: FlowZapServer, params: types.DefinitionParams | types.DeclarationParams) -> list[types.Location]:
    found = _at(ls, params.text_document.uri, params.position)
    if found is None:
        return []
    state, positions, line, column = found
    return navigation.definition(state.model, positions, state.uri, line, column)


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def on_references(ls: FlowZapServer, params: types.ReferenceParams) -> list[types.Location]:
    found = _at(ls, params.text_document.uri, params.position)
    if found is None:
        return []
    state, positions, line, column = found
    return navigation.references(state.model, positions, state.uri, line, column, params.context.include_declaration)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
def on_highlight(ls: FlowZapServer, params: types.DocumentHighlightParams) -> list[types.DocumentHighlight]:
    found = _at(ls, params.text_document.uri, params.position)
    if found is None:
        return []
    state, positions, line, column = found
    return navigation.highlights(state.model, positions, line, column)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def on_document_symbol(ls: FlowZapServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    state = ls.document(params.text_document.uri)
    if state is None:
        return []
    return symbols.document_symbols(state.model, ls.positions(state))


@server.feature(types.WORKSPACE_SYMBOL)
def on_workspace_symbol(ls: FlowZapServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
    found: list[types.WorkspaceSymbol] = []
    states = {**ls.index, **ls.documents}  # open documents win over their saved copy
    for state in states.values():
        found.extend(symbols.workspace_symbols(state.model, ls.positions(state), state.uri, params.query))
    return found


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def on_code_action(ls: FlowZapServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    if ls.document(params.text_document.uri) is None:
        return []
    return diagnostics.code_actions(list(params.context.diagnostics), params.text_document.uri)


def serve(tcp: str | None = None) -> int:
    """Run the server on stdio, or on TCP when given `HOST:PORT`."""
    logging.basicConfig(level=os.environ.get("FZ_LSP_LOG_LEVEL", "WARNING"))
    gc.freeze()  # what start-up imported lives as long as the server: keep it out of collections
    if tcp:
        host, _, port = tcp.rpartition(":")
        if not port.isdigit():
            raise SystemExit(f"fz-lsp: --tcp takes HOST:PORT, not {tcp!r}")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0
