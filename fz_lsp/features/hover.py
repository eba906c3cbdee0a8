"""Hover: what a node, lane, edge label or FlowZap word means, in Markdown."""

from __future__ import annotations

from lsprotocol import types

from fz_lsp.analysis.model import EdgeSite, Lane, Model, Node, Reference
from fz_lsp.analysis.vocabulary import closest_names
from fz_lsp.features.locate import Target, locate
from fz_lsp.features.positions import Positions
from fz_lsp.syntax.statements import Ref

WORDS = {
    "circle": "`circle`: a start or end point of the flow.",
    "rectangle": "`rectangle`: a step of the flow.",
    "diamond": "`diamond`: a decision; its outgoing edges are the choices.",
    "taskbox": "`taskbox`: a task assigned to someone (`owner`, `description`, `system`).",
    "left": "`left`: the handle on the node's left side.",
    "right": "`right`: the handle on the node's right side.",
    "top": "`top`: the handle on the node's top side.",
    "bottom": "`bottom`: the handle on the node's bottom side.",
    "handle": "`handle(direction)`: the side of the node an edge attaches to.",
    "loop": "`loop [text] n1 n2 ...`: a repeated part of the flow, with its condition in brackets.",
    "->": "`->`: an edge from the handle on the left to the handle on the right.",
    "label": "`label`: the text FlowZap shows on the node (50 characters at most).",
    "owner": "`owner`: who a taskbox is assigned to.",
    "description": "`description`: what a taskbox asks for.",
    "system": "`system`: the system a taskbox is done in.",
}


def node_title(node: Node) -> str:
    return f"{node.id} {node.label}" if node.label else node.id


def lane_label(lane: Lane) -> str | None:
    """The lane's display label when it adds something: none when empty or the ID itself (`Shop { # Shop`)."""
    return lane.label if lane.label and lane.label != lane.id else None


def _lane_name(lane: Lane | None) -> str:
    if lane is None:
        return "outside every lane"
    label = lane_label(lane)
    return f"`{lane.id}`" + (f" ({label})" if label else "")


def _half_typed(model: Model, line: int, ref: Ref) -> bool:
    """`-> Shop.` or `-> Shop`: a lane's ID (or a prefix followed by a dot) where a node belongs."""
    if ref.lane is not None:
        return False
    name = ref.node
    return name.text in model.lane_table or model.lines[line][name.end : name.end + 1] == "."


def _other_end(model: Model, site: EdgeSite, end: Reference) -> str:
    node, ref = end.node, end.ref
    if node is None:
        if _half_typed(model, site.line, ref):
            return f"{ref.node.text}.… (node ID missing)"
        return f"{ref.node.text} (undeclared)"
    prefix = f"{node.lane.id}." if node.lane is not None and node.lane is not site.lane else ""
    return f"{prefix}{node_title(node)}"


def edge_line(site: EdgeSite, model: Model) -> str:
    """`n3 Validate order → Billing.n4 Charge card`, with the edge's label if it has one.

    Ends in the lane the edge is written in are bare; others carry their lane, as in the file.
    """
    source = _other_end(model, site, site.source)
    target = _other_end(model, site, site.target)
    label = f' "{site.edge.label.value.value}"' if site.edge.label is not None else ""
    return f"{source} → {target}{label}"


def _node_hover(model: Model, node: Node) -> str:
    decl = node.decl
    parts = [f"**{node_title(node)}**", "", f"`{decl.shape.text}` in lane {_lane_name(node.lane)}"]
    for key in ("owner", "description", "system"):
        attribute = decl.attribute(key)
        if attribute is not None:
            parts.append(f"- {key}: {attribute.value.value}")
    outgoing = [e for e in model.edges if e.source.node is node]
    incoming = [e for e in model.edges if e.target.node is node]
    if outgoing:
        parts += ["", "Outgoing:"] + [f"- {edge_line(e, model)}" for e in outgoing]
    if incoming:
        parts += ["", "Incoming:"] + [f"- {edge_line(e, model)}" for e in incoming]
    if not outgoing and not incoming:
        parts += ["", "No edges."]
    return "\n".join(parts)


def _lane_hover(model: Model, lane: Lane) -> str:
    out = sum(1 for e in model.edges if _lane(e.source.node) is lane and _lane(e.target.node) not in (lane, None))
    into = sum(1 for e in model.edges if _lane(e.target.node) is lane and _lane(e.source.node) not in (lane, None))
    count = len(lane.nodes)
    label = lane_label(lane)
    return "\n".join(
        [
            f"**Lane `{lane.id}`**" + (f": {label}" if label else ""),
            "",
            f"{count} node{'s' if count != 1 else ''}; {out} edge{'s' if out != 1 else ''} out of the lane, "
            f"{into} edge{'s' if into != 1 else ''} into it",
        ]
    )


def _lane(node: Node | None) -> Lane | None:
    return node.lane if node is not None else None


def _missing_node(model: Model, target: Target) -> str:
    """What a half-typed end lacks: `-> Shop.` (the node ID after the dot) or `-> Shop` (a lane, not a node)."""
    lane = model.lane_table.get(target.text)
    dot = model.lines[target.line][target.name.end : target.name.end + 1] == "."
    if lane is None:
        guesses = closest_names(target.text, list(model.lane_table), limit=1)
        hint = f" Did you mean `{guesses[0]}`?" if guesses else ""
        return f"`{target.text}.` names no lane of this file, and the node ID after it is missing.{hint}"
    examples = ", ".join(f"`{lane.id}.{node.id}`" for node in lane.nodes[:3])
    more = ", ..." if len(lane.nodes) > 3 else ""
    missing = f"The node ID after `{lane.id}.` is missing" if dot else f"`{lane.id}` is a lane, not a node"
    which = f": write one of its nodes, {examples}{more}." if examples else "; the lane has no nodes yet."
    return _lane_hover(model, lane) + "\n\n" + missing + which


def _dangling(model: Model, target: Target) -> str:
    guesses = closest_names(target.text, list(model.node_table), limit=1)
    if target.kind == "lane":
        guesses = closest_names(target.text, list(model.lane_table), limit=1)
        hint = f" Did you mean `{guesses[0]}`?" if guesses else ""
        return f"`{target.text}` is not a lane of this file.{hint}"
    hint = ""
    if guesses:
        hint = f" Did you mean `{guesses[0]}`"
        label = model.node_table[guesses[0]].label
        hint += f" ({label})?" if label else "?"
    return f"`{target.text}` is not declared.{hint}"


def hover(model: Model, positions: Positions, line: int, column: int) -> types.Hover | None:
    target = locate(model, line, column)
    if target is None:
        return None
    if target.kind == "node":
        node = target.resolved
        if isinstance(node, Node):
            text = _node_hover(model, node)
        elif target.text in model.lane_table or model.lines[line][target.name.end : target.name.end + 1] == ".":
            text = _missing_node(model, target)
        else:
            text = _dangling(model, target)
    elif target.kind == "lane":
        lane = target.resolved
        text = _lane_hover(model, lane) if isinstance(lane, Lane) else _dangling(model, target)
    elif target.kind == "edge_label":
        if target.edge is None:
            return None
        text = f"Edge: {edge_line(target.edge, model)}"
    else:
        explanation = WORDS.get(target.text)
        if explanation is None:
            return None
        text = explanation
    return types.Hover(
        contents=types.MarkupContent(types.MarkupKind.Markdown, text),
        range=positions.range(target.line, target.name.start, target.name.end),
    )
