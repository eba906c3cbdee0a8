"""One WorkspaceEdit for one document, in the form the client asked for."""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from fz_lsp.features.positions import Positions


def text_edits(positions: Positions, changes: Iterable[tuple[int, int, int, str]]) -> list[types.TextEdit]:
    """(line, start, end, new text) in code points, as edits in the client's units."""
    return [types.TextEdit(positions.range(line, start, end), text) for line, start, end, text in changes]


def workspace_edit(uri: str, version: int | None, edits: list[types.TextEdit], versioned: bool) -> types.WorkspaceEdit:
    """`documentChanges` with the document's version when the client supports them, else `changes`."""
    if versioned:
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(document, list(edits))])
    return types.WorkspaceEdit(changes={uri: list(edits)})
