"""The session without a subprocess: capabilities read once, settings, documents, the shared reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types as t
from pytest_lsp import client_capabilities

from fz_lsp.files import Unreadable, read_diagram
from fz_lsp.session import ClientCapabilities, Session


def test_capabilities_of_real_clients() -> None:
    # The capability sets pytest-lsp recorded from these editors, as the session reads them.
    assert ClientCapabilities.of(client_capabilities("visual-studio-code")) == ClientCapabilities(
        snippets=True,
        completion_markdown=True,
        configuration=True,
        watched_files_registration=True,
        work_done_progress=True,
        versioned_document_changes=True,
        disabled_code_actions=True,
    )
    assert ClientCapabilities.of(client_capabilities("neovim@v0.11.0")) == ClientCapabilities(
        snippets=True, completion_markdown=True, pull_diagnostics=True, configuration=True, work_done_progress=True
    )
    assert ClientCapabilities.of(client_capabilities("emacs")) == ClientCapabilities(
        configuration=True, watched_files_registration=True, work_done_progress=True, versioned_document_changes=True
    )
    bare = ClientCapabilities.of(t.ClientCapabilities())
    assert bare == ClientCapabilities()
    plain = t.ClientCapabilities(
        text_document=t.TextDocumentClientCapabilities(
            hover=t.HoverClientCapabilities(content_format=[t.MarkupKind.PlainText])
        )
    )
    assert ClientCapabilities.of(plain).hover_markdown is False


def test_session_documents_in_client_units() -> None:
    logged: list[str] = []
    session = Session(lambda message, kind: logged.append(message))
    session.start(t.ClientCapabilities(), "utf-16", {"fz-lsp": {"debounceMs": 0}})
    assert session.settings_for("untitled:a").debounce_ms == 0
    session.open("file:///tmp/%C3%A9.fz", 'A {\nn1: circle label:"🚀x"\n}\n', 1)
    assert session.document("file:///tmp/%c3%a9.fz") is not None  # either escaping finds it
    # UTF-16: the rocket is two units, so character 20 is after it, before `x`.
    change = t.TextDocumentContentChangePartial(range=t.Range(t.Position(1, 20), t.Position(1, 21)), text="y")
    state = session.change("file:///tmp/%C3%A9.fz", 2, [change])
    assert state is not None and state.lines[1] == 'n1: circle label:"🚀y"' and state.version == 2
    at = session.cursor("file:///tmp/%C3%A9.fz", t.Position(1, 20))
    assert at is not None and (at.line, at.column) == (1, 19)
    assert logged == []


def test_reader_refuses_binary_and_other_encodings(tmp_path: Path) -> None:
    (tmp_path / "bin.fz").write_bytes(b"A {\x00\x01}")
    (tmp_path / "latin.fz").write_bytes("A { # caf\xe9".encode("latin-1"))
    (tmp_path / "ok.fz").write_bytes(b"\xef\xbb\xbfA {\n}\n")
    with pytest.raises(Unreadable, match=r"bin\.fz: binary data \(a NUL byte at offset 3\), not a diagram"):
        read_diagram(tmp_path / "bin.fz")
    with pytest.raises(Unreadable, match=r"latin\.fz: not UTF-8 text \(byte 0xe9 at offset 9\)"):
        read_diagram(tmp_path / "latin.fz")
    assert read_diagram(tmp_path / "ok.fz") == "A {\n}\n"
    with pytest.raises(Unreadable, match=r"ok\.fz \(9 bytes; files over 0 MB are not indexed\)"):
        read_diagram(tmp_path / "ok.fz", max_bytes=4)
