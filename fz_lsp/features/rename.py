"""Rename a node ID or a lane ID everywhere it is written, or say why not.

A node's declaration and every reference that resolves to it change together
(with or without prefix, loop members included); a lane's header and every
`Lane.` prefix change together. Everything else under the cursor — keywords,
shapes, directions, labels, comments, whitespace, undeclared names — is refused
with a message that says what it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fz_lsp.analysis.model import Model, Node
from fz_lsp.analysis.vocabulary import NODE_ID
from fz_lsp.features import facts
from fz_lsp.features.locate import locate
from fz_lsp.syntax.statements import Comment, Edge, LaneHeader, Loop, Name, NodeDecl, Ref, Statement

LANE_ID = re.compile(r"[^\W\d](?:[\w-]*\w)?\Z")
RESERVED = frozenset({"loop", "handle"})  # would read as a loop or a handle where prefixes stand


class RenameRefused(ValueError):
    """Nothing is renamed; the message says why, in words for the user."""


@dataclass(frozen=True)
class Subject:
    """What a rename at a position would change: a node declaration or a lane ID."""

    kind: str  # "node" or "lane"
    text: str
    line: int
    name: Name  # the occurrence under the cursor
    node: Node | None = None


@dataclass(frozen=True)
class Change:
    line: int
    start: int
    end: int
    text: str


_WHAT = {
    "shape": "a shape",
    "direction": "a direction",
    "handle": "a keyword",
    "loop": "a keyword",
    "arrow": "the arrow",
    "key": "an attribute key",
    "edge_label": "an edge label",
}


def _in_label(model: Model, line: int, column: int) -> bool:
    statement = model.statements[line]
    if isinstance(statement, NodeDecl):
        return any(a.value.start <= column <= a.value.end for a in statement.attributes)
    if isinstance(statement, LaneHeader):
        label = statement.label
        return label is not None and label.start <= column <= label.end
    return isinstance(statement, Comment)


def subject(model: Model, line: int, column: int) -> Subject:
    """What is under the cursor, if it can be renamed; raises `RenameRefused` otherwise."""
    if not 0 <= line < len(model.statements):
        raise RenameRefused("nothing to rename here: put the cursor on a node ID or a lane ID")
    if _in_label(model, line, column):
        raise RenameRefused("labels and comments are text: edit them directly; rename works on node and lane IDs")
    target = locate(model, line, column)
    if target is None:
        raise RenameRefused("nothing to rename here: put the cursor on a node ID or a lane ID")
    if target.kind in _WHAT:
        raise RenameRefused(f"`{target.name.text}` is {_WHAT[target.kind]}: only node and lane IDs can be renamed")
    if target.kind == "lane":
        if target.text not in model.lane_table:
            raise RenameRefused(f"no lane is called `{target.text}`: declare it before renaming it")
        return Subject("lane", target.text, target.line, target.name)
    statement = model.statements[line]
    if target.declaration:
        node = next((n for n in facts.declarations(model, target.text) if n.line == line), None)
    else:
        ref = _ref_at(statement, target.name)
        node = None if ref is None else facts.node_at_use(model, line, ref)
    if node is None:
        raise RenameRefused(f"`{target.text}` is not declared: there is nothing to rename; declare it first")
    if NODE_ID.match(node.id) is None:
        raise RenameRefused(f"`{node.id}` is not a node ID (`n` and a number): fix the declaration first")
    return Subject("node", target.text, target.line, target.name, node)


def _ref_at(statement: Statement, name: Name) -> Ref | None:
    refs: list[Ref] = []
    if isinstance(statement, Edge):
        refs = [statement.source.ref, statement.target.ref]
    elif isinstance(statement, Loop):
        refs = list(statement.members)
    return next((ref for ref in refs if ref.node == name), None)


def check_new_name(model: Model, found: Subject, new_name: str) -> None:
    """Raise `RenameRefused` unless `new_name` is a valid, free ID of the subject's kind."""
    if new_name == found.text:
        return
    if found.kind == "node":
        if NODE_ID.match(new_name) is None:
            raise RenameRefused(f"`{new_name}` is not a node ID: write `n` and a number, like `n12`")
        taken = facts.declarations(model, new_name)
        if taken:
            raise RenameRefused(f"`{new_name}` is already declared on line {taken[0].line + 1}")
        return
    if LANE_ID.match(new_name) is None:
        raise RenameRefused(
            f"`{new_name}` is not a lane ID: letters, digits, `_` and `-`, starting with a letter and not ending in `-`"
        )
    if new_name.lower() in RESERVED:
        raise RenameRefused(f"`{new_name}` is a FlowZap keyword: choose another lane ID")
    lane = model.lane_table.get(new_name)
    if lane is not None:
        raise RenameRefused(f"lane `{new_name}` already exists on line {lane.line + 1}")


def rename(model: Model, line: int, column: int, new_name: str) -> list[Change]:
    """Every change a rename makes, in file order; raises `RenameRefused`."""
    found = subject(model, line, column)
    check_new_name(model, found, new_name)
    if new_name == found.text:
        return []
    if found.kind == "node":
        assert found.node is not None
        occurrences = facts.node_occurrences(model, found.node)
    else:
        occurrences = facts.lane_occurrences(model, found.text)
    return [Change(o.line, o.name.start, o.name.end, new_name) for o in occurrences]
