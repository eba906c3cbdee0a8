"""What the server knows between messages: open documents, settings, the workspace index, the client.

`server.py` only wires pygls to this: a handler turns its params into a call here and
into a feature function, which takes plain values (`markdown: bool`, a `Positions`),
never the client's capability tree. Nothing here sends a message; failures worth
telling the user are passed to the `log` callable the server gives.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.capabilities import get_capability

from fz_lsp.analysis.config import CONFIG_FILE, ConfigError, Settings, load_settings
from fz_lsp.analysis.model import Model
from fz_lsp.features import symbols
from fz_lsp.features.positions import UTF16, Positions
from fz_lsp.features.ranking import best_symbols
from fz_lsp.features.state import DocumentState
from fz_lsp.files import DEFAULT_EXCLUDE, Exclusion, Unreadable, read_diagram, search

SECTION = "fz-lsp"
MAX_INDEXED_BYTES = 5 * 1024 * 1024
LARGE_LINES = 5000  # from here on a document is analysed off the event loop (~100 ms and more)
SETTINGS_FILES = (CONFIG_FILE, "pyproject.toml")

Log = Callable[[str, types.MessageType], None]
HeldChange = tuple[int | None, list[types.TextDocumentContentChangeEvent]]


def uri_key(uri: str) -> str:
    """One key per document whatever the client's percent-escaping (Neovim lower, VS Code upper)."""
    return unquote(uri)


def uri_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


@dataclass(frozen=True)
class ClientCapabilities:
    """What the client said it can do, read once at `initialize` (the defaults are what a bare client gets)."""

    snippets: bool = False
    completion_markdown: bool = False
    label_details: bool = False
    hover_markdown: bool = True  # a client that names no hover format is sent Markdown
    pull_diagnostics: bool = False
    diagnostic_refresh: bool = False
    configuration: bool = False
    watched_files_registration: bool = False
    work_done_progress: bool = False
    versioned_document_changes: bool = False
    disabled_code_actions: bool = False

    @classmethod
    def of(cls, caps: types.ClientCapabilities) -> ClientCapabilities:
        item = "text_document.completion.completion_item"
        hover_formats = get_capability(caps, "text_document.hover.content_format", None)
        return cls(
            snippets=bool(get_capability(caps, f"{item}.snippet_support", False)),
            completion_markdown=types.MarkupKind.Markdown
            in (get_capability(caps, f"{item}.documentation_format", None) or []),
            label_details=bool(get_capability(caps, f"{item}.label_details_support", False)),
            hover_markdown=not hover_formats or types.MarkupKind.Markdown in hover_formats,
            pull_diagnostics=get_capability(caps, "text_document.diagnostic", None) is not None,
            diagnostic_refresh=bool(get_capability(caps, "workspace.diagnostics.refresh_support", False)),
            configuration=bool(get_capability(caps, "workspace.configuration", False)),
            watched_files_registration=bool(
                get_capability(caps, "workspace.did_change_watched_files.dynamic_registration", False)
            ),
            work_done_progress=bool(get_capability(caps, "window.work_done_progress", False)),
            versioned_document_changes=bool(get_capability(caps, "workspace.workspace_edit.document_changes", False)),
            disabled_code_actions=bool(get_capability(caps, "text_document.code_action.disabled_support", False)),
        )


@dataclass(frozen=True)
class Cursor:
    """A request's position, converted: the document, its converter, and a code-point line and column."""

    state: DocumentState
    positions: Positions
    line: int
    column: int

    @property
    def model(self) -> Model:
        return self.state.model


def _same(state: DocumentState) -> DocumentState:
    return state


def editor_section(options: object) -> dict[str, Any] | None:
    """The `fz-lsp` object out of what an editor sends, whether wrapped in the section or not."""
    if not isinstance(options, dict):
        return None
    inner = options.get(SECTION)
    return inner if isinstance(inner, dict) else options


class Session:
    """Open documents, settings, the workspace index and the client's capabilities."""

    def __init__(self, log: Log) -> None:
        self.log = log
        self.capabilities = ClientCapabilities()
        self.encoding = UTF16
        self.documents: dict[str, DocumentState] = {}
        # Large documents being analysed in a worker: the edits that arrive meanwhile, by open token.
        self._opening: dict[
            str, tuple[object, list[tuple[int | None, list[types.TextDocumentContentChangeEvent]]]]
        ] = {}
        self.index: dict[str, DocumentState] = {}  # workspace files that are not open
        self.editor_options: dict[str, Any] = {}
        self._warned_options: dict[str, Any] | None = None  # the invalid editor settings already reported
        self._file_settings: dict[Path, Settings] = {}
        # Per folder: the editor settings object they were made with, and the settings in force.
        self._effective: dict[Path | None, tuple[dict[str, Any], Settings]] = {}
        self.settings_generation = 0

    def start(self, caps: types.ClientCapabilities, encoding: str, options: object) -> None:
        """`initialize`: remember what the client can do, the encoding and its initial settings."""
        self.capabilities = ClientCapabilities.of(caps)
        self.encoding = encoding
        if (section := editor_section(options)) is not None:
            self.editor_options = section

    # --- documents ----------------------------------------------------------------------------

    def open(self, uri: str, text: str, version: int | None) -> DocumentState:
        state = DocumentState(uri, text, version)
        self._opening.pop(uri_key(uri), None)
        self.documents[uri_key(uri)] = state
        return state

    def begin_open(self, uri: str) -> object:
        """A large document is being analysed elsewhere: hold its edits until `finish_open` with this token."""
        token = object()
        self.documents.pop(uri_key(uri), None)
        self._opening[uri_key(uri)] = (token, [])
        return token

    def finish_open(self, token: object, state: DocumentState) -> DocumentState | None:
        """Install a document analysed elsewhere and replay the edits held meanwhile (`None`: closed since)."""
        key = uri_key(state.uri)
        held = self._opening.get(key)
        if held is None or held[0] is not token:
            return None
        del self._opening[key]
        self.documents[key] = state
        for version, changes in held[1]:
            self.change(state.uri, version, changes)
        return state

    def change(
        self, uri: str, version: int | None, changes: Sequence[types.TextDocumentContentChangeEvent]
    ) -> DocumentState | None:
        """Apply the client's edits (in its units) to our copy; `None` for a document not open (or not yet)."""
        state = self.document(uri)
        if state is None:
            if (held := self._opening.get(uri_key(uri))) is not None:
                held[1].append((version, list(changes)))
            return None
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                positions = self.positions(state)
                state.replace(
                    positions.to_columns(change.range.start), positions.to_columns(change.range.end), change.text
                )
            else:
                state.set_text(change.text)
        state.version = version
        return state

    def close(self, uri: str) -> DocumentState | None:
        self._opening.pop(uri_key(uri), None)
        return self.documents.pop(uri_key(uri), None)

    def document(self, uri: str) -> DocumentState | None:
        return self.documents.get(uri_key(uri))

    def is_large(self, state: DocumentState) -> bool:
        return len(state.lines) >= LARGE_LINES

    def snapshot(self, state: DocumentState) -> Callable[[], DocumentState]:
        """A copy to analyse in a worker: the live document keeps changing on the loop meanwhile."""
        uri, text, version = state.uri, state.source.text, state.version
        return lambda: DocumentState(uri, text, version)

    def positions(self, state: DocumentState) -> Positions:
        return Positions(state.lines, self.encoding)

    def cursor(self, uri: str, position: types.Position) -> Cursor | None:
        state = self.document(uri)
        if state is None:
            return None
        positions = self.positions(state)
        line, column = positions.to_columns(position)
        return Cursor(state, positions, line, column)

    # --- settings -----------------------------------------------------------------------------

    def set_editor_options(self, options: object) -> bool:
        """New editor settings (the section or the object holding it); whether they were usable."""
        section = editor_section(options)
        if section is None:
            return False
        self.editor_options = section
        self.settings_generation += 1
        return True

    def settings_files_changed(self) -> None:
        self._file_settings.clear()
        self._effective.clear()
        self.settings_generation += 1

    def settings_for(self, uri: str) -> Settings:
        """The file's settings with the editor's laid over them, worked out once per change of either."""
        path = uri_path(uri)
        folder = path.parent if path is not None else None
        cached = self._effective.get(folder)
        if cached is not None and cached[0] is self.editor_options:
            return cached[1]
        base = Settings()
        if folder is not None:
            if folder not in self._file_settings:
                try:
                    self._file_settings[folder] = load_settings(folder)
                except ConfigError as error:
                    self.log(f"fz-lsp: {error}; using the defaults", types.MessageType.Warning)
                    self._file_settings[folder] = Settings()
            base = self._file_settings[folder]
        try:
            settings = base.overlay(self.editor_options, "editor settings `fz-lsp`")
        except ConfigError as error:
            if self._warned_options is not self.editor_options:  # once per settings object, not per keystroke
                self._warned_options = self.editor_options
                self.log(f"fz-lsp: {error}", types.MessageType.Warning)
            settings = base
        self._effective[folder] = (self.editor_options, settings)
        return settings

    # --- workspace index ----------------------------------------------------------------------

    def workspace_states(self) -> list[DocumentState]:
        """Every diagram of the workspace, open documents in place of their saved copy."""
        return list({**self.index, **self.documents}.values())

    def workspace_search(self, query: str) -> Callable[[threading.Event], list[types.WorkspaceSymbol]]:
        """Work for a worker thread: the best symbols of every diagram (open ones as they are now)."""
        sources = [self.snapshot(state) for state in self.documents.values()]
        # Indexed copies are replaced, never edited: the worker may read them as they are.
        sources.extend(
            functools.partial(_same, state) for key, state in self.index.items() if key not in self.documents
        )
        encoding = self.encoding

        def search(cancelled: threading.Event) -> list[types.WorkspaceSymbol]:
            found: list[types.WorkspaceSymbol] = []
            for source in sources:
                if cancelled.is_set():
                    return []
                state = source()
                found.extend(symbols.workspace_symbols(state.model, Positions(state.lines, encoding), state.uri, query))
            return best_symbols(found, query)

        return search

    def index_file(self, path: Path) -> DocumentState | None:
        """Read and analyse one workspace file (any thread); unreadable files are logged and skipped."""
        try:
            text = read_diagram(path, MAX_INDEXED_BYTES)
        except Unreadable as error:
            self.log(f"fz-lsp: skipped {error}", types.MessageType.Log)
            return None
        uri = path.as_uri()
        state = DocumentState(uri, text)
        _ = state.model  # analyse here, off the event loop, not in the first symbol request
        self.index[uri_key(uri)] = state
        return state

    def index_folders(self, folders: Iterable[Path], progress: Callable[[int, int], None]) -> int:
        """Index every `.fz` file under `folders` (the checker's search); `progress(done, total)` now and then."""
        files: list[Path] = []
        cache: dict[Path, Exclusion | None] = {}
        for folder in folders:
            if folder.is_dir():
                files.extend(Path(p) for p in search(folder, (folder.resolve(), DEFAULT_EXCLUDE), cache))
        indexed = 0
        for number, path in enumerate(files, start=1):
            if self.index_file(path) is not None:
                indexed += 1
            if number % 20 == 0:
                progress(number, len(files))
        return indexed

    def watched_files_changed(self, changes: Iterable[types.FileEvent]) -> bool:
        """Follow changes on disk; whether a settings file changed (then everything is recomputed)."""
        settings_changed = False
        for change in changes:
            path = uri_path(change.uri)
            if path is None:
                continue
            if path.name in SETTINGS_FILES:
                settings_changed = True
            elif path.suffix == ".fz":
                self.index.pop(uri_key(change.uri), None)
                if change.type != types.FileChangeType.Deleted and path.is_file():
                    self.index_file(path)
        if settings_changed:
            self.settings_files_changed()
        return settings_changed
