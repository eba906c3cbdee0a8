"""Lane-first layered layout of a FlowZap model.

Lanes are full-width bands in declaration order; columns come from a layering of
the edge graph; the nodes of one lane and column are stacked in sub-rows of that
lane. Edges are routed orthogonally through channels that hold no node boxes
(the vertical gaps between columns, the horizontal gaps between sub-rows), so a
route can only meet a box on its own stubs, which leave and enter each box on the
side its handle names. See `routing.py` for the routes, `labels.py` for labels.

Why this file is longer than 400 lines: the layering, the columns, the sub-rows and the
node sizes are steps over one shared builder state, each needing the results of the one
before; routes and labels, which only read the placement, are in their own modules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from fz_lsp.analysis.model import Lane, Model, Node
from fz_lsp.render.geometry import EdgePath, LaneBand, Layout, LoopFrame, NodeBox, SourceRange
from fz_lsp.render.text import text_width, wrap
from fz_lsp.syntax.document import paused_gc

DIRECTIONS = ("left", "right", "top", "bottom")

FONT = 13.0
LINE = 16.0
SMALL = 11.0
SMALL_LINE = 14.0
BOLD = 1.1  # bold text is about this much wider

RECT_WIDTH = 176.0
TASK_WIDTH = 200.0
DIAMOND_WIDTH = 200.0
DIAMOND_TEXT = 112.0
CIRCLE_TEXT = 104.0
LANE_GUTTER = 136.0
LANE_TEXT = 112.0
EDGE_LABEL_TEXT = 120.0
LOOP_LABEL_TEXT = 220.0


@dataclass(slots=True)
class Item:
    """A node being laid out."""

    node: Node
    lane: int
    box: NodeBox
    column: int = 0
    row: int = 0
    order: float = 0.0  # barycentre key inside its cell
    depth: int = 0  # same-cell stacking order forced by vertical steps
    topo: int = 0
    out: list[int] = field(default_factory=list)  # edge indices
    into: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Link:
    """An edge being laid out; `a -> b` is its direction for the layering."""

    source: int
    target: int
    from_handle: str
    to_handle: str
    a: int
    b: int
    delta: int
    back: bool = False


def _statement_range(line: int, start: int, end: int) -> SourceRange:
    return (line, start, line, end)


def _node_end(node: Node) -> int:
    decl = node.decl
    if decl.attributes:
        return max(a.value.end for a in decl.attributes)
    return decl.shape.end


def _size_node(item: NodeBox, node: Node) -> None:
    """Card size from its shape and wrapped label."""
    label = item.label
    shape = item.shape
    if shape == "circle":
        lines = wrap(label, CIRCLE_TEXT, FONT)
        w = max((text_width(s, FONT) for s in lines), default=0.0)
        h = len(lines) * LINE
        d = max(72.0, math.ceil(math.hypot(w, h)) + 20.0)
        item.width = item.height = d
        item.lines = lines
    elif shape == "diamond":
        lines = wrap(label, DIAMOND_TEXT, FONT)
        w = max((text_width(s, FONT) for s in lines), default=0.0)
        h = len(lines) * LINE
        item.width = DIAMOND_WIDTH
        item.height = max(80.0, math.ceil(h / (1 - (w + 8) / DIAMOND_WIDTH)) + 16.0)
        item.lines = lines
    elif shape == "taskbox":
        inner = TASK_WIDTH - 24
        lines = wrap(label, inner / BOLD, FONT)
        details: list[tuple[str, tuple[str, ...]]] = []
        decl = node.decl
        for key in ("description", "owner", "system"):
            attribute = decl.attribute(key)
            if attribute is not None and attribute.value.value.strip():
                prefix = "" if key == "description" else f"{key.capitalize()}: "
                details.append((key, wrap(prefix + attribute.value.value, inner, SMALL)))
        item.width = TASK_WIDTH
        detail_lines = sum(len(d[1]) for d in details)
        item.height = max(64.0, 16 + len(lines) * LINE + (10 + detail_lines * SMALL_LINE if details else 0) + 12)
        item.lines = lines
        item.details = tuple(details)
    else:
        lines = wrap(label, RECT_WIDTH - 24, FONT)
        item.width = RECT_WIDTH
        item.height = max(56.0, len(lines) * LINE + 24.0)
        item.lines = lines


def _direction(text: str | None, default: str) -> str:
    if text is None:
        return default
    lowered = text.lower()
    return lowered if lowered in DIRECTIONS else default


class _Builder:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.lanes: list[Lane] = list(model.lanes)
        lane_index = {id(lane): i for i, lane in enumerate(self.lanes)}
        self.items: list[Item] = []
        self.index_of: dict[int, int] = {}
        for node in model.nodes:
            if node.decl.problem is not None or node.lane is None or id(node.lane) not in lane_index:
                continue
            decl = node.decl
            box = NodeBox(
                id=node.id,
                lane=node.lane.id,
                shape=decl.shape.text.lower() if decl.shape.text.lower() in _SHAPES else "rectangle",
                label=node.label if node.label is not None else "",
                x=0.0,
                y=0.0,
                width=0.0,
                height=0.0,
                range=_statement_range(node.line, decl.node.start, _node_end(node)),
            )
            _size_node(box, node)
            self.index_of[id(node)] = len(self.items)
            self.items.append(Item(node, lane_index[id(node.lane)], box))
        self.links: list[Link] = []
        self.link_labels: list[str | None] = []
        self.link_ranges: list[SourceRange] = []
        for site in model.edges:
            edge = site.edge
            if edge.problem is not None or site.source.node is None or site.target.node is None:
                continue
            s = self.index_of.get(id(site.source.node))
            t = self.index_of.get(id(site.target.node))
            if s is None or t is None:
                continue
            sh = _direction(edge.source.handle.direction.text if edge.source.handle else None, "right")
            th = _direction(edge.target.handle.direction.text if edge.target.handle else None, "left")
            link = Link(s, t, sh, th, s, t, 1)
            self.items[s].out.append(len(self.links))
            self.items[t].into.append(len(self.links))
            self.links.append(link)
            label = edge.label.value.value if edge.label is not None else None
            self.link_labels.append(label if label else None)
            self.link_ranges.append(_statement_range(site.line, edge.start, edge.end))
        self._orient()

    def _orient(self) -> None:
        """Which way each edge runs through the columns, and how many columns it spans at least.

        The handles say where the target sits: `right -> left` flows rightwards, `left -> right`
        leftwards (the target is placed before the source). A `bottom -> top` step into the
        same lane or a lane below may stay in the source's column (directly below it) when it
        is the source's only `bottom` exit and the target's only `top` entry; every other edge
        moves at least one column on, so that replies and fan-outs read left to right.
        """
        bottom_out = [0] * len(self.items)
        top_in = [0] * len(self.items)
        for link in self.links:
            if link.source != link.target:
                if link.from_handle == "bottom":
                    bottom_out[link.source] += 1
                if link.to_handle == "top":
                    top_in[link.target] += 1
        for link in self.links:
            s, t, sh, th = link.source, link.target, link.from_handle, link.to_handle
            lean = (sh == "right") - (sh == "left") + (th == "left") - (th == "right")
            if lean < 0:
                link.a, link.b = t, s
            if (
                sh == "bottom"
                and th == "top"
                and self.items[t].lane >= self.items[s].lane
                and bottom_out[s] == 1
                and top_in[t] == 1
            ):
                link.delta = 0


_SHAPES = ("circle", "rectangle", "diamond", "taskbox")


def _break_cycles(items: list[Item], links: list[Link]) -> list[int]:
    """Mark back edges (depth-first, declaration order) and return a topological order."""
    count = len(items)
    successors: list[list[int]] = [[] for _ in range(count)]
    for index, link in enumerate(links):
        if link.a != link.b:
            successors[link.a].append(index)
        else:
            link.back = True
    state = [0] * count  # 0 new, 1 on the stack, 2 done
    order: list[int] = []
    for root in range(count):
        if state[root]:
            continue
        state[root] = 1
        stack: list[tuple[int, int]] = [(root, 0)]
        while stack:
            node, position = stack[-1]
            outs = successors[node]
            if position < len(outs):
                stack[-1] = (node, position + 1)
                link = links[outs[position]]
                nxt = link.b
                if state[nxt] == 1:
                    link.back = True
                elif state[nxt] == 0:
                    state[nxt] = 1
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                order.append(node)
                stack.pop()
    order.reverse()
    return order


def _assign_columns(items: list[Item], links: list[Link], order: list[int]) -> int:
    forward = [link for link in links if not link.back]
    preds: list[list[Link]] = [[] for _ in items]
    succs: list[list[Link]] = [[] for _ in items]
    for link in forward:
        preds[link.b].append(link)
        succs[link.a].append(link)
    column = [0] * len(items)
    for node in order:
        best = 0
        for link in preds[node]:
            candidate = column[link.a] + link.delta
            if candidate > best:
                best = candidate
        column[node] = best
    # Sources move right, next to their first successor, instead of waiting in column 0.
    for node in reversed(order):
        if not preds[node] and succs[node]:
            column[node] = max(0, min(column[link.b] - link.delta for link in succs[node]))
    used = sorted(set(column))
    remap = {c: i for i, c in enumerate(used)}
    for position, item in enumerate(items):
        item.column = remap[column[position]]
    for rank, node in enumerate(order):
        items[node].topo = rank
    return len(used)


def _assign_rows(items: list[Item], links: list[Link], lane_count: int, columns: int) -> list[int]:
    """Order nodes inside each (lane, column) cell; returns the number of sub-rows per lane."""
    cells: dict[tuple[int, int], list[int]] = {}
    for index, item in enumerate(items):
        cells.setdefault((item.lane, item.column), []).append(index)
    # Vertical steps inside one cell fix the order: a `bottom -> top` target sits below its source.
    for members in cells.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: items[i].topo)
        for i in members:
            for link_index in items[i].out:
                link = links[link_index]
                if link.back or link.delta or link.a != i:
                    continue
                other = items[link.b]
                if other.lane == items[i].lane and other.column == items[i].column:
                    other.depth = max(other.depth, items[i].depth + 1)
    neighbours: list[list[int]] = [[] for _ in items]
    for link in links:
        if link.source != link.target:
            neighbours[link.source].append(link.target)
            neighbours[link.target].append(link.source)
    crowded = [key for key, members in cells.items() if len(members) > 1]
    for key in crowded:
        cells[key].sort(key=lambda i: (items[i].depth, i))
        for rank, i in enumerate(cells[key]):
            items[i].row = rank
    if crowded:
        by_column = sorted(crowded, key=lambda k: k[1])
        for sweep in range(4):
            sequence = by_column if sweep % 2 == 0 else list(reversed(by_column))
            for key in sequence:
                members = cells[key]
                for i in members:
                    near = neighbours[i]
                    if near:
                        item = items[i]
                        item.order = sum(items[j].lane * 64 + items[j].row for j in near) / len(near)
                    else:
                        items[i].order = items[i].lane * 64 + items[i].row
                members.sort(key=lambda i: (items[i].depth, items[i].order, i))
                for rank, i in enumerate(members):
                    items[i].row = rank
    rows = [1] * lane_count
    for (lane, _), members in cells.items():
        if len(members) > rows[lane]:
            rows[lane] = len(members)
    return rows


def layout(model: Model) -> Layout:
    """Lay out everything drawable in `model` (statements on broken lines are left out)."""
    with paused_gc():  # many small acyclic objects: the cycle collector would rescan the model's heap
        return _layout(model)


def _layout(model: Model) -> Layout:
    from fz_lsp.render.labels import place_labels
    from fz_lsp.render.routing import Grid, route_all

    builder = _Builder(model)
    items, links = builder.items, builder.links
    order = _break_cycles(items, links)
    columns = _assign_columns(items, links, order) if items else 0
    rows = _assign_rows(items, links, len(builder.lanes), columns)

    lane_lines = [wrap(lane.label or lane.id, LANE_TEXT / BOLD, FONT) for lane in builder.lanes]
    label_lines = [wrap(text, EDGE_LABEL_TEXT, SMALL) if text else () for text in builder.link_labels]
    grid = Grid(items, links, label_lines, rows, columns, [len(ls) * LINE + 24 for ls in lane_lines])
    route_all(grid)
    grid.measure()

    result = Layout(width=grid.width, height=grid.height)
    for index, lane in enumerate(builder.lanes):
        top, bottom = grid.band(index)
        header = lane.header
        end = header.label.end if header.label is not None else header.brace.end
        result.lanes.append(
            LaneBand(
                id=lane.id,
                label=lane.label or lane.id,
                x=0.0,
                y=top,
                width=grid.width,
                height=bottom - top,
                range=_statement_range(lane.line, header.lane.start, end),
                lines=lane_lines[index],
            )
        )
    for item in items:
        box = item.box
        box.x = grid.column_center(item.column) - box.width / 2
        box.y = grid.row_center(item.lane, item.row) - box.height / 2
        box.column = item.column
        box.row = item.row
        box.lane_index = item.lane
        result.nodes.append(box)
    for index, link in enumerate(links):
        text = builder.link_labels[index]
        path = EdgePath(
            source=items[link.source].box.id,
            target=items[link.target].box.id,
            from_handle=link.from_handle,
            to_handle=link.to_handle,
            label=text,
            points=grid.points(index),
            label_box=None,
            range=builder.link_ranges[index],
            lines=label_lines[index],
            source_index=link.source,
            target_index=link.target,
        )
        result.edges.append(path)
    place_labels(result, LANE_GUTTER)
    _add_loops(result, model, builder)
    return result


def _add_loops(result: Layout, model: Model, builder: _Builder) -> None:
    """A loop is drawn as a dashed frame around its members, its text on a tab above the frame."""
    for site in model.loops:
        loop = site.loop
        if loop.problem is not None:
            continue
        members: list[NodeBox] = []
        seen: set[int] = set()
        for reference in site.members:
            if reference.node is None:
                continue
            index = builder.index_of.get(id(reference.node))
            if index is None or index in seen:
                continue
            seen.add(index)
            members.append(builder.items[index].box)
        if not members:
            continue
        pad = 10.0
        x = min(m.x for m in members) - pad
        y = min(m.y for m in members) - pad
        right = max(m.right for m in members) + pad
        bottom = max(m.bottom for m in members) + pad
        text = loop.text.text
        text = text[1:] if text.startswith("[") else text
        text = (text[:-1] if text.endswith("]") else text).strip()
        lines = wrap(text, LOOP_LABEL_TEXT, SMALL)
        result.loops.append(
            LoopFrame(
                label=text,
                members=[m.id for m in members],
                x=x,
                y=y,
                width=right - x,
                height=bottom - y,
                range=_statement_range(site.line, loop.keyword.start, loop.end),
                lines=lines,
            )
        )


__all__ = ["layout"]
