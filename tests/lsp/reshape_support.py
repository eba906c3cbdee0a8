"""Applying the server's edits to a test's text, reading positions with the test's own converter."""

from __future__ import annotations

from lsp_support import units
from lsprotocol import types as t


def offset(text: str, position: t.Position, encoding: str) -> int:
    """The code-point offset in `text` (LF line breaks) of a client position."""
    lines = text.split("\n")
    line = lines[position.line] if position.line < len(lines) else ""
    column = 0
    while column < len(line) and units(line[: column + 1], encoding) <= position.character:
        column += 1
    return sum(len(before) + 1 for before in lines[: position.line]) + column


def apply(text: str, edits: list[t.TextEdit], encoding: str) -> str:
    spans = [(offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text) for e in edits]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def edits_of(result: t.WorkspaceEdit | None, uri: str, version: int | None, versioned: bool) -> list[t.TextEdit]:
    """The edits of a one-document WorkspaceEdit, checking the form the client asked for."""
    assert result is not None
    if versioned:
        assert result.changes is None
        assert result.document_changes is not None and len(result.document_changes) == 1
        change = result.document_changes[0]
        assert isinstance(change, t.TextDocumentEdit)
        assert change.text_document == t.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return [e for e in change.edits if isinstance(e, t.TextEdit)]
    assert result.document_changes is None and result.changes is not None
    assert list(result.changes) == [uri]
    return list(result.changes[uri])
