"""Diagnostics published from JSON written ahead are the message pygls would have written.

The server keeps each diagnostic's JSON between publishes and sends the notification
through `FlowZapProtocol.publish_diagnostics`; here its bytes, framed as on stdio, are
read back and compared with what pygls makes of the same `PublishDiagnosticsParams`.
"""

from __future__ import annotations

import json
from typing import Any

from lsprotocol import types as t

from fz_lsp.analysis.config import Settings
from fz_lsp.features.diagnostics import lsp_diagnostics
from fz_lsp.features.positions import Positions
from fz_lsp.features.state import DocumentState
from fz_lsp.protocol import FlowZapProtocol
from fz_lsp.server import FlowZapServer

TEXT = 'Desk { # 前台 🛎\nn1: circle label:"来客 😀"\nn1.handle(right) -> n9.handle(left)\n}\n'


class Wire:
    """Bytes as a client reads them: Content-Length headers and bodies."""

    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data

    def close(self) -> None:
        pass

    def messages(self) -> list[dict[str, Any]]:
        found, rest = [], self.data
        while rest:
            header, _, rest = rest.partition(b"\r\n\r\n")
            length = int(next(line for line in header.split(b"\r\n") if line.startswith(b"Content-Length:")).split()[1])
            found.append(json.loads(rest[:length].decode("utf-8")))
            rest = rest[length:]
        return found


def test_prepared_publish_is_what_pygls_writes() -> None:
    ls = FlowZapServer()
    protocol = ls.protocol
    assert isinstance(protocol, FlowZapProtocol)
    wire = Wire()
    protocol.set_writer(wire)
    for uri, version in (('file:///diagrams/%7B"}前台.fz', 7), ("untitled:Untitled-1", None)):
        state = DocumentState(uri, TEXT, version)
        items = lsp_diagnostics(state.model, Settings(), Positions(state.lines), uri, state.converted)
        assert [item.code for item in items] == ["FZ212", "FZ212", "FZ101"]
        protocol.publish_diagnostics(uri, version, state.converted.json(protocol._converter.unstructure))
        ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version))
    prepared, by_pygls, prepared_unversioned, by_pygls_unversioned = wire.messages()
    assert prepared == by_pygls
    assert prepared["params"]["version"] == 7 and prepared["params"]["uri"] == 'file:///diagrams/%7B"}前台.fz'
    assert prepared_unversioned == by_pygls_unversioned and "version" not in prepared_unversioned["params"]
    # UTF-16 columns: the emoji in the label is two units.
    assert prepared["params"]["diagnostics"][1]["range"] == {
        "start": {"line": 1, "character": 21},
        "end": {"line": 1, "character": 23},
    }
