"""The few facts of the model the reshaping features and reading aids read, in one place.

Rename, renumber, inlay hints, call hierarchy, code lens, folding and semantic tokens
ask the model the same questions: where lanes start and end, which declaration a
reference resolves to, where every occurrence of a node or lane is written. Asking
them here keeps those features on one definition of resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fz_lsp.analysis.model import Lane, Model, Node
from fz_lsp.syntax.statements import Name, Ref

Kind = Literal["node", "lane"]


@dataclass(frozen=True)
class Occurrence:
    """One place a node or lane ID is written: a declaration or a use."""

    line: int
    name: Name
    declaration: bool


@dataclass(frozen=True)
class Use:
    """A node reference in an edge or loop, and the declaration it resolves to (None: dangling)."""

    line: int
    ref: Ref
    role: str  # source, target or member
    node: Node | None


def lane_spans(model: Model) -> list[tuple[Lane, int, int, bool]]:
    """Every lane as (lane, header line, last line, closed): the last line is its `}` when closed."""
    return [(lane, lane.line, lane.end_line, lane.closed) for lane in model.lanes]


def declared_node_ids(model: Model) -> set[str]:
    """IDs declared anywhere; a reference to any other ID is dangling."""
    return {node.id for node in model.nodes}


def uses(model: Model) -> list[Use]:
    """Every node reference in edges and loops, in file order, with what it resolves to."""
    found = [Use(r.line, r.ref, r.role, r.node) for refs in model.node_refs.values() for r in refs]
    found.sort(key=lambda use: (use.line, use.ref.node.start))
    return found


def node_at_use(model: Model, line: int, ref: Ref) -> Node | None:
    """The declaration the reference written at `line` resolves to."""
    for reference in model.node_refs.get(ref.node.text, []):
        if reference.line == line and reference.ref.node.start == ref.node.start:
            return reference.node
    return None


def declarations(model: Model, node_id: str) -> list[Node]:
    return [node for node in model.nodes if node.id == node_id]


def node_occurrences(model: Model, node: Node) -> list[Occurrence]:
    """The declaration of `node` and every reference that resolves to it."""
    found = [Occurrence(node.line, node.decl.node, True)]
    found += [Occurrence(r.line, r.ref.node, False) for r in model.node_refs.get(node.id, []) if r.node is node]
    found.sort(key=lambda o: (o.line, o.name.start))
    return found


def lane_occurrences(model: Model, lane_id: str) -> list[Occurrence]:
    """Every header declaring `lane_id` and every `lane_id.` prefix (edge ends and loop members)."""
    found = [Occurrence(lane.line, lane.id_name, True) for lane in model.lanes if lane.id == lane_id]
    found += [Occurrence(use.line, use.name, False) for use in model.lane_refs.get(lane_id, [])]
    found.sort(key=lambda o: (o.line, o.name.start))
    return found
