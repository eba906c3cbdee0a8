"""What the model is made of: lanes, nodes, references to them, edges, loops, occurrences.

Plain records; the `Model` builds them and resolves references. Nodes, references, edges
and loops hold the `Row` of their line, so their line numbers follow inserted and deleted
lines without being rewritten. A reference knows the lane it is written in (`context`) so
that resolution can be lane-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from fz_lsp.analysis.lines import Row
from fz_lsp.syntax.statements import Edge, LaneHeader, Loop, Name, NodeDecl, Ref


@dataclass(eq=False, slots=True)
class Lane:
    """A lane as declared: its header line, its label and where it ends."""

    id: str
    line: int
    header: LaneHeader
    label: str | None
    label_line: int | None
    end_line: int  # the closing `}` line, or the last line the lane covers
    closed: bool
    parent: Lane | None = None
    nodes: list[Node] = field(default_factory=list)
    cut_by: Lane | None = None  # an unclosed lane ends right above the next lane's header

    @property
    def id_name(self) -> Name:
        return self.header.lane


@dataclass(eq=False, slots=True)
class Node:
    """A node declaration and the lane it belongs to (None outside every lane)."""

    id: str
    row: Row
    decl: NodeDecl
    lane: Lane | None

    @property
    def line(self) -> int:
        return self.row.line

    @property
    def label(self) -> str | None:
        return self.decl.label


Role = Literal["source", "target", "member"]


@dataclass(eq=False, slots=True)
class Reference:
    """A use of a node ID in an edge or loop, resolved (or not) to its declaration."""

    row: Row
    ref: Ref
    role: Role
    node: Node | None
    lane: Lane | None  # the lane the prefix names, if any
    context: Lane | None  # the lane the edge or loop is written in

    @property
    def line(self) -> int:
        return self.row.line


@dataclass(eq=False, slots=True)
class LaneReference:
    """A lane ID written as a prefix (`Billing` in `Billing.n4`), resolved with its node reference."""

    reference: Reference
    name: Name

    @property
    def line(self) -> int:
        return self.reference.line

    @property
    def lane(self) -> Lane | None:
        return self.reference.lane

    @property
    def context(self) -> Lane | None:
        return self.reference.context


# Two edges are the same edge when they join the same declarations by the same handles.
# An end that resolves to nothing is known by its text.
EdgeKey = tuple[object, str, object, str]


@dataclass(eq=False, slots=True)
class EdgeSite:
    """An edge statement placed in the file."""

    row: Row
    edge: Edge
    lane: Lane | None
    source: Reference
    target: Reference
    key: EdgeKey = ("", "", "", "")

    @property
    def line(self) -> int:
        return self.row.line

    def resolved_key(self) -> EdgeKey:
        source, target = self.edge.source, self.edge.target
        return (
            self.source.node or source.ref.node.text,
            source.handle.direction.text if source.handle else "",
            self.target.node or target.ref.node.text,
            target.handle.direction.text if target.handle else "",
        )


Kind = Literal["node", "lane"]


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A node or lane ID as written somewhere, and the declaration it stands for (None: undeclared)."""

    kind: Kind
    line: int
    name: Name
    declaration: bool
    target: Node | Lane | None


@dataclass(eq=False, slots=True)
class LoopSite:
    row: Row
    loop: Loop
    lane: Lane | None
    members: list[Reference]

    @property
    def line(self) -> int:
        return self.row.line


__all__ = [
    "EdgeKey",
    "EdgeSite",
    "Kind",
    "Lane",
    "LaneReference",
    "LoopSite",
    "Node",
    "Occurrence",
    "Reference",
    "Role",
]
