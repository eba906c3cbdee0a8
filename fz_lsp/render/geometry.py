"""What a layout is: lane bands, node boxes, edge polylines, loop frames.

Coordinates are SVG user units, `x`/`y` the top-left corner. Every element keeps
the source range of its statement, `(line, column, end line, end column)`, 0-based,
columns in code points, so that a picture can be mapped back to the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SourceRange = tuple[int, int, int, int]
Point = tuple[float, float]


@dataclass(slots=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(slots=True)
class LaneBand:
    id: str
    label: str
    x: float
    y: float
    width: float
    height: float
    range: SourceRange
    lines: tuple[str, ...] = ()  # the label wrapped to the lane's header column


@dataclass(slots=True)
class NodeBox:
    id: str
    lane: str
    shape: str
    label: str
    x: float
    y: float
    width: float
    height: float
    range: SourceRange
    lines: tuple[str, ...] = ()  # the label wrapped to the card
    details: tuple[tuple[str, tuple[str, ...]], ...] = ()  # a taskbox's owner / description / system, wrapped
    column: int = 0
    row: int = 0  # sub-row inside the lane
    lane_index: int = 0  # which band (lane IDs repeat in a file with FZ202)

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(slots=True)
class EdgePath:
    source: str
    target: str
    from_handle: str
    to_handle: str
    label: str | None
    points: list[Point]
    label_box: Box | None
    range: SourceRange
    lines: tuple[str, ...] = ()  # the label wrapped
    source_index: int = 0  # index of the source node in Layout.nodes
    target_index: int = 0


@dataclass(slots=True)
class LoopFrame:
    label: str
    members: list[str]
    x: float
    y: float
    width: float
    height: float
    range: SourceRange
    lines: tuple[str, ...] = ()


@dataclass(slots=True)
class Layout:
    width: float
    height: float
    lanes: list[LaneBand] = field(default_factory=list)
    nodes: list[NodeBox] = field(default_factory=list)
    edges: list[EdgePath] = field(default_factory=list)
    loops: list[LoopFrame] = field(default_factory=list)
