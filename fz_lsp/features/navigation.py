"""Definition, references and highlights for nodes and lanes, across lanes."""

from __future__ import annotations

from lsprotocol import types

from fz_lsp.analysis.model import Model
from fz_lsp.features.locate import locate
from fz_lsp.features.positions import Positions
from fz_lsp.syntax.statements import Name


def _occurrences(model: Model, kind: str, ident: str, include_declaration: bool) -> list[tuple[int, Name, bool]]:
    """(line, name, is_write) for each place the node or lane `ident` is written."""
    found: list[tuple[int, Name, bool]] = []
    if kind == "node":
        node = model.node_table.get(ident)
        if include_declaration:
            found += [(n.line, n.decl.node, True) for n in model.nodes if n.id == ident]
        if node is not None or ident in model.node_refs:
            found += [(r.line, r.ref.node, False) for r in model.references_to(ident)]
    else:
        if include_declaration:
            found += [(lane.line, lane.id_name, True) for lane in model.lanes if lane.id == ident]
        found += [(use.line, use.name, False) for use in model.lane_refs.get(ident, [])]
    found.sort(key=lambda item: (item[0], item[1].start))
    return found


def definition(model: Model, positions: Positions, uri: str, line: int, column: int) -> list[types.Location]:
    target = locate(model, line, column)
    if target is None:
        return []
    if target.kind == "node":
        node = model.node_table.get(target.text)
        if node is None:
            return []
        name = node.decl.node
        return [types.Location(uri, positions.range(node.line, name.start, name.end))]
    if target.kind == "lane":
        lane = model.lane_table.get(target.text)
        if lane is None:
            return []
        name = lane.id_name
        return [types.Location(uri, positions.range(lane.line, name.start, name.end))]
    return []


def references(
    model: Model, positions: Positions, uri: str, line: int, column: int, include_declaration: bool
) -> list[types.Location]:
    target = locate(model, line, column)
    if target is None or target.kind not in ("node", "lane"):
        return []
    return [
        types.Location(uri, positions.range(at, name.start, name.end))
        for at, name, _ in _occurrences(model, target.kind, target.text, include_declaration)
    ]


def highlights(model: Model, positions: Positions, line: int, column: int) -> list[types.DocumentHighlight]:
    target = locate(model, line, column)
    if target is None or target.kind not in ("node", "lane"):
        return []
    return [
        types.DocumentHighlight(
            positions.range(at, name.start, name.end),
            types.DocumentHighlightKind.Write if write else types.DocumentHighlightKind.Read,
        )
        for at, name, write in _occurrences(model, target.kind, target.text, True)
    ]
