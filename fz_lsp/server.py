"""The pygls wiring: thin handlers over the session and the feature modules.

State lives in `session.py` (documents, settings, workspace index, client capabilities);
what FlowZap means lives in `features/`. This module decides when diagnostics are
published and converts nothing itself. A new request handler is a few lines: get a
`Cursor` (or a document) from `ls.session`, call the feature with plain values, return.

Why this file is longer than 400 lines: it registers some thirty requests and
notifications, each a handler of a few lines, plus the debounce that decides when to
publish; what a handler answers lives in `features/`, the state in `session.py`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from fz_lsp import __version__
from fz_lsp.analysis.config import CONFIG_FILE
from fz_lsp.features import (
    call_hierarchy,
    code_lens,
    completion,
    diagnostics,
    edits,
    facts,
    folding,
    formatting,
    hover,
    inlay_hints,
    navigation,
    presentation,
    rename,
    render,
    renumber,
    selection,
    semantic_tokens,
    symbols,
)
from fz_lsp.features.options import EditorOptions
from fz_lsp.features.state import DocumentState
from fz_lsp.memory import give_back_memory
from fz_lsp.protocol import FlowZapProtocol, Refusal
from fz_lsp.session import LARGE_LINES, SECTION, Session, uri_key, uri_path

T = TypeVar("T")

log = logging.getLogger(__name__)


class FlowZapServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("fz-lsp", __version__, protocol_cls=FlowZapProtocol)
        self.session = Session(self.log)
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.waiting_since: dict[str, float] = {}  # per document: the first change not yet published
        self.loop: asyncio.AbstractEventLoop | None = None  # set at `initialize`, for messages from threads

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        """Log to the client; from a worker thread the message goes through the server's loop."""
        params = types.LogMessageParams(kind, message)
        if self.loop is not None and threading.current_thread() is not threading.main_thread():
            self.loop.call_soon_threadsafe(self.window_log_message, params)
        else:
            self.window_log_message(params)

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

    # --- diagnostics ------------------------------------------------------------------------

    def diagnostics_of(self, state: DocumentState) -> list[types.Diagnostic]:
        settings = self.session.settings_for(state.uri)
        positions = self.session.positions(state)
        return diagnostics.lsp_diagnostics(state.model, settings, positions, state.uri, state.converted)

    def publish(self, state: DocumentState) -> None:
        if self.session.capabilities.pull_diagnostics or self.session.document(state.uri) is not state:
            return
        self.diagnostics_of(state)
        protocol = self.protocol
        assert isinstance(protocol, FlowZapProtocol)
        protocol.publish_diagnostics(state.uri, state.version, state.converted.json(protocol._converter.unstructure))

    def schedule(self, state: DocumentState) -> None:
        """Publish after the debounce delay (now for 0), cancelling older work; but never wait longer than
        `maxWaitMs` since the first change not yet published, however long typing goes on."""
        key = uri_key(state.uri)
        if (task := self.pending.pop(key, None)) is not None:
            task.cancel()
        if self.session.capabilities.pull_diagnostics:
            return
        settings = self.session.settings_for(state.uri)
        now = time.monotonic()
        first = self.waiting_since.setdefault(key, now)
        delay = min(settings.debounce_ms / 1000, max(0.0, first + settings.max_wait_ms / 1000 - now))
        if delay <= 0:
            self.waiting_since.pop(key, None)
            self.publish(state)
            return

        async def later() -> None:
            await asyncio.sleep(delay)
            self.pending.pop(key, None)
            self.waiting_since.pop(key, None)
            self.publish(state)

        self.pending[key] = asyncio.ensure_future(later())

    def forget(self, uri: str) -> None:
        """A closed document: no publish is pending for it any more."""
        key = uri_key(uri)
        self.waiting_since.pop(key, None)
        if (task := self.pending.pop(key, None)) is not None:
            task.cancel()

    def open_large(self, uri: str, text: str, version: int) -> None:
        """Parse and analyse a large document in a worker; the loop goes on answering meanwhile."""
        token = self.session.begin_open(uri)

        def analyse() -> DocumentState:
            state = DocumentState(uri, text, version)
            _ = state.model.diagnostics
            return state

        def done(future: asyncio.Future[DocumentState]) -> None:
            if future.cancelled():
                return
            if (error := future.exception()) is not None:
                self.report_server_error(error if isinstance(error, Exception) else RuntimeError(error), None)
            elif (state := self.session.finish_open(token, future.result())) is not None:
                self.schedule(state)

        asyncio.get_running_loop().run_in_executor(None, analyse).add_done_callback(done)

    def close(self, uri: str) -> None:
        """Forget a closed document; a large one is freed in a worker, which hands the memory back."""
        self.forget(uri)
        held = [self.session.close(uri)]  # the only reference: no local name keeps it alive here
        if held[0] is None or not self.session.is_large(held[0]):
            return

        def release() -> None:
            held.clear()
            give_back_memory()

        asyncio.get_running_loop().run_in_executor(None, release)

    async def off_loop(self, work: Callable[[threading.Event], T]) -> T:
        """Run a slow answer in a worker; `$/cancelRequest` cancels this task (-32800) and tells the worker."""
        cancelled = threading.Event()
        try:
            return await asyncio.get_running_loop().run_in_executor(None, work, cancelled)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    def refresh_all(self) -> None:
        """Settings changed: recompute what every open document shows."""
        caps = self.session.capabilities
        if caps.pull_diagnostics:
            if caps.diagnostic_refresh:
                self.workspace_diagnostic_refresh(None)
            return
        for state in self.session.documents.values():
            self.publish(state)

    async def pull_configuration(self) -> None:
        if not self.session.capabilities.configuration:
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        except Exception as error:  # a client may refuse; keep what we have
            self.log(f"fz-lsp: cannot read editor settings: {error}")
            return
        if result and isinstance(result[0], dict):
            self.session.set_editor_options(result[0])

    def index_workspace(self, token: str | None) -> None:
        """Read the workspace's `.fz` files in a worker thread, reporting progress through the loop.

        A TCP or WebSocket transport must not be written to from another thread.
        """
        loop = self.loop
        assert loop is not None
        progress = self.work_done_progress
        folders = [path for f in self.workspace.folders.values() if (path := uri_path(f.uri)) is not None]
        if token is not None:
            begin = types.WorkDoneProgressBegin(title="Indexing FlowZap files", percentage=0)
            loop.call_soon_threadsafe(progress.begin, token, begin)

        def report(done: int, total: int) -> None:
            if token is not None:
                message = types.WorkDoneProgressReport(message=f"{done}/{total}", percentage=done * 100 // total)
                loop.call_soon_threadsafe(progress.report, token, message)

        indexed = self.session.index_folders(folders, report)
        if token is not None:
            loop.call_soon_threadsafe(
                progress.end, token, types.WorkDoneProgressEnd(message=f"{indexed} files indexed")
            )


server = FlowZapServer()


# --- lifecycle ------------------------------------------------------------------------------


@server.feature(types.INITIALIZE)
def initialize(ls: FlowZapServer, params: types.InitializeParams) -> None:
    ls.loop = asyncio.get_running_loop()
    ls.session.start(params.capabilities, ls.encoding, params.initialization_options)


@server.feature(types.INITIALIZED)
async def initialized(ls: FlowZapServer, params: types.InitializedParams) -> None:
    await ls.pull_configuration()
    caps = ls.session.capabilities
    if caps.watched_files_registration:
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
    if caps.work_done_progress:
        token = "fz-lsp-index"
        try:
            await ls.work_done_progress.create_async(token)
        except Exception:
            token = None
    await asyncio.get_running_loop().run_in_executor(None, ls.index_workspace, token)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: FlowZapServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if not (isinstance(settings, dict) and isinstance(settings.get(SECTION), dict)):
        await ls.pull_configuration()
    elif not ls.session.set_editor_options(settings):
        return
    ls.refresh_all()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: FlowZapServer, params: types.DidChangeWatchedFilesParams) -> None:
    if ls.session.watched_files_changed(params.changes):
        ls.refresh_all()


# --- documents ------------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: FlowZapServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    ls.forget(item.uri)
    if item.text.count("\n") >= LARGE_LINES:
        ls.open_large(item.uri, item.text, item.version)
    else:
        ls.schedule(ls.session.open(item.uri, item.text, item.version))


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: FlowZapServer, params: types.DidChangeTextDocumentParams) -> None:
    document = params.text_document
    if (state := ls.session.change(document.uri, document.version, params.content_changes)) is not None:
        ls.schedule(state)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: FlowZapServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.close(params.text_document.uri)
    if not ls.session.capabilities.pull_diagnostics:
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier="flowzap", inter_file_dependencies=False, workspace_diagnostics=False),
)
def document_diagnostic(ls: FlowZapServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
    state = ls.session.document(params.text_document.uri)
    if state is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    result_id = f"{state.version}:{id(state.source)}:{id(state.model)}:{ls.session.settings_generation}"
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics_of(state), result_id=result_id)


# --- features -------------------------------------------------------------------------------


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=completion.TRIGGER_CHARACTERS, resolve_provider=False),
)
def on_completion(ls: FlowZapServer, params: types.CompletionParams) -> types.CompletionList | None:
    if (at := ls.session.cursor(params.text_document.uri, params.position)) is None:
        return None
    caps = ls.session.capabilities
    result = completion.complete(at.model, at.positions, at.line, at.column, caps.snippets)
    items = presentation.fit_completion(list(result.items), caps.completion_markdown, caps.label_details)
    return types.CompletionList(is_incomplete=result.is_incomplete, items=items)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: FlowZapServer, params: types.HoverParams) -> types.Hover | None:
    if (at := ls.session.cursor(params.text_document.uri, params.position)) is None:
        return None
    result = hover.hover(at.model, at.positions, at.line, at.column)
    return presentation.fit_hover(result, ls.session.capabilities.hover_markdown)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
@server.feature(types.TEXT_DOCUMENT_DECLARATION)  # a node or lane is declared where it is defined
def on_definition(ls: FlowZapServer, params: types.DefinitionParams | types.DeclarationParams) -> list[types.Location]:
    if (at := ls.session.cursor(params.text_document.uri, params.position)) is None:
        return []
    return navigation.definition(at.model, at.positions, at.state.uri, at.line, at.column)


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def on_references(ls: FlowZapServer, params: types.ReferenceParams) -> list[types.Location]:
    if (at := ls.session.cursor(params.text_document.uri, params.position)) is None:
        return []
    declaration = params.context.include_declaration
    return navigation.references(at.model, at.positions, at.state.uri, at.line, at.column, declaration)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
def on_highlight(ls: FlowZapServer, params: types.DocumentHighlightParams) -> list[types.DocumentHighlight]:
    if (at := ls.session.cursor(params.text_document.uri, params.position)) is None:
        return []
    return navigation.highlights(at.model, at.positions, at.line, at.column)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def on_document_symbol(ls: FlowZapServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    if (state := ls.session.document(params.text_document.uri)) is None:
        return []
    if not ls.session.is_large(state):
        return symbols.document_symbols(state.model, ls.session.positions(state))
    copy = ls.session.snapshot(state)
    return await ls.off_loop(lambda _: symbols.document_symbols((done := copy()).model, ls.session.positions(done)))


@server.feature(types.WORKSPACE_SYMBOL)
async def on_workspace_symbol(ls: FlowZapServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
    return await ls.off_loop(ls.session.workspace_search(params.query))


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, diagnostics.FIX_ALL, types.CodeActionKind.RefactorRewrite]
    ),
)
def on_code_action(ls: FlowZapServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    state = ls.session.document(params.text_document.uri)
    if state is None:
        return []
    context = params.context
    session, ending = ls.session, state.source.endings[0] or "\n"
    settings, positions = session.settings_for(state.uri), session.positions(state)
    actions = diagnostics.code_actions(
        state.model, settings, positions, state.uri, context.diagnostics, context.only, ending
    )
    caps = session.capabilities
    extra = renumber.code_actions(
        state.model,
        positions,
        state.uri,
        state.version,
        context,
        caps.versioned_document_changes,
        caps.disabled_code_actions,
    )
    return actions + extra


# --- reshaping and reading aids ---------------------------------------------------------------


def _options(ls: FlowZapServer) -> EditorOptions:
    return EditorOptions.read(ls.session.editor_options)


def _formatted(ls: FlowZapServer, uri: str, first: int = 0, last: int | None = None) -> list[types.TextEdit] | None:
    state = ls.session.document(uri)
    if state is None:
        return None
    source = state.source
    try:
        return formatting.text_edits(
            source.lines,
            source.endings,
            source.statements,
            ls.session.positions(state),
            _options(ls).indent,
            first,
            last,
        )
    except formatting.FormatRefused as refusal:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"fz-lsp: {refusal}"))
        return None


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def on_formatting(ls: FlowZapServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    return _formatted(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
def on_range_formatting(ls: FlowZapServer, params: types.DocumentRangeFormattingParams) -> list[types.TextEdit] | None:
    start, end = params.range.start, params.range.end
    last = end.line - 1 if end.character == 0 and end.line > start.line else end.line  # a selection of whole lines
    return _formatted(ls, params.text_document.uri, start.line, last)


tokens_sent = semantic_tokens.Results()


def _plain_tokens(tokens: types.SemanticTokens) -> dict[str, Any]:
    """The token array handed to the JSON encoder as it is: cattrs would copy 100,000s of ints one by one."""
    plain: dict[str, Any] = {"data": tokens.data}
    if tokens.result_id is not None:
        plain["resultId"] = tokens.result_id
    return plain


server.protocol._converter.register_unstructure_hook(types.SemanticTokens, _plain_tokens)


def _tokens(ls: FlowZapServer, uri: str, first: int = 0, last: int | None = None) -> list[int] | None:
    """Tokens of the open document, or None when there is none or they cannot be made."""
    state = ls.session.document(uri)
    if state is None:
        return None
    try:
        dangling = facts.dangling_node_ids(state.model)
        return semantic_tokens.encode(state.lines, state.source.statements, dangling, ls.session.encoding, first, last)
    except Exception as error:  # never an error while typing: the caller answers with the last good tokens
        ls.report_server_error(error, None)
        return None


@server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, semantic_tokens.LEGEND)
def on_semantic_tokens(ls: FlowZapServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
    uri = params.text_document.uri
    data = _tokens(ls, uri)
    if data is None:
        last = tokens_sent.last(uri)
        return types.SemanticTokens(data=[]) if last is None else types.SemanticTokens(data=last[1], result_id=last[0])
    return types.SemanticTokens(data=data, result_id=tokens_sent.remember(uri, data))


@server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, semantic_tokens.LEGEND)
def on_semantic_tokens_delta(
    ls: FlowZapServer, params: types.SemanticTokensDeltaParams
) -> types.SemanticTokens | types.SemanticTokensDelta:
    uri = params.text_document.uri
    previous = tokens_sent.last(uri)
    data = _tokens(ls, uri)
    if data is None or previous is None or previous[0] != params.previous_result_id:
        return on_semantic_tokens(ls, types.SemanticTokensParams(params.text_document))
    return types.SemanticTokensDelta(
        edits=semantic_tokens.delta(previous[1], data), result_id=tokens_sent.remember(uri, data)
    )


@server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, semantic_tokens.LEGEND)
def on_semantic_tokens_range(ls: FlowZapServer, params: types.SemanticTokensRangeParams) -> types.SemanticTokens:
    return types.SemanticTokens(
        data=_tokens(ls, params.text_document.uri, params.range.start.line, params.range.end.line) or []
    )


@server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
def on_folding_range(ls: FlowZapServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
    state = ls.session.document(params.text_document.uri)
    return [] if state is None else folding.folding_ranges(state.model, state.source.statements)


@server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
def on_selection_range(ls: FlowZapServer, params: types.SelectionRangeParams) -> list[types.SelectionRange]:
    state = ls.session.document(params.text_document.uri)
    if state is None:
        return []
    positions = ls.session.positions(state)
    return [
        selection.selection_range(
            state.model, state.lines, state.source.statements, positions, *positions.to_columns(p)
        )
        for p in params.positions
    ]


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
def on_prepare_rename(ls: FlowZapServer, params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder | None:
    if (at := ls.session.cursor(params.text_document.uri, params.position)) is None:
        return None
    try:
        found = rename.subject(at.model, at.line, at.column)
    except rename.RenameRefused as refusal:
        raise Refusal(str(refusal)) from None
    name = found.name
    return types.PrepareRenamePlaceholder(at.positions.range(found.line, name.start, name.end), name.text)


@server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
def on_rename(ls: FlowZapServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    if (at := ls.session.cursor(params.text_document.uri, params.position)) is None:
        return None
    try:
        changes = rename.rename(at.model, at.line, at.column, params.new_name)
    except rename.RenameRefused as refusal:
        raise Refusal(str(refusal)) from None
    found = edits.text_edits(at.positions, ((c.line, c.start, c.end, c.text) for c in changes))
    versioned = ls.session.capabilities.versioned_document_changes
    return edits.workspace_edit(at.state.uri, at.state.version, found, versioned)


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
def on_inlay_hint(ls: FlowZapServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    state, options = ls.session.document(params.text_document.uri), _options(ls)
    if state is None or not options.inlay_labels:
        return []
    first, last = params.range.start.line, params.range.end.line
    return inlay_hints.inlay_hints(state.model, ls.session.positions(state), first, last, options.inlay_max_length)


@server.feature(types.TEXT_DOCUMENT_PREPARE_CALL_HIERARCHY)
def on_prepare_call_hierarchy(
    ls: FlowZapServer, params: types.CallHierarchyPrepareParams
) -> list[types.CallHierarchyItem]:
    if (at := ls.session.cursor(params.text_document.uri, params.position)) is None:
        return []
    return call_hierarchy.prepare(at.model, at.positions, at.state.uri, at.line, at.column)


@server.feature(types.CALL_HIERARCHY_INCOMING_CALLS)
def on_incoming_calls(
    ls: FlowZapServer, params: types.CallHierarchyIncomingCallsParams
) -> list[types.CallHierarchyIncomingCall]:
    state = ls.session.document(params.item.uri)
    if state is None:
        return []
    return call_hierarchy.incoming(state.model, ls.session.positions(state), state.uri, params.item)


@server.feature(types.CALL_HIERARCHY_OUTGOING_CALLS)
def on_outgoing_calls(
    ls: FlowZapServer, params: types.CallHierarchyOutgoingCallsParams
) -> list[types.CallHierarchyOutgoingCall]:
    state = ls.session.document(params.item.uri)
    if state is None:
        return []
    return call_hierarchy.outgoing(state.model, ls.session.positions(state), state.uri, params.item)


@server.feature(types.TEXT_DOCUMENT_CODE_LENS)
def on_code_lens(ls: FlowZapServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    state = ls.session.document(params.text_document.uri)
    if state is None or not _options(ls).code_lens:
        return []
    return code_lens.code_lenses(state.model, ls.session.positions(state))


@server.feature(render.METHOD)
async def on_render(ls: FlowZapServer, params: Any) -> dict[str, Any] | None:
    try:
        return await render.respond(params, ls.session.document, ls.session.settings_for)
    except render.BadRequest as error:
        raise Refusal(str(error), code=JsonRpcInvalidParams.CODE) from None


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
    protocol = server.protocol
    assert isinstance(protocol, FlowZapProtocol)
    return 0 if protocol.clean_exit else 1  # EOF, or `exit` without `shutdown`: the protocol says 1
