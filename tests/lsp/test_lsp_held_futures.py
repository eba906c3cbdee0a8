"""Nothing is held per message: the protocol keeps no future of a notification or request once it is done.

pygls registers the future of every handler its built-in document handlers pass a
notification on to, and drops only those of requests; typing would then hold one
future (with its lock and condition) per keystroke for as long as the server runs.
The messages go through the server's own protocol object as its stdio reader hands them
over (`json.loads` with the protocol's object hook, then `handle_message`).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from lsprotocol import types as t

from fz_lsp import server
from fz_lsp.protocol import FlowZapProtocol
from fz_lsp.server import FlowZapServer

URI = "file:///diagrams/typing.fz"
TEXT = 'Desk { # 前台 🛎\nn1: circle label:"来客"\nn2: rectangle label:"Check in 😀"\nn1.handle(right) -> n2.handle(left)\n}\n'


class Collected:
    """The server's output, as the client would read it."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        self.messages.append(json.loads(data.decode("utf-8")))

    def close(self) -> None:
        pass


async def deliver(protocol: FlowZapProtocol, message: dict[str, Any]) -> None:
    """One message as the stdio reader hands it over; then the loop runs what it scheduled."""
    protocol.handle_message(
        json.loads(json.dumps({"jsonrpc": "2.0", **message}), object_hook=protocol.structure_message)
    )
    await asyncio.sleep(0.01)


async def type_and_ask(ls: FlowZapServer, out: Collected) -> None:
    protocol = ls.protocol
    assert isinstance(protocol, FlowZapProtocol)
    await deliver(protocol, {"id": 1, "method": "initialize", "params": {"capabilities": {}, "processId": None}})
    await deliver(protocol, {"method": "initialized", "params": {}})
    await deliver(
        protocol, {"method": "workspace/didChangeConfiguration", "params": {"settings": {"fz-lsp": {"debounceMs": 0}}}}
    )
    await deliver(
        protocol,
        {
            "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": URI, "languageId": "flowzap", "version": 1, "text": TEXT}},
        },
    )
    typed = ' [label="好"]'
    for column, char in enumerate(typed):
        at = {"line": 3, "character": 35 + column}
        change = {"range": {"start": at, "end": at}, "text": char}
        await deliver(
            protocol,
            {
                "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": URI, "version": 2 + column}, "contentChanges": [change]},
            },
        )
        assert len(protocol._request_futures) <= 1  # at most the future of the message just handled
        position = {"line": 3, "character": 36 + column}
        await deliver(
            protocol,
            {
                "id": 10 + column,
                "method": "textDocument/hover",
                "params": {"textDocument": {"uri": URI}, "position": position},
            },
        )
    await deliver(protocol, {"method": "textDocument/didClose", "params": {"textDocument": {"uri": URI}}})
    for _ in range(20):  # the indexing worker started by `initialized` ends
        if all(future.done() for future in protocol._request_futures.values()):
            break
        await asyncio.sleep(0.05)
    # The next message finds nothing left of those before it; a request's future goes with its answer.
    await deliver(protocol, {"id": 99, "method": "shutdown"})


def test_no_future_is_kept_after_typing() -> None:
    ls = FlowZapServer()  # a server of its own, with the handlers these messages need
    for method, handler in (
        (t.INITIALIZE, server.initialize),
        (t.INITIALIZED, server.initialized),
        (t.WORKSPACE_DID_CHANGE_CONFIGURATION, server.did_change_configuration),
        (t.TEXT_DOCUMENT_DID_OPEN, server.did_open),
        (t.TEXT_DOCUMENT_DID_CHANGE, server.did_change),
        (t.TEXT_DOCUMENT_DID_CLOSE, server.did_close),
        (t.TEXT_DOCUMENT_HOVER, server.on_hover),
    ):
        ls.feature(method)(handler)
    out = Collected()
    ls.protocol.set_writer(out, include_headers=False)
    asyncio.run(type_and_ask(ls, out))
    protocol = ls.protocol
    assert isinstance(protocol, FlowZapProtocol)
    assert protocol._request_futures == {}
    answered = sorted(m["id"] for m in out.messages if "id" in m and "method" not in m)
    assert answered == [1, *range(10, 10 + len(' [label="好"]')), 99]
    versions = [
        m["params"]["version"]
        for m in out.messages
        if m.get("method") == t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS and "version" in m["params"]
    ]
    assert versions[-1] == 1 + len(' [label="好"]')
