"""What sits under the cursor: the one lookup hover, definition and references share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fz_lsp.analysis.model import EdgeSite, Model
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


def _inside(name: Name | None, column: int) -> bool:
    return name is not None and name.start <= column <= name.end


def _ref_target(line: int, ref: Ref, column: int) -> Target | None:
    if ref.lane is not None and _inside(ref.lane, column):
        return Target("lane", line, ref.lane, ref.lane.text)
    if _inside(ref.node, column):
        return Target("node", line, ref.node, ref.node.text)
    return None


def locate(model: Model, line: int, column: int) -> Target | None:
    if not 0 <= line < len(model.statements):
        return None
    statement = model.statements[line]
    if isinstance(statement, NodeDecl):
        if _inside(statement.node, column):
            return Target("node", line, statement.node, statement.node.text, declaration=True)
        if _inside(statement.shape, column):
            return Target("shape", line, statement.shape, statement.shape.text)
        for attribute in statement.attributes:
            if _inside(attribute.key, column):
                return Target("key", line, attribute.key, attribute.key.text)
            if attribute.value.start <= column <= attribute.value.end:
                return Target("node", line, statement.node, statement.node.text, declaration=True)
    elif isinstance(statement, Edge):
        for endpoint in (statement.source, statement.target):
            found = _ref_target(line, endpoint.ref, column)
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
            found = _ref_target(line, member, column)
            if found is not None:
                return found
    elif isinstance(statement, Comment):
        # A `# label` line under a header that has none is that lane's label (FZ301).
        for lane in model.lanes:
            if lane.label_line == line and statement.start <= column <= statement.end:
                return Target("lane", line, Name(statement.text, statement.start, statement.end), lane.id)
    elif isinstance(statement, LaneHeader):
        if _inside(statement.lane, column):
            return Target("lane", line, statement.lane, statement.lane.text, declaration=True)
        if statement.label is not None and _inside(statement.label, column):
            return Target("lane", line, statement.lane, statement.lane.text, declaration=True)
    return None
