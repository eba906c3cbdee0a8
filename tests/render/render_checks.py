"""Geometric properties every layout must have, as functions returning the violations found.

Shared by the tests and the benchmark (which reports the counts on generated diagrams).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from fz_lsp.render.geometry import Box, EdgePath, Layout, NodeBox

EPS = 0.01


@dataclass
class Violations:
    bands: list[str] = field(default_factory=list)
    containment: list[str] = field(default_factory=list)
    overlap: list[str] = field(default_factory=list)
    orthogonal: list[str] = field(default_factory=list)
    sides: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    through_box: list[str] = field(default_factory=list)  # edges with a segment through a box
    labels: list[str] = field(default_factory=list)  # edges whose label collides or leaves the route

    def hard(self) -> dict[str, list[str]]:
        """The kinds that must be zero everywhere."""
        return {
            "bands": self.bands,
            "containment": self.containment,
            "overlap": self.overlap,
            "orthogonal": self.orthogonal,
            "sides": self.sides,
            "columns": self.columns,
        }


def _overlaps(a: Box | NodeBox, b: Box | NodeBox, gap: float = 0.0) -> bool:
    return (
        a.x < b.x + b.width - gap
        and b.x < a.x + a.width - gap
        and a.y < b.y + b.height - gap
        and b.y < a.y + a.height - gap
    )


def _on_side(box: NodeBox, side: str, x: float, y: float) -> bool:
    within_x = box.x - EPS <= x <= box.x + box.width + EPS
    within_y = box.y - EPS <= y <= box.y + box.height + EPS
    if side == "left":
        return abs(x - box.x) < EPS and within_y
    if side == "right":
        return abs(x - (box.x + box.width)) < EPS and within_y
    if side == "top":
        return abs(y - box.y) < EPS and within_x
    return abs(y - (box.y + box.height)) < EPS and within_x


_OUTWARD = {"left": (-1, 0), "right": (1, 0), "top": (0, -1), "bottom": (0, 1)}


def _leaves(side: str, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """The segment a->b moves away from the box through `side` (a is on that side)."""
    dx, dy = _OUTWARD[side]
    return (b[0] - a[0]) * dx + (b[1] - a[1]) * dy > EPS


class _Index:
    """Boxes in a uniform grid, to test segments and labels against them in about O(1)."""

    def __init__(self, boxes: list[NodeBox], cell: float = 128.0) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.boxes = boxes
        for i, box in enumerate(boxes):
            for key in self._keys(box.x, box.y, box.x + box.width, box.y + box.height):
                self.cells.setdefault(key, []).append(i)

    def _keys(self, x0: float, y0: float, x1: float, y1: float) -> Iterator[tuple[int, int]]:
        c = self.cell
        for i in range(int(x0 // c), int(x1 // c) + 1):
            for j in range(int(y0 // c), int(y1 // c) + 1):
                yield i, j

    def near(self, x0: float, y0: float, x1: float, y1: float) -> set[int]:
        found: set[int] = set()
        for key in self._keys(x0, y0, x1, y1):
            found.update(self.cells.get(key, ()))
        return found


def _segment_hits_interior(box: NodeBox, a: tuple[float, float], b: tuple[float, float]) -> bool:
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return (
        x0 < box.x + box.width - EPS and box.x + EPS < x1 and y0 < box.y + box.height - EPS and box.y + EPS < y1
    ) or (
        # a zero-width segment: strictly inside on the other axis
        (
            abs(x1 - x0) < EPS
            and box.x + EPS < x0 < box.x + box.width - EPS
            and y0 < box.y + box.height - EPS
            and box.y + EPS < y1
        )
        or (
            abs(y1 - y0) < EPS
            and box.y + EPS < y0 < box.y + box.height - EPS
            and x0 < box.x + box.width - EPS
            and box.x + EPS < x1
        )
    )


def _label_on_route(edge: EdgePath) -> bool:
    box = edge.label_box
    assert box is not None
    for a, b in zip(edge.points, edge.points[1:], strict=False):
        x0, x1 = sorted((a[0], b[0]))
        y0, y1 = sorted((a[1], b[1]))
        if x0 <= box.x + box.width and box.x <= x1 and y0 <= box.y + box.height and box.y <= y1:
            return True
    return False


def flow(edge: EdgePath) -> tuple[int, int]:
    """(from, to) node indices in the direction the handles say the edge flows."""
    lean = (edge.from_handle == "right") - (edge.from_handle == "left")
    lean += (edge.to_handle == "left") - (edge.to_handle == "right")
    if lean < 0:
        return edge.target_index, edge.source_index
    return edge.source_index, edge.target_index


def _cyclic_edges(layout: Layout) -> set[int]:
    """Indices of edges on a cycle of the flow graph (both ends in one strongly connected component)."""
    count = len(layout.nodes)
    succ: list[list[int]] = [[] for _ in range(count)]
    for edge in layout.edges:
        a, b = flow(edge)
        succ[a].append(b)
    index = [0] * count
    low = [0] * count
    on = [False] * count
    seen = [False] * count
    comp = [-1] * count
    stack: list[int] = []
    counter = 1
    components = 0
    for root in range(count):
        if seen[root]:
            continue
        work = [(root, 0)]
        seen[root] = True
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on[root] = True
        while work:
            v, i = work[-1]
            if i < len(succ[v]):
                work[-1] = (v, i + 1)
                w = succ[v][i]
                if not seen[w]:
                    seen[w] = True
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on[w] = True
                    work.append((w, 0))
                elif on[w]:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    while True:
                        w = stack.pop()
                        on[w] = False
                        comp[w] = components
                        if w == v:
                            break
                    components += 1
    cyclic = set()
    for i, edge in enumerate(layout.edges):
        a, b = flow(edge)
        if a == b or comp[a] == comp[b]:
            cyclic.add(i)
    return cyclic


def check(layout: Layout) -> Violations:
    found = Violations()
    lanes = layout.lanes
    for i, lane in enumerate(lanes):
        if abs(lane.x) > EPS or abs(lane.width - layout.width) > EPS:
            found.bands.append(f"lane {lane.id} spans x {lane.x}..{lane.x + lane.width}, not the full width")
        if lane.height <= 0:
            found.bands.append(f"lane {lane.id} has no height")
        if i and lane.y < lanes[i - 1].y + lanes[i - 1].height - EPS:
            found.bands.append(f"lane {lane.id} overlaps or comes before lane {lanes[i - 1].id}")
    nodes = layout.nodes
    for node in nodes:
        lane = lanes[node.lane_index] if node.lane_index < len(lanes) else None
        if (
            lane is None
            or lane.id != node.lane
            or not (
                lane.x - EPS <= node.x
                and node.x + node.width <= lane.x + lane.width + EPS
                and lane.y - EPS <= node.y
                and node.y + node.height <= lane.y + lane.height + EPS
            )
        ):
            found.containment.append(f"node {node.id} is not inside lane {node.lane}")
    order = sorted(range(len(nodes)), key=lambda i: nodes[i].x)
    active: list[int] = []
    for i in order:
        box = nodes[i]
        active = [j for j in active if nodes[j].x + nodes[j].width > box.x + EPS]
        for j in active:
            if _overlaps(box, nodes[j], EPS):
                found.overlap.append(f"nodes {nodes[j].id} and {box.id} overlap")
        active.append(i)
    index = _Index(nodes)
    cyclic = _cyclic_edges(layout)
    for e, edge in enumerate(layout.edges):
        name = f"{edge.source}->{edge.target} ({edge.from_handle}->{edge.to_handle})"
        points = edge.points
        if len(points) < 2:
            found.orthogonal.append(f"edge {name} has fewer than two points")
            continue
        for a, b in itertools.pairwise(points):
            if abs(a[0] - b[0]) > EPS and abs(a[1] - b[1]) > EPS:
                found.orthogonal.append(f"edge {name} has a diagonal segment {a} -> {b}")
                break
        source, target = nodes[edge.source_index], nodes[edge.target_index]
        if not _on_side(source, edge.from_handle, *points[0]) or not _leaves(edge.from_handle, points[0], points[1]):
            found.sides.append(f"edge {name} does not leave {source.id} through its {edge.from_handle} side")
        if not _on_side(target, edge.to_handle, *points[-1]) or not _leaves(edge.to_handle, points[-1], points[-2]):
            found.sides.append(f"edge {name} does not enter {target.id} through its {edge.to_handle} side")
        through = False
        for a, b in itertools.pairwise(points):
            for j in index.near(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])):
                if _segment_hits_interior(nodes[j], a, b):
                    through = True
                    break
            if through:
                break
        if through:
            found.through_box.append(f"edge {name} passes through a node box")
        if e not in cyclic:
            a, b = flow(edge)
            ca, cb = nodes[a].column, nodes[b].column
            vertical = (
                ca == cb
                and (edge.from_handle, edge.to_handle) in (("bottom", "top"), ("top", "bottom"))
                and (nodes[b].y > nodes[a].y if edge.from_handle == "bottom" else nodes[b].y < nodes[a].y)
            )
            if not (cb > ca or vertical):
                found.columns.append(f"edge {name}: column {cb} of the target is not after column {ca}")
    labels = [edge for edge in layout.edges if edge.label_box is not None]
    label_index = _Index([])
    placed: list[Box] = []
    for edge in labels:
        box = edge.label_box
        assert box is not None
        problems = []
        if not _label_on_route(edge):
            problems.append("is not on its route")
        for j in index.near(box.x, box.y, box.x + box.width, box.y + box.height):
            if _overlaps(box, nodes[j]):
                problems.append(f"covers node {nodes[j].id}")
                break
        for k in label_index.near(box.x, box.y, box.x + box.width, box.y + box.height):
            if _overlaps(box, placed[k]):
                problems.append("overlaps another label")
                break
        key = len(placed)
        placed.append(box)
        for cell in label_index._keys(box.x, box.y, box.x + box.width, box.y + box.height):
            label_index.cells.setdefault(cell, []).append(key)
        if problems:
            found.labels.append(f"label of {edge.source}->{edge.target} " + ", ".join(problems))
    for edge in layout.edges:
        if edge.label and edge.lines and edge.label_box is None:
            found.labels.append(f"label of {edge.source}->{edge.target} is missing")
    return found


# --- generated diagrams ---------------------------------------------------------------------

LABELS = ("Validate order", "审核申请", "Crédit approuvé", "Retry 🔁", "Ship & bill", 'Say \\"hi\\"', "<b>x</b>")
SIDES = ("left", "right", "top", "bottom")


def generate(lanes: int, nodes: int, seed: int) -> str:
    """A FlowZap document: `lanes` lanes, `nodes` nodes, chains with cross-lane edges both ways,
    decisions, cycles, loops, every handle side, labels in several scripts."""
    rng = random.Random(seed)
    lane_ids = [f"Lane{i}" for i in range(lanes)]
    home = [rng.randrange(lanes) if i >= lanes else i for i in range(nodes)]
    body: list[list[str]] = [[] for _ in range(lanes)]
    shapes = ("rectangle", "rectangle", "rectangle", "diamond", "circle", "taskbox")
    for i in range(nodes):
        shape = rng.choice(shapes)
        extra = ' owner:"Ops" system:"ERP"' if shape == "taskbox" else ""
        body[home[i]].append(f'n{i + 1}: {shape} label:"{rng.choice(LABELS)} {i + 1}"{extra}')

    def ref(target: int, source: int) -> str:
        prefix = f"{lane_ids[home[target]]}." if home[target] != home[source] else ""
        return f"{prefix}n{target + 1}"

    edges: set[tuple[int, int, str, str]] = set()
    for i in range(1, nodes):
        source = i - 1 if rng.random() < 0.7 else rng.randrange(i)
        if home[source] == home[i]:
            sides = rng.choice([("right", "left")] * 4 + [("bottom", "top"), ("left", "right")])
        else:
            sides = rng.choice([("bottom", "top"), ("top", "bottom"), ("right", "left"), ("right", "top")])
        edges.add((source, i, *sides))
    for _ in range(nodes // 8):  # extra edges: decisions, back edges making cycles, any sides
        a, b = rng.randrange(nodes), rng.randrange(nodes)
        if a != b:
            edges.add((a, b, rng.choice(SIDES), rng.choice(SIDES)))
    for a, b, sh, th in sorted(edges):
        label = f' [label="{rng.choice(LABELS)}"]' if rng.random() < 0.3 else ""
        body[home[a]].append(f"n{a + 1}.handle({sh}) -> {ref(b, a)}.handle({th}){label}")
    for _ in range(max(1, nodes // 40)):
        start = rng.randrange(nodes)
        members = [start] + [min(nodes - 1, start + k) for k in range(1, 3)]
        body[home[start]].append(f"loop [retry {rng.choice(LABELS)}] " + " ".join(ref(m, start) for m in members))
    text = []
    for index, lane_id in enumerate(lane_ids):
        text.append(f"{lane_id} {{ # Lane {index} {rng.choice(LABELS)}")
        text.extend(body[index])
        text.append("}")
    return "\n".join(text) + "\n"


def shared_segments(layout: Layout) -> list[str]:
    """Pairs of edges that run along one line for a stretch (collinear, overlapping by more than a
    point), except where both end at the same point of a box: edges into one handle of a circle or a
    diamond converge there."""
    horizontal: dict[float, list[tuple[float, float, int]]] = {}
    vertical: dict[float, list[tuple[float, float, int]]] = {}
    ends: list[set[tuple[float, float]]] = []
    for e, edge in enumerate(layout.edges):
        points = edge.points
        ends.append(
            {(round(points[0][0], 2), round(points[0][1], 2)), (round(points[-1][0], 2), round(points[-1][1], 2))}
        )
        for a, b in itertools.pairwise(points):
            if abs(a[1] - b[1]) < EPS and abs(a[0] - b[0]) > EPS:
                horizontal.setdefault(round(a[1], 2), []).append((min(a[0], b[0]), max(a[0], b[0]), e))
            elif abs(a[0] - b[0]) < EPS and abs(a[1] - b[1]) > EPS:
                vertical.setdefault(round(a[0], 2), []).append((min(a[1], b[1]), max(a[1], b[1]), e))
    found = []
    for axis, lines in (("y", horizontal), ("x", vertical)):
        for at, spans in lines.items():
            spans.sort()
            active: list[tuple[float, float, int]] = []
            for lo, hi, e in spans:
                active = [s for s in active if s[1] > lo + EPS]
                for _, ohi, other in active:
                    if other == e:
                        continue
                    stretch = (lo, min(hi, ohi))
                    shared = ends[e] & ends[other]
                    on_line = {p[0] if axis == "y" else p[1] for p in shared if (p[1] if axis == "y" else p[0]) == at}
                    if any(stretch[0] - EPS <= q <= stretch[1] + EPS for q in on_line):
                        continue
                    a, b = layout.edges[other], layout.edges[e]
                    found.append(
                        f"{a.source}->{a.target} and {b.source}->{b.target} share {axis}={at} over {stretch[0]:.0f}..{stretch[1]:.0f}"
                    )
                active.append((lo, hi, e))
    return found
