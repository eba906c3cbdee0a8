"""Document symbols (lanes holding their nodes) and workspace symbols."""

from __future__ import annotations

from lsprotocol import types

from fz_lsp.analysis.model import Model, Node
from fz_lsp.features.hover import lane_label, node_title
from fz_lsp.features.positions import Positions

SHAPE_KINDS = {
    "circle": types.SymbolKind.Event,
    "rectangle": types.SymbolKind.Function,
    "diamond": types.SymbolKind.Boolean,
    "taskbox": types.SymbolKind.Object,
}


def _node_symbol(node: Node, positions: Positions) -> types.DocumentSymbol:
    decl = node.decl
    end = decl.attributes[-1].value.end if decl.attributes else decl.shape.end
    return types.DocumentSymbol(
        name=node_title(node),
        detail=decl.shape.text,
        kind=SHAPE_KINDS.get(decl.shape.text, types.SymbolKind.Variable),
        range=positions.range(node.line, decl.node.start, end),
        selection_range=positions.range(node.line, decl.node.start, decl.node.end),
    )


def document_symbols(model: Model, positions: Positions) -> list[types.DocumentSymbol]:
    symbols: list[types.DocumentSymbol] = []
    for lane in model.lanes:
        name = lane.id_name
        label = lane_label(lane)
        end_line = lane.end_line
        end_column = len(model.lines[end_line]) if end_line < len(model.lines) else 0
        symbols.append(
            types.DocumentSymbol(
                name=f"{lane.id} ({label})" if label else lane.id,
                detail=label,
                kind=types.SymbolKind.Namespace,
                range=positions.range(lane.line, name.start, end_column, end_line),
                selection_range=positions.range(lane.line, name.start, name.end),
                children=[_node_symbol(node, positions) for node in lane.nodes],
            )
        )
    symbols.extend(_node_symbol(node, positions) for node in model.nodes if node.lane is None)
    return symbols


def workspace_symbols(model: Model, positions: Positions, uri: str, query: str) -> list[types.WorkspaceSymbol]:
    """Lanes and nodes whose name or label contains `query` (case-insensitive)."""
    wanted = query.lower()
    found: list[types.WorkspaceSymbol] = []
    for lane in model.lanes:
        title = f"{lane.id} {lane_label(lane) or ''}".strip()
        if wanted in title.lower():
            name = lane.id_name
            found.append(
                types.WorkspaceSymbol(
                    name=title,
                    kind=types.SymbolKind.Namespace,
                    location=types.Location(uri, positions.range(lane.line, name.start, name.end)),
                )
            )
    for node in model.nodes:
        title = node_title(node)
        if wanted in title.lower():
            name = node.decl.node
            found.append(
                types.WorkspaceSymbol(
                    name=title,
                    kind=SHAPE_KINDS.get(node.decl.shape.text, types.SymbolKind.Variable),
                    location=types.Location(uri, positions.range(node.line, name.start, name.end)),
                    container_name=node.lane.id if node.lane is not None else None,
                )
            )
    return found
