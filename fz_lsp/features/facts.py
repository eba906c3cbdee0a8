"""The few facts of the model the reshaping features and reading aids read, in one place.

Rename, renumber, inlay hints, call hierarchy, code lens, folding and semantic tokens
ask the model the same questions: where lanes start and end, which declaration a
reference resolves to, where every occurrence of a node or lane is written. Asking
them here keeps those features on one definition of resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

from fz_lsp.analysis.model import Lane, Model, Node, Occurrence
from fz_lsp.syntax.statements import Ref


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


def dangling_node_ids(model: Model) -> set[str]:
    """IDs referenced in edges or loops that no node declares."""
    return {node_id for node_id in model.node_refs if node_id not in model.node_table}


def uses(model: Model) -> list[Use]:
    """Every node reference in edges and loops, in file order, with what it resolves to."""
    found = [Use(r.line, r.ref, r.role, r.node) for refs in model.node_refs.values() for r in refs]
    found.sort(key=lambda use: (use.line, use.ref.node.start))
    return found


def declarations(model: Model, node_id: str) -> list[Node]:
    return [node for node in model.nodes if node.id == node_id]


def symbol_at(model: Model, line: int, column: int) -> Occurrence | None:
    """The node or lane ID written at (line, column), resolved by the model's lane-aware rule."""
    return model.symbol_at(line, column)


def occurrences(model: Model, of: Occurrence | Node | Lane) -> list[Occurrence]:
    """The declaration and every use that resolves to the same declaration as `of`, in file order."""
    return model.occurrences(of)


@dataclass(frozen=True)
class Link:
    """An edge between two declared nodes, where it is written."""

    line: int
    start: int
    end: int
    source: Node
    target: Node


def links(model: Model) -> list[Link]:
    """Every edge whose two ends resolve, in file order."""
    return [
        Link(site.line, site.edge.start, site.edge.end, site.source.node, site.target.node)
        for site in model.edges
        if site.source.node is not None and site.target.node is not None
    ]


def node_written_at(model: Model, line: int, column: int) -> Node | None:
    """The declared node whose ID (declaration or resolved use) is at (line, column)."""
    found = model.symbol_at(line, column)
    return found.target if found is not None and isinstance(found.target, Node) else None
