"""Definition, references and highlights for nodes and lanes, across lanes."""

from __future__ import annotations

from lsprotocol import types

from fz_lsp.analysis.model import Lane, Model, Node, Occurrence
from fz_lsp.features.locate import Target, locate
from fz_lsp.features.positions import Positions


def _occurrences(model: Model, target: Target, include_declaration: bool) -> list[Occurrence]:
    """Each place written for the same declaration as `target` (lane-aware), or the same undeclared ID."""
    found = model.occurrences(target.resolved if target.resolved is not None else target.occurrence)
    return [o for o in found if include_declaration or not o.declaration]


def definition(model: Model, positions: Positions, uri: str, line: int, column: int) -> list[types.Location]:
    target = locate(model, line, column)
    if target is None:
        return []
    resolved = target.resolved
    if isinstance(resolved, Node):
        name, at = resolved.decl.node, resolved.line
    elif isinstance(resolved, Lane):
        name, at = resolved.id_name, resolved.line
    else:
        return []
    return [types.Location(uri, positions.range(at, name.start, name.end))]


def references(
    model: Model, positions: Positions, uri: str, line: int, column: int, include_declaration: bool
) -> list[types.Location]:
    target = locate(model, line, column)
    if target is None or target.kind not in ("node", "lane"):
        return []
    return [
        types.Location(uri, positions.range(o.line, o.name.start, o.name.end))
        for o in _occurrences(model, target, include_declaration)
    ]


def highlights(model: Model, positions: Positions, line: int, column: int) -> list[types.DocumentHighlight]:
    target = locate(model, line, column)
    if target is None or target.kind not in ("node", "lane"):
        return []
    return [
        types.DocumentHighlight(
            positions.range(o.line, o.name.start, o.name.end),
            types.DocumentHighlightKind.Write if o.declaration else types.DocumentHighlightKind.Read,
        )
        for o in _occurrences(model, target, True)
    ]
