"""The diagram as Mermaid or Graphviz DOT text: a flowchart with one subgraph per lane.

For places where only Mermaid or Graphviz renders (GitHub Markdown, wikis). These
engines choose their own layout; handles become DOT compass ports, and are lost in
Mermaid, which has none.
"""

from __future__ import annotations

import re

from fz_lsp.analysis.model import Model, Node
from fz_lsp.render.placement import DIRECTIONS

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_]")
_COMPASS = {"left": "w", "right": "e", "top": "n", "bottom": "s"}


def _drawable_nodes(model: Model) -> list[Node]:
    return [n for n in model.nodes if n.decl.problem is None and n.lane is not None]


def _handle(text: str | None, default: str) -> str:
    lowered = (text or "").lower()
    return lowered if lowered in DIRECTIONS else default


def _edges(model: Model, drawn: dict[int, str]) -> list[tuple[str, str, str, str, str | None]]:
    found = []
    for site in model.edges:
        edge = site.edge
        source, target = site.source.node, site.target.node
        if edge.problem is not None or source is None or target is None:
            continue
        if id(source) not in drawn or id(target) not in drawn:
            continue
        sh = _handle(edge.source.handle.direction.text if edge.source.handle else None, "right")
        th = _handle(edge.target.handle.direction.text if edge.target.handle else None, "left")
        label = edge.label.value.value if edge.label is not None and edge.label.value.value else None
        found.append((drawn[id(source)], drawn[id(target)], sh, th, label))
    return found


def _names(model: Model) -> tuple[dict[int, str], list[tuple[str, str, list[Node]]]]:
    """Safe, unique identifiers for nodes (by declaration) and lanes."""
    taken: set[str] = set()

    def unique(base: str) -> str:
        name = _UNSAFE_ID.sub("_", base) or "_"
        candidate, k = name, 2
        while candidate in taken:
            candidate = f"{name}_{k}"
            k += 1
        taken.add(candidate)
        return candidate

    drawn: dict[int, str] = {}
    nodes = _drawable_nodes(model)
    for node in nodes:
        drawn[id(node)] = unique(node.id)
    lanes = []
    for lane in model.lanes:
        members = [n for n in nodes if n.lane is lane]
        lanes.append((unique("lane_" + lane.id), lane.label or lane.id, members))
    return drawn, lanes


def _mermaid_text(text: str) -> str:
    escaped = text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return " ".join(escaped.split())


_MERMAID_SHAPES = {"circle": ('(("', '"))'), "diamond": ('{"', '"}'), "taskbox": ('[["', '"]]')}


def to_mermaid(model: Model) -> str:
    drawn, lanes = _names(model)
    out = ["flowchart LR"]
    for lane_name, label, members in lanes:
        out.append(f'  subgraph {lane_name}["{_mermaid_text(label)}"]')
        for node in members:
            left, right = _MERMAID_SHAPES.get(node.decl.shape.text.lower(), ('["', '"]'))
            out.append(f"    {drawn[id(node)]}{left}{_mermaid_text(node.label or node.id)}{right}")
        out.append("  end")
    for source, target, _, _, edge_label in _edges(model, drawn):
        text = f'|"{_mermaid_text(edge_label)}"|' if edge_label else ""
        out.append(f"  {source} -->{text} {target}")
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    return '"' + " ".join(text.replace("\\", "\\\\").replace('"', '\\"').split()) + '"'


_DOT_SHAPES = {"circle": "circle", "diamond": "diamond", "taskbox": "box", "rectangle": "box"}


def to_dot(model: Model) -> str:
    drawn, lanes = _names(model)
    out = [
        "digraph flowzap {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded", fontname="DejaVu Sans"];',
        '  edge [fontname="DejaVu Sans", fontsize=10];',
    ]
    for index, (_, label, members) in enumerate(lanes):
        out.append(f"  subgraph cluster_{index} {{")
        out.append(f"    label={_dot_text(label)};")
        for node in members:
            shape = _DOT_SHAPES.get(node.decl.shape.text.lower(), "box")
            out.append(f"    {drawn[id(node)]} [label={_dot_text(node.label or node.id)}, shape={shape}];")
        out.append("  }")
    for source, target, sh, th, edge_label in _edges(model, drawn):
        attrs = f" [label={_dot_text(edge_label)}]" if edge_label else ""
        out.append(f"  {source}:{_COMPASS[sh]} -> {target}:{_COMPASS[th]}{attrs};")
    out.append("}")
    return "\n".join(out) + "\n"
