"""Helpers for the end-to-end tests: a recording client, client-unit positions, waiting.

Positions are computed here from the test's own text, independently of the server's
converter: a column in code points becomes a column in the client's units.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as t
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER_COMMAND = [sys.executable, "-m", "fz_lsp"]
PRESETS = ["visual-studio-code", "neovim@v0.11.0", "emacs"]
ENCODINGS = {"visual-studio-code": "utf-16", "neovim@v0.11.0": "utf-8", "emacs": "utf-32"}
LANGUAGE_ID = "flowzap"
TIMEOUT = 10.0
INDEX_TOKEN = "fz-lsp-index"


# A two-lane order flow with Chinese and emoji text before the tokens the tests point at.
MAIN = """\
Shop { # 商店 🛒 Shop
n1: circle label:"开始 🚀"
n2: rectangle label:"Validate order"
n3: diamond label:"库存够吗？"
n1.handle(right) -> n2.handle(left) [label="下单 📦"]
n2.handle(bottom) -> Billing.n4.handle(top) [label="Charge 💳"]
n3.handle(bottom) -> Billing.n5.handle(top)
loop [重试 🔁] n2 n33 Billing.n4
}
Billing { # 账单 🧾
n4: taskbox label:"Charge card" owner:"财务 👩‍💼" description:"扣款" system:"Stripe"
n5: circle label:"完成 🎉"
n4.handle(right) -> n5.handle(left) [label="ok"]
n4.handle(top) -> Shop.n3.handle(bottom) [label="Paid ✅"]
}
"""
LOOP_LINE = 7


# The workspace folder every session server starts with (see conftest.py).
BIG_FILE_NAME = "huge.fz"
BIG_FILE_BYTES = 5 * 1024 * 1024 + 1

WORKSPACE_ORDERS = """\
Orders { # 订单 Orders
n1: circle label:"收到订单"
n2: rectangle label:"Pack parcel"
n1.handle(right) -> n2.handle(left)
n2.handle(bottom) -> Courier.n3.handle(top) [label="交接"]
}
Courier { # Courier
n3: circle label:"Delivered"
}
"""

WORKSPACE_NESTED = """\
Support { # 客服
n1: rectangle label:"Answer ticket"
n2: circle label:"Closed"
n1.handle(right) -> n2.handle(left)
}
"""


# --- the client --------------------------------------------------------------------------------


class RecordingClient(LanguageClient):
    """pytest-lsp's client, also keeping every publishDiagnostics in order (with its version)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.publishes: list[t.PublishDiagnosticsParams] = []
        self.registrations: list[t.Registration] = []
        self.configuration_requests = 0
        self.stderr_lines: list[str] = []
        self.session_info: tuple[str, t.InitializeResult, Path, Path] | None = None  # preset, result, folders

    async def start_io(self, cmd: str, *args: Any, **kwargs: Any) -> None:
        # pygls' start, then our own stderr reader: it keeps the lines (tests look for
        # tracebacks) as well as passing them on.
        await super(LanguageClient, self).start_io(cmd, *args, **kwargs)
        if self._server is not None and self._server.stderr is not None:
            self._stderr_forwarder = asyncio.create_task(self._read_stderr(self._server.stderr))

    async def _read_stderr(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.stderr_lines.append(line.decode("utf-8", errors="replace"))
            sys.stderr.write(line.decode("utf-8", errors="replace"))


def _record_publish(client: RecordingClient, params: t.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.publishes.append(params)


def _configuration(client: RecordingClient, params: t.ConfigurationParams) -> list[Any]:
    client.configuration_requests += 1
    return [client.get_configuration(section=item.section, scope_uri=item.scope_uri) for item in params.items]


def _register_capability(client: RecordingClient, params: t.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def _unregister_capability(client: RecordingClient, params: t.UnregistrationParams) -> None:
    return None


def make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=default_converter)
    register_lsp_features(
        client,
        {
            **DEFAULT_CLIENT_FEATURES,
            t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record_publish,
            t.CLIENT_REGISTER_CAPABILITY: _register_capability,
            t.WORKSPACE_CONFIGURATION: _configuration,
            t.CLIENT_UNREGISTER_CAPABILITY: _unregister_capability,
        },
    )
    return client


def initialize_params(preset: str, workspace: Path | None, options: dict[str, object]) -> t.InitializeParams:
    folders = [t.WorkspaceFolder(workspace.as_uri(), workspace.name)] if workspace is not None else None
    return t.InitializeParams(
        capabilities=client_capabilities(preset),
        initialization_options=options,
        workspace_folders=folders,
        root_uri=workspace.as_uri() if workspace is not None else None,
    )


async def wait_for_index(client: RecordingClient) -> list[object]:
    """The work-done reports of the workspace index, once it has ended."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        reports = client.progress_reports.get(INDEX_TOKEN, [])
        if any(isinstance(report, t.WorkDoneProgressEnd) for report in reports):
            return list(reports)
        assert time.monotonic() < deadline, f"the workspace index did not end: {reports}"
        await asyncio.sleep(0.01)


# --- positions ---------------------------------------------------------------------------------


def units(text: str, encoding: str) -> int:
    """Length of `text` in the client's units."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    assert encoding == "utf-32", encoding
    return len(text)


def client_position(lines: Sequence[str], line: int, column: int, encoding: str) -> t.Position:
    """A code-point column of `lines[line]` as a client position."""
    return t.Position(line, units(lines[line][:column], encoding))


class Doc:
    """A test document's text and how to point into it in one encoding."""

    def __init__(self, text: str, encoding: str) -> None:
        self.text = text
        self.encoding = encoding
        self.lines = text.split("\n")

    def find(self, needle: str, occurrence: int = 0, line: int | None = None) -> tuple[int, int]:
        """(line, code-point column) of the `occurrence`-th `needle` (optionally on one line)."""
        seen = 0
        for number, text in enumerate(self.lines):
            if line is not None and number != line:
                continue
            start = text.find(needle)
            while start >= 0:
                if seen == occurrence:
                    return number, start
                seen += 1
                start = text.find(needle, start + 1)
        raise AssertionError(f"{needle!r} #{occurrence} not in the document")

    def line_of(self, needle: str, occurrence: int = 0) -> int:
        return self.find(needle, occurrence)[0]

    def pos(self, needle: str, occurrence: int = 0, delta: int = 0, line: int | None = None) -> t.Position:
        """Client position `delta` code points into the found `needle` (negative: before it)."""
        number, column = self.find(needle, occurrence, line)
        return client_position(self.lines, number, column + delta, self.encoding)

    def end(self, needle: str, occurrence: int = 0, line: int | None = None) -> t.Position:
        """Client position just after the found `needle`."""
        return self.pos(needle, occurrence, len(needle), line)

    def range(self, needle: str, occurrence: int = 0, line: int | None = None, length: int | None = None) -> t.Range:
        """Client range of the found `needle` (or its first `length` code points)."""
        number, column = self.find(needle, occurrence, line)
        size = len(needle) if length is None else length
        return t.Range(
            client_position(self.lines, number, column, self.encoding),
            client_position(self.lines, number, column + size, self.encoding),
        )

    def at(self, line: int, column: int) -> t.Position:
        return client_position(self.lines, line, column, self.encoding)

    def line_range(self, line: int, start: int, end: int, end_line: int | None = None) -> t.Range:
        last = line if end_line is None else end_line
        return t.Range(self.at(line, start), self.at(last, end))


# --- a session under test ----------------------------------------------------------------------

_counter = itertools.count(1)


@dataclass
class Session:
    """One initialized server as one preset sees it, plus what a test needs to drive it."""

    client: RecordingClient
    preset: str
    encoding: str
    result: t.InitializeResult
    docs_dir: Path
    workspace: Path
    test_name: str = "test"
    opened: set[str] = field(default_factory=set)

    @property
    def pull(self) -> bool:
        return self.preset.startswith("neovim")

    @property
    def snippets(self) -> bool:
        return self.preset != "emacs"

    def doc(self, text: str) -> Doc:
        return Doc(text, self.encoding)

    def new_uri(self, stem: str | None = None) -> str:
        name = f"{stem or self.test_name}-{next(_counter)}.fz"
        return (self.docs_dir / name).as_uri()

    # documents

    def open(self, text: str, uri: str | None = None, version: int = 1) -> str:
        uri = uri or self.new_uri()
        self.client.text_document_did_open(
            t.DidOpenTextDocumentParams(
                t.TextDocumentItem(uri=uri, language_id=LANGUAGE_ID, version=version, text=text)
            )
        )
        self.opened.add(uri)
        return uri

    def change(self, uri: str, version: int, *changes: t.TextDocumentContentChangeEvent) -> None:
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(t.VersionedTextDocumentIdentifier(version=version, uri=uri), list(changes))
        )

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(t.DidCloseTextDocumentParams(t.TextDocumentIdentifier(uri)))
        self.opened.discard(uri)

    def publishes_for(self, uri: str) -> list[t.PublishDiagnosticsParams]:
        return [p for p in self.client.publishes if p.uri == uri]

    async def wait_publish(
        self,
        uri: str,
        predicate: Callable[[t.PublishDiagnosticsParams], bool],
        since: int = 0,
        timeout: float = TIMEOUT,
    ) -> t.PublishDiagnosticsParams:
        """The latest publish for `uri` (among those after the first `since` of the session) that matches."""
        deadline = time.monotonic() + timeout
        while True:
            for params in reversed(self.client.publishes[since:]):
                if params.uri == uri and predicate(params):
                    return params
            if time.monotonic() > deadline:
                seen = [(p.version, len(p.diagnostics)) for p in self.publishes_for(uri)]
                raise AssertionError(f"no matching publishDiagnostics for {uri}; seen {seen}")
            await asyncio.sleep(0.005)

    async def pull_report(self, uri: str, previous: str | None = None) -> t.DocumentDiagnosticReport:
        return await self.client.text_document_diagnostic_async(
            t.DocumentDiagnosticParams(text_document=self._id(uri), previous_result_id=previous)
        )

    async def diagnostics(self, uri: str, version: int) -> list[t.Diagnostic]:
        """The diagnostics of `uri` at `version`: pulled (pull clients) or waited for (push)."""
        if self.pull:
            report = await self.pull_report(uri)
            assert isinstance(report, t.RelatedFullDocumentDiagnosticReport), report
            return list(report.items)
        params = await self.wait_publish(uri, lambda p: p.version == version)
        return list(params.diagnostics)

    async def round_trip(self) -> None:
        """A request answered after everything sent before it was handled."""
        await self.hover(self.new_uri("round-trip"), t.Position(0, 0))

    async def change_configuration(self, settings: Any) -> None:
        """didChangeConfiguration; without the settings in it, wait for the server to pull them."""
        before = self.client.configuration_requests
        self.client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=settings))
        if not (isinstance(settings, dict) and isinstance(settings.get("fz-lsp"), dict)):
            deadline = time.monotonic() + TIMEOUT
            while self.client.configuration_requests == before:
                assert time.monotonic() < deadline, "the server did not ask for the configuration"
                await asyncio.sleep(0.005)
        await self.round_trip()

    # requests

    @staticmethod
    def _id(uri: str) -> t.TextDocumentIdentifier:
        return t.TextDocumentIdentifier(uri)

    async def hover(self, uri: str, position: t.Position) -> t.Hover | None:
        return await self.client.text_document_hover_async(
            t.HoverParams(text_document=self._id(uri), position=position)
        )

    async def hover_text(self, uri: str, position: t.Position) -> str:
        result = await self.hover(uri, position)
        assert result is not None, f"no hover at {position}"
        assert isinstance(result.contents, t.MarkupContent)
        assert result.contents.kind == t.MarkupKind.Markdown
        return result.contents.value

    async def definition(self, uri: str, position: t.Position) -> list[t.Location]:
        result = await self.client.text_document_definition_async(
            t.DefinitionParams(text_document=self._id(uri), position=position)
        )
        return as_locations(result)

    async def declaration(self, uri: str, position: t.Position) -> list[t.Location]:
        result = await self.client.text_document_declaration_async(
            t.DeclarationParams(text_document=self._id(uri), position=position)
        )
        return as_locations(result)

    async def references(self, uri: str, position: t.Position, declaration: bool) -> list[t.Location]:
        result = await self.client.text_document_references_async(
            t.ReferenceParams(
                context=t.ReferenceContext(include_declaration=declaration),
                text_document=self._id(uri),
                position=position,
            )
        )
        return list(result or [])

    async def highlights(self, uri: str, position: t.Position) -> list[t.DocumentHighlight]:
        result = await self.client.text_document_document_highlight_async(
            t.DocumentHighlightParams(text_document=self._id(uri), position=position)
        )
        return list(result or [])

    async def completion(self, uri: str, position: t.Position) -> list[t.CompletionItem]:
        result = await self.client.text_document_completion_async(
            t.CompletionParams(text_document=self._id(uri), position=position)
        )
        if result is None:
            return []
        if isinstance(result, t.CompletionList):
            return list(result.items)
        return list(result)

    async def document_symbols(self, uri: str) -> list[t.DocumentSymbol]:
        result = await self.client.text_document_document_symbol_async(
            t.DocumentSymbolParams(text_document=self._id(uri))
        )
        symbols = list(result or [])
        assert all(isinstance(s, t.DocumentSymbol) for s in symbols), symbols
        return symbols  # type: ignore[return-value]


def as_locations(result: Any) -> list[t.Location]:
    if result is None:
        return []
    if isinstance(result, t.Location):
        return [result]
    locations = list(result)
    assert all(isinstance(item, t.Location) for item in locations), locations
    return locations
