"""Edge labels: a box centred on a point of the edge's own route, clear of node boxes and other labels.

Candidates slide along each segment of the route (longest segments first, the
middle of a segment first); the first candidate that hits nothing wins. Lookups go
through a spatial hash, so placing n labels costs about O(n).
"""

from __future__ import annotations

from collections.abc import Iterator

from fz_lsp.render.geometry import Box, Layout
from fz_lsp.render.text import text_width

SMALL = 11.0
SMALL_LINE = 14.0
PAD_X = 6.0
PAD_Y = 3.0
CELL = 96.0
GAP = 2.0
MAX_STEPS = 24


class _Hash:
    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box) -> list[tuple[int, int]]:
        x0, x1 = int(box.x // CELL), int((box.x + box.width) // CELL)
        y0, y1 = int(box.y // CELL), int((box.y + box.height) // CELL)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def hits(self, box: Box, gap: float) -> bool:
        for key in self._keys(box):
            for other in self.cells.get(key, ()):
                if (
                    box.x < other.x + other.width + gap
                    and other.x < box.x + box.width + gap
                    and box.y < other.y + other.height + gap
                    and other.y < box.y + box.height + gap
                ):
                    return True
        return False


def label_size(lines: tuple[str, ...]) -> tuple[float, float]:
    width = max((text_width(line, SMALL) for line in lines), default=0.0) + 2 * PAD_X
    return width, len(lines) * SMALL_LINE + 2 * PAD_Y


def place_labels(layout: Layout, left_limit: float = 0.0) -> int:
    """Give every labelled edge a label box; returns how many could only be placed over something."""
    boxes = _Hash()
    for node in layout.nodes:
        boxes.add(Box(node.x, node.y, node.width, node.height))
    labels = _Hash()
    collisions = 0
    for edge in layout.edges:
        if not edge.lines:
            continue
        width, height = label_size(edge.lines)
        points = edge.points
        segments = sorted(
            range(len(points) - 1),
            key=lambda i: -(abs(points[i + 1][0] - points[i][0]) + abs(points[i + 1][1] - points[i][1])),
        )
        chosen: Box | None = None
        first: Box | None = None
        for box in _candidates(points, segments, width, height):
            if first is None:
                first = box
            if box.x < left_limit or box.y < 0 or box.x + box.width > layout.width:
                continue
            if box.y + box.height > layout.height:
                continue
            if boxes.hits(box, GAP) or labels.hits(box, GAP):
                continue
            chosen = box
            break
        if chosen is None:
            collisions += 1
            chosen = first
        if chosen is not None:
            edge.label_box = chosen
            labels.add(chosen)
    return collisions


def _candidates(points: list[tuple[float, float]], segments: list[int], width: float, height: float) -> Iterator[Box]:
    """Label boxes that touch the route: centred on it, then nudged sideways (still touching it),
    from the middle of each segment outwards, longest segment first."""
    for i in segments:
        (ax, ay), (bx, by) = points[i], points[i + 1]
        horizontal = abs(by - ay) < 1e-9
        length = abs(bx - ax) + abs(by - ay)
        step = max(4.0, (width if horizontal else height) / 2)
        count = min(MAX_STEPS, int(length / 2 / step))
        offsets = [0.0]
        for k in range(1, count + 1):
            offsets.extend((k * step, -k * step))
        sideways = (0.0, height / 2 - 1, 1 - height / 2) if horizontal else (0.0, width / 2 - 1, 1 - width / 2)
        mx, my = (ax + bx) / 2, (ay + by) / 2
        for shift in sideways:
            for offset in offsets:
                if horizontal:
                    cx, cy = mx + offset, my + shift
                else:
                    cx, cy = mx + shift, my + offset
                yield Box(cx - width / 2, cy - height / 2, width, height)
