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

from fz_lsp.analysis.model import Lane, Model, Node, Occurrence
from fz_lsp.analysis.vocabulary import NODE_ID
from fz_lsp.features import facts
from fz_lsp.features.locate import locate
from fz_lsp.syntax.statements import IDENTIFIER, Comment, LaneHeader, Name, NodeDecl

LANE_ID = re.compile(rf"{IDENTIFIER}\Z")  # what the parser reads as a lane ID, and nothing more
RESERVED = frozenset({"loop", "handle"})  # would read as a loop or a handle where prefixes stand


class RenameRefused(ValueError):
    """Nothing is renamed; the message says why, in words for the user."""


@dataclass(frozen=True)
class Subject:
    """What a rename at a position would change: a declared node or lane, found where it is written."""

    kind: str  # "node" or "lane"
    text: str
    occurrence: Occurrence  # the one under the cursor

    @property
    def line(self) -> int:
        return self.occurrence.line

    @property
    def name(self) -> Name:
        return self.occurrence.name


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
    found = facts.symbol_at(model, line, column)
    if found is None:
        target = locate(model, line, column)
        if target is not None and target.kind in _WHAT:
            raise RenameRefused(f"`{target.name.text}` is {_WHAT[target.kind]}: only node and lane IDs can be renamed")
        raise RenameRefused("nothing to rename here: put the cursor on a node ID or a lane ID")
    text = found.name.text
    if found.kind == "lane":
        if not isinstance(found.target, Lane):
            raise RenameRefused(f"no lane is called `{text}`: declare it before renaming it")
        return Subject("lane", text, found)
    if not isinstance(found.target, Node):
        raise RenameRefused(f"`{text}` is not declared: there is nothing to rename; declare it first")
    if NODE_ID.match(text) is None:
        raise RenameRefused(f"`{text}` is not a node ID (`n` and a number): fix the declaration first")
    return Subject("node", text, found)


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
    return [Change(o.line, o.name.start, o.name.end, new_name) for o in facts.occurrences(model, found.occurrence)]
