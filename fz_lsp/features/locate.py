"""What sits under the cursor: the one lookup hover, definition and references share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fz_lsp.analysis.model import EdgeSite, Lane, Model, Node, Occurrence
from fz_lsp.syntax.statements import Comment, Edge, LaneHeader, Loop, Name, NodeDecl, Ref

Kind = Literal["node", "lane", "edge_label", "shape", "direction", "handle", "loop", "arrow", "key"]


@dataclass(frozen=True)
class Target:
    """A word of the file and what it names."""

    kind: Kind
    line: int
    name: Name
    text: str  # the node or lane ID, or the word itself
    declaration: bool = False
    edge: EdgeSite | None = None
    resolved: Node | Lane | None = None  # the declaration a node or lane ID stands for (lane-aware)

    @property
    def occurrence(self) -> Occurrence:
        """This ID as the model's occurrence query takes it."""
        assert self.kind in ("node", "lane")
        kind: Literal["node", "lane"] = "node" if self.kind == "node" else "lane"
        return Occurrence(kind, self.line, self.name, self.declaration, self.resolved)


def _inside(name: Name | None, column: int) -> bool:
    return name is not None and name.start <= column <= name.end


def _symbol(model: Model, line: int, column: int) -> Target | None:
    """The node or lane ID at (line, column), resolved by the model's one rule."""
    found = model.symbol_at(line, column)
    if found is None:
        return None
    return Target(found.kind, line, found.name, found.name.text, found.declaration, resolved=found.target)


def _ref_target(model: Model, line: int, ref: Ref, column: int) -> Target | None:
    if (ref.lane is not None and _inside(ref.lane, column)) or _inside(ref.node, column):
        return _symbol(model, line, column)
    return None


def locate(model: Model, line: int, column: int) -> Target | None:
    if not 0 <= line < len(model.statements):
        return None
    statement = model.statements[line]
    if isinstance(statement, NodeDecl):
        if _inside(statement.node, column):
            return _symbol(model, line, statement.node.start)
        if _inside(statement.shape, column):
            return Target("shape", line, statement.shape, statement.shape.text)
        for attribute in statement.attributes:
            if _inside(attribute.key, column):
                return Target("key", line, attribute.key, attribute.key.text)
            if attribute.value.start <= column <= attribute.value.end:
                return _symbol(model, line, statement.node.start)
    elif isinstance(statement, Edge):
        for endpoint in (statement.source, statement.target):
            found = _ref_target(model, line, endpoint.ref, column)
            if found is not None:
                return found
            handle = endpoint.handle
            if handle is not None:
                if _inside(handle.keyword, column):
                    return Target("handle", line, handle.keyword, handle.keyword.text)
                if _inside(handle.direction, column):
                    return Target("direction", line, handle.direction, handle.direction.text)
        if _inside(statement.arrow, column):
            return Target("arrow", line, statement.arrow, "->")
        if statement.label is not None and statement.label_start <= column <= statement.label_end:
            site = next((e for e in model.edges if e.line == line), None)
            name = Name(statement.label.value.raw, statement.label_start, statement.label_end)
            return Target("edge_label", line, name, statement.label.value.value, edge=site)
    elif isinstance(statement, Loop):
        if _inside(statement.keyword, column):
            return Target("loop", line, statement.keyword, statement.keyword.text)
        for member in statement.members:
            found = _ref_target(model, line, member, column)
            if found is not None:
                return found
    elif isinstance(statement, Comment):
        # A `# label` line under a header that has none is that lane's label (FZ301).
        for lane in model.lanes:
            if lane.label_line == line and statement.start <= column <= statement.end:
                name = Name(statement.text, statement.start, statement.end)
                return Target("lane", line, name, lane.id, resolved=lane)
    elif isinstance(statement, LaneHeader) and (_inside(statement.lane, column) or _inside(statement.label, column)):
        return _symbol(model, line, statement.lane.start)
    return None
