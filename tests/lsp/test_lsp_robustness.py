"""What editors really send: unknown documents, odd positions and schemes, cancellation, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from lsp_support import (
    BIG_FILE_NAME,
    ENCODINGS,
    MAIN,
    PRESETS,
    SERVER_COMMAND,
    Session,
    initialize_params,
    make_client,
    units,
    wait_for_index,
)
from lsprotocol import types as t
from lsprotocol.converters import get_converter
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import ClientServerConfig, client_capabilities

SMALL = """\
Desk { # 服务台 🛎
n1: circle label:"Hello"
n2: rectangle label:"Help"
n1.handle(right) -> n2.handle(left)
}
"""


async def test_requests_about_a_document_that_is_not_open(lsp: Session) -> None:
    uri = lsp.new_uri("not-open")
    here = t.Position(0, 0)
    assert await lsp.hover(uri, here) is None
    assert await lsp.definition(uri, here) == []
    assert await lsp.declaration(uri, here) == []
    assert await lsp.references(uri, here, True) == []
    assert await lsp.highlights(uri, here) == []
    assert await lsp.completion(uri, here) == []
    assert await lsp.document_symbols(uri) == []
    actions = await lsp.client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri),
            range=t.Range(here, here),
            context=t.CodeActionContext(diagnostics=[]),
        )
    )
    assert list(actions or []) == []
    # A change or close for it is ignored, not an error.
    lsp.change(uri, 2, t.TextDocumentContentChangeWholeDocument(text=SMALL))
    lsp.close(uri)
    await lsp.round_trip()
    published = [(p.version, list(p.diagnostics)) for p in lsp.publishes_for(uri)]
    assert published == ([] if lsp.pull else [(None, [])])  # at most the close's clearing


async def test_positions_past_the_end_of_a_line_and_of_the_file(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    last = len(doc.lines) - 1  # the empty line after the final newline

    line_end = doc.at(1, len(doc.lines[1]))
    at_end = await lsp.hover(uri, line_end)
    assert await lsp.hover(uri, t.Position(1, line_end.character + 500)) == at_end
    assert at_end is not None and at_end.range == doc.range("n1")  # the label's end belongs to its node

    assert await lsp.hover(uri, t.Position(last + 10, 0)) is None
    assert await lsp.definition(uri, t.Position(last + 10, 99)) == []
    assert await lsp.references(uri, t.Position(last + 10, 99), True) == []
    items = await lsp.completion(uri, t.Position(last + 10, 99))
    assert [item.label for item in items] == ["lane"]  # clamped to the end: outside every lane
    assert all(
        item.text_edit == t.TextEdit(t.Range(t.Position(last, 0), t.Position(last, 0)), item.text_edit.new_text)
        for item in items
        if isinstance(item.text_edit, t.TextEdit)
    )

    before = await lsp.diagnostics(uri, 1)
    # An edit at (line count, 0), past the last line, as some clients send it: clamped to the end.
    lsp.change(
        uri,
        2,
        t.TextDocumentContentChangePartial(range=t.Range(t.Position(last + 1, 0), t.Position(last + 1, 0)), text="\n"),
    )
    assert await lsp.diagnostics(uri, 2) == before


ODD = [
    "",
    "}",
    "{",
    '订单 { # 中文 lane\nn1: circle label:"一"\nn1.handle(right) -> 付款.n2.handle(left)\n}\n付款 {\n# 旧式 🏷\nn2: circle label:"二 🎈"\n}\n',
    'A {\nn1: circle label:"open 🔓\nn1.handle(up) -> B.n2.handle(Right) [label:"x"]\nloop [] n1\nn1 -> n1\n',
    'n1: circle label:"outside"\nn1.handle(right) -> n1.handle(left)\nloop [x] n1 n1\n// comment 💬\n',
    '\tA { # tab\r\n\t\tn1: Circle label="x"\r\n\t\tn01: rect label:"y" priority:"high"\r\n\t}\r\n\t}\r\n',
]


async def test_every_position_of_odd_documents(lsp: Session) -> None:
    """Broken, empty and unusual documents: every position answers, none errors."""
    for text in ODD:
        uri = lsp.open(text)
        await lsp.diagnostics(uri, 1)
        lines = text.replace("\r\n", "\n").split("\n")
        for number, line in enumerate([*lines, ""]):  # and one line past the end
            columns = [units(line[:i], lsp.encoding) for i in range(len(line) + 1)]
            for column in [*columns, columns[-1] + 3]:  # and past the end of the line
                position = t.Position(number, column)
                await lsp.hover(uri, position)
                await lsp.definition(uri, position)
                for item in await lsp.completion(uri, position):
                    assert isinstance(item.text_edit, t.TextEdit)
                    assert item.text_edit.range.start.line == min(number, len(lines) - 1)
        await lsp.document_symbols(uri)
        lsp.close(uri)


async def test_untitled_documents(lsp: Session) -> None:
    uri = f"untitled:Untitled-{lsp.encoding}"
    text = SMALL.replace("n2.handle(left)", "n7.handle(left)")
    lsp.open(text, uri=uri)
    doc = lsp.doc(text)
    found = await lsp.diagnostics(uri, 1)
    assert [(d.code, d.range) for d in found] == [
        ("FZ212", doc.range("🛎")),
        ("FZ501", doc.range("n2")),
        ("FZ101", doc.range("n7")),
    ]
    [location] = await lsp.definition(uri, doc.pos("n1", occurrence=1))
    assert location == t.Location(uri, doc.range("n1"))


async def test_uri_escapes_name_one_document(lsp: Session, docs_dir: Path) -> None:
    path = docs_dir / f"订单 flow {lsp.encoding}.fz"
    upper = path.as_uri()  # `%E8%AE%A2...`, as VS Code writes it
    lower = re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), upper)  # `%e8%ae%a2...`, as others may
    assert upper != lower
    lsp.open(SMALL, uri=upper)
    doc = lsp.doc(SMALL)
    [location] = await lsp.definition(lower, doc.pos("n2", occurrence=1))
    assert location.range == doc.range("n2")
    if lsp.pull:
        report = await lsp.pull_report(lower)
        assert isinstance(report, t.RelatedFullDocumentDiagnosticReport)
        assert [d.code for d in report.items] == ["FZ212"]
    else:
        published = await lsp.wait_publish(upper, lambda p: p.version == 1)
        assert [d.code for d in published.diagnostics] == ["FZ212"]
    lsp.close(lower)
    await lsp.round_trip()
    assert await lsp.hover(upper, doc.pos("n1")) is None  # closed under either spelling


async def test_cancelled_requests_leave_the_server_answering(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    protocol = lsp.client.protocol
    pending: list[tuple[str, asyncio.Future[Any]]] = []
    for number, (method, params) in enumerate(
        [
            (t.WORKSPACE_SYMBOL, t.WorkspaceSymbolParams(query="")),
            (t.TEXT_DOCUMENT_DOCUMENT_SYMBOL, t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri))),
            (t.TEXT_DOCUMENT_HOVER, t.HoverParams(text_document=t.TextDocumentIdentifier(uri), position=doc.pos("n2"))),
        ]
    ):
        msg_id = f"cancel-{lsp.encoding}-{number}"
        pending.append((msg_id, asyncio.ensure_future(protocol.send_request_async(method, params, msg_id=msg_id))))
    await asyncio.sleep(0)  # the requests are written
    for msg_id, _ in pending:
        lsp.client.cancel_request(t.CancelParams(id=msg_id))
    lsp.client.cancel_request(t.CancelParams(id="no-such-request"))
    for _, future in pending:
        # Handlers are quick: each request is answered in full or reported as cancelled, never an error.
        with contextlib.suppress(JsonRpcRequestCancelled):
            await asyncio.wait_for(future, 10)
    text = await lsp.hover_text(uri, doc.pos("n2"))
    assert text.startswith("**n2 Validate order**")


@pytest.mark.parametrize("preset", PRESETS)
async def test_initialization_options_then_shutdown_and_exit(preset: str) -> None:
    client = await ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client).start()
    try:
        options = {"fz-lsp": {"debounceMs": 0, "severity": {"FZ212": "off", "FZ101": "hint"}}}
        result = await client.initialize_session(initialize_params(preset, None, options))
        assert result.capabilities.position_encoding == ENCODINGS[preset]
        reports = await wait_for_index(client)
        assert reports[-1] == t.WorkDoneProgressEnd(message="0 files indexed")
        session = Session(client, preset, ENCODINGS[preset], result, Path.cwd(), Path.cwd())
        uri = session.open(MAIN, uri="untitled:lifecycle")
        doc = session.doc(MAIN)
        found = await session.diagnostics(uri, 1)
        assert [(d.code, d.severity, d.range) for d in found] == [
            ("FZ101", t.DiagnosticSeverity.Hint, doc.range("n33"))
        ]

        assert await client.shutdown_async(None) is None
        client.exit(None)
        server = client._server
        assert server is not None
        assert await asyncio.wait_for(server.wait(), 10) == 0
        assert client.messages == []
        assert [m for m in client.log_messages if m.type == t.MessageType.Error] == []
        assert session.pull or [p.version for p in client.publishes] == [1]
        assert not session.pull or client.publishes == []
    finally:
        await client.stop()


# --- TCP ----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body


async def _read_message(reader: asyncio.StreamReader) -> dict[str, Any]:
    length = None
    while True:
        header = (await reader.readline()).decode("ascii").strip()
        if not header:
            break
        name, _, value = header.partition(":")
        if name.lower() == "content-length":
            length = int(value)
    assert length is not None, "a message without Content-Length"
    message: dict[str, Any] = json.loads(await reader.readexactly(length))
    return message


async def _response(reader: asyncio.StreamReader, request_id: int) -> dict[str, Any]:
    while True:
        message = await asyncio.wait_for(_read_message(reader), 10)
        if message.get("id") == request_id and "method" not in message:
            return message


def _fz_lsp_command() -> list[str]:
    script = Path(sys.executable).with_name("fz-lsp.exe" if os.name == "nt" else "fz-lsp")
    return [str(script)] if script.exists() else [*SERVER_COMMAND]


@pytest.mark.parametrize("preset", PRESETS)
async def test_tcp_transport(preset: str, workspace_dir: Path) -> None:
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        *_fz_lsp_command(), "--tcp", f"127.0.0.1:{port}", stdin=asyncio.subprocess.DEVNULL
    )
    writer: asyncio.StreamWriter | None = None
    try:
        for _ in range(200):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                assert process.returncode is None, "the server exited before listening"
                await asyncio.sleep(0.05)
        assert writer is not None, "nothing listens on the port"
        capabilities = get_converter().unstructure(client_capabilities(preset))
        folder = {"uri": workspace_dir.as_uri(), "name": workspace_dir.name}
        params = {
            "processId": os.getpid(),
            "rootUri": None,
            "capabilities": capabilities,
            "workspaceFolders": [folder],
            "initializationOptions": {"debounceMs": 0},
        }
        writer.write(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params}))
        await writer.drain()
        response = await _response(reader, 1)
        assert response["result"]["serverInfo"]["name"] == "fz-lsp"
        assert response["result"]["capabilities"]["positionEncoding"] == ENCODINGS[preset]
        assert response["result"]["capabilities"]["hoverProvider"] is True
        writer.write(_frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        await writer.drain()

        # Start-up work over TCP: the server's requests are answered, and the index's
        # progress and log messages (sent from a worker thread's results) arrive in order.
        notifications: list[tuple[str, Any]] = []
        while not any(m == "$/progress" and p["value"]["kind"] == "end" for m, p in notifications):
            message = await asyncio.wait_for(_read_message(reader), 10)
            if "id" in message and "method" in message:
                items = message.get("params", {}).get("items", [])
                result = [None] * len(items) if message["method"] == "workspace/configuration" else None
                writer.write(_frame({"jsonrpc": "2.0", "id": message["id"], "result": result}))
                await writer.drain()
            elif "method" in message:
                notifications.append((message["method"], message.get("params")))
        skipped = f"fz-lsp: skipped {workspace_dir / BIG_FILE_NAME}"
        assert [
            (m, p["value"]["kind"]) if m == "$/progress" else (m, p["message"].split(" (")[0]) for m, p in notifications
        ] == [("$/progress", "begin"), ("window/logMessage", skipped), ("$/progress", "end")]

        writer.write(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        await writer.drain()
        assert (await _response(reader, 2)).get("result", "missing") is None
        writer.write(_frame({"jsonrpc": "2.0", "method": "exit"}))
        await writer.drain()
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if writer is not None:
            writer.close()
        if process.returncode is None:
            process.kill()
            await process.wait()
