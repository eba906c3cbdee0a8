"""Call hierarchy along edges: who points at a node (incoming), and where it points (outgoing).

Lets a user walk a flow in the editor's call-hierarchy view; the ranges are the
edge statements, so a click lands on the edge.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from fz_lsp.analysis.model import Model, Node
from fz_lsp.features import facts
from fz_lsp.features.positions import Positions


def item(node: Node, positions: Positions, uri: str) -> types.CallHierarchyItem:
    decl = node.decl
    lane = f" · {node.lane.id}" if node.lane is not None else ""
    end = max((a.value.end for a in decl.attributes), default=decl.shape.end)
    return types.CallHierarchyItem(
        name=node.id,
        kind=types.SymbolKind.Function,
        uri=uri,
        range=positions.range(node.line, decl.node.start, end),
        selection_range=positions.range(node.line, decl.node.start, decl.node.end),
        detail=(node.label or "") + lane,
        data={"line": node.line, "id": node.id},
    )


def prepare(model: Model, positions: Positions, uri: str, line: int, column: int) -> list[types.CallHierarchyItem]:
    node = facts.node_written_at(model, line, column)
    return [] if node is None else [item(node, positions, uri)]


def node_of(model: Model, given: types.CallHierarchyItem, positions: Positions) -> Node | None:
    """The node an item names: by the line and ID it was made with, else by its selection range."""
    data: Any = given.data
    if isinstance(data, dict) and isinstance(data.get("line"), int) and isinstance(data.get("id"), str):
        line, node_id = data["line"], data["id"]
    else:
        line, node_id = given.selection_range.start.line, given.name
    return next((n for n in model.nodes if n.line == line and n.id == node_id), None)


def incoming(
    model: Model, positions: Positions, uri: str, given: types.CallHierarchyItem
) -> list[types.CallHierarchyIncomingCall]:
    node = node_of(model, given, positions)
    if node is None:
        return []
    calls: dict[int, tuple[Node, list[types.Range]]] = {}
    for link in facts.links(model):
        if link.target is node:
            calls.setdefault(id(link.source), (link.source, []))[1].append(
                positions.range(link.line, link.start, link.end)
            )
    return [types.CallHierarchyIncomingCall(item(source, positions, uri), ranges) for source, ranges in calls.values()]


def outgoing(
    model: Model, positions: Positions, uri: str, given: types.CallHierarchyItem
) -> list[types.CallHierarchyOutgoingCall]:
    node = node_of(model, given, positions)
    if node is None:
        return []
    calls: dict[int, tuple[Node, list[types.Range]]] = {}
    for link in facts.links(model):
        if link.source is node:
            calls.setdefault(id(link.target), (link.target, []))[1].append(
                positions.range(link.line, link.start, link.end)
            )
    return [types.CallHierarchyOutgoingCall(item(target, positions, uri), ranges) for target, ranges in calls.values()]
