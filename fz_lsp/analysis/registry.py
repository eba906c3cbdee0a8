"""What each line of a file declares and references, by row, and the queries on it.

`add_line` registers one line (its node, edge or loop, the references it makes, what
it says on its own) under the line's `Row`; `remove_line` takes exactly that out again.
The queries (`resolve`, `symbol_at`, `occurrences`, ...) read these tables: hover,
definition, references, highlights, rename and completion all go through them. The
`Model` (model.py) decides which lines to register and which IDs to check again.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable

from fz_lsp.analysis import messages
from fz_lsp.analysis.diagnostics import FZ304, Diagnostic
from fz_lsp.analysis.entities import (
    EdgeKey,
    EdgeSite,
    Lane,
    LaneReference,
    LoopSite,
    Node,
    Occurrence,
    Reference,
    Role,
)
from fz_lsp.analysis.lines import LineIndex, Pinned, Row
from fz_lsp.analysis.statement_checks import findings_for_line
from fz_lsp.analysis.structure import labels
from fz_lsp.analysis.vocabulary import node_number
from fz_lsp.syntax.statements import IDENTIFIER, Comment, Edge, LaneHeader, Loop, Name, NodeDecl, Ref, Statement

_WORD = re.compile(IDENTIFIER)  # the words of a line that does not parse: may be IDs


def _insert_by_line(nodes: list[Node], node: Node) -> None:
    """Keep `nodes` in line order; a build from scratch only ever appends."""
    if not nodes or nodes[-1].line < node.line:
        nodes.append(node)
    else:
        nodes.insert(bisect.bisect_left(nodes, node.line, key=lambda n: n.line), node)


def has_label_comment(statements: Iterable[Statement]) -> bool:
    """Whether a header without a label is followed by a `# comment` (which is then its label)."""
    return any(labels(header, after) for header, after in itertools.pairwise(statements))


def _own_line(diagnostic: Diagnostic) -> bool:
    """Whether a diagnostic's fix, if any, stays on its own line (then its own row pins it all)."""
    return diagnostic.fix is None or all(r.line_delta == 0 for r in diagnostic.fix.replacements)


class Registry:
    """The per-line tables of one file and the queries on them."""

    _nodes: list[Node] | None
    _edges: list[EdgeSite] | None
    _loops: list[LoopSite] | None

    def __init__(self, lines: list[str], statements: list[Statement]) -> None:
        self.lines = lines
        self.statements = statements
        self._rows = LineIndex(len(statements))
        self.lanes: list[Lane] = []
        self.lane_table: dict[str, Lane] = {}
        self.node_table: dict[str, Node] = {}
        self.node_refs: dict[str, list[Reference]] = {}
        self.lane_refs: dict[str, dict[Reference, LaneReference]] = {}  # each prefix's uses, by reference
        self._lane_of_row: dict[Row, Lane] = {}
        self._segment_starts: list[int] = [0]
        self._segment_lanes: list[Lane | None] = [None]
        self._decls: dict[str, list[Node]] = {}
        self._numbers: list[int] = []  # sorted numbers of the declared `n<number>` IDs
        self._nodes_at: dict[Row, Node] = {}
        self._edges_at: dict[Row, EdgeSite] = {}
        self._loops_at: dict[Row, LoopSite] = {}
        self._edges_by_key: dict[EdgeKey, list[EdgeSite]] = {}
        self._stale_keys: set[EdgeKey] = set()
        self._mentioned: dict[str, int] = {}  # words on lines that do not parse
        self._on_row: dict[Row, list[Pinned]] = {}  # what one line says on its own (and FZ301/302, FZ304)
        self._nodes = None
        self._edges = None
        self._loops = None

    # --- queries ----------------------------------------------------------------------------

    def lane_at(self, line: int) -> Lane | None:
        """The lane whose body holds `line` (None outside every lane)."""
        index = bisect.bisect_right(self._segment_starts, line) - 1
        return self._segment_lanes[index] if index >= 0 else None

    def references_to(self, node_id: str) -> list[Reference]:
        return self.node_refs.get(node_id, [])

    def resolve(self, reference: Reference) -> Node | None:
        """The declaration a use of a node ID stands for, by the lane-aware rule."""
        return self.resolve_written(reference.ref, reference.context)

    def resolve_written(self, ref: Ref, context: Lane | None) -> Node | None:
        """What `ref` would stand for if written in the lane `context`.

        `Lane.nK` means the `nK` of that lane, and a bare `nK` the one of the lane the
        statement is written in, when there is one; otherwise the ID's first declaration.
        """
        decls = self._decls.get(ref.node.text)
        if not decls:
            return None
        if len(decls) > 1:
            if ref.lane is not None:
                for decl in decls:
                    if decl.lane is not None and decl.lane.id == ref.lane.text:
                        return decl
            elif context is not None:
                for decl in decls:
                    if decl.lane is context:
                        return decl
        return decls[0]

    def symbol_at(self, line: int, column: int) -> Occurrence | None:
        """The node or lane ID written at (line, column), and what it stands for.

        A column at either end of the word counts (the cursor sits after the last letter).
        """
        if not 0 <= line < len(self.statements):
            return None

        def inside(name: Name | None) -> bool:
            return name is not None and name.start <= column <= name.end

        row = self._rows[line]
        node = self._nodes_at.get(row)
        if node is not None and inside(node.decl.node):
            return Occurrence("node", line, node.decl.node, True, node)
        lane = self._lane_of_row.get(row)
        if lane is not None and type(self.statements[line]) is LaneHeader and inside(lane.id_name):
            return Occurrence("lane", line, lane.id_name, True, lane)
        references: list[Reference] = []
        if (site := self._edges_at.get(row)) is not None:
            references = [site.source, site.target]
        elif (loop := self._loops_at.get(row)) is not None:
            references = loop.members
        for reference in references:
            prefix = reference.ref.lane
            if prefix is not None and inside(prefix):
                return Occurrence("lane", line, prefix, False, reference.lane)
            if inside(reference.ref.node):
                return Occurrence("node", line, reference.ref.node, False, reference.node)
        return None

    def occurrences(self, of: Occurrence | Node | Lane) -> list[Occurrence]:
        """Every place that stands for the same declaration as `of`, declarations included, in file order.

        For an undeclared ID, every use of that ID that resolves to nothing.
        """
        found: list[Occurrence] = []
        if isinstance(of, Occurrence):
            kind, text, target = of.kind, of.name.text, of.target
        elif isinstance(of, Node):
            kind, text, target = "node", of.id, of
        else:
            kind, text, target = "lane", of.id, of
        if kind == "node":
            if isinstance(target, Node):
                found.append(Occurrence("node", target.line, target.decl.node, True, target))
            found.extend(
                Occurrence("node", r.line, r.ref.node, False, target)
                for r in self.node_refs.get(text, ())
                if r.node is target
            )
        else:
            if isinstance(target, Lane):
                found.append(Occurrence("lane", target.line, target.id_name, True, target))
            found.extend(
                Occurrence("lane", u.line, u.name, False, target)
                for u in self.lane_refs.get(text, {}).values()
                if u.lane is target
            )
        found.sort(key=lambda o: (o.line, o.name.start))
        return found

    @property
    def nodes(self) -> list[Node]:
        if self._nodes is None:
            self._nodes = sorted(self._nodes_at.values(), key=lambda node: node.line)
        return self._nodes

    @property
    def edges(self) -> list[EdgeSite]:
        if self._edges is None:
            self._edges = sorted(self._edges_at.values(), key=lambda site: site.line)
        return self._edges

    @property
    def loops(self) -> list[LoopSite]:
        if self._loops is None:
            self._loops = sorted(self._loops_at.values(), key=lambda loop: loop.line)
        return self._loops

    # --- registering lines ---------------------------------------------------------------------

    def add_line(self, row: Row, index: int, lane: Lane | None) -> set[str]:
        """Register what one line declares and references; returns the IDs it touches."""
        ids: set[str] = set()
        statement = self.statements[index]
        text = self.lines[index]
        found = [
            Diagnostic(f.code, index, f.start, f.end, f.message, (), f.fix) for f in findings_for_line(text, statement)
        ]
        if statement.problem is not None:
            row.broken = True
            for word in set(_WORD.findall(text)):
                self._mentioned[word] = self._mentioned.get(word, 0) + 1
                ids.add(word)
        if isinstance(statement, Edge):
            ids |= self._add_edge(row, statement, lane, found)
        elif isinstance(statement, NodeDecl):
            ids.add(self._add_node(row, statement, lane))
        elif isinstance(statement, Loop):
            ids |= self._add_loop(row, statement, lane, found)
        elif isinstance(statement, Comment):
            is_label = index > 0 and labels(self.statements[index - 1], statement)
            above = self.lines[index - 1] if index > 0 else ""
            found.extend(messages.comment(index, statement, is_label, above, text))
        elif isinstance(statement, LaneHeader) and (header_lane := self._lane_of_row.get(row)) is not None:
            # The same lane ID in the same place (`Model._moves_frame` checked): a new label, or new spacing.
            header_lane.header = statement
            if statement.label is not None:
                header_lane.label = statement.display_label
        if found:
            self._on_row[row] = [
                Pinned(d, (row,)) if not d.related and _own_line(d) else Pinned.at(self._rows, d) for d in found
            ]
        return ids

    def _add_edge(self, row: Row, edge: Edge, lane: Lane | None, found: list[Diagnostic]) -> set[str]:
        source = self._reference(row, edge.source.ref, "source", lane)
        target = self._reference(row, edge.target.ref, "target", lane)
        site = EdgeSite(row, edge, lane, source, target)
        site.key = site.resolved_key()
        self._edges_at[row] = site
        self._edges_by_key.setdefault(site.key, []).append(site)
        self._stale_keys.add(site.key)
        if lane is None:
            found.append(messages.statement_outside_lanes(row.line, edge))
        return {source.ref.node.text, target.ref.node.text}

    def _add_node(self, row: Row, decl: NodeDecl, lane: Lane | None) -> str:
        node = Node(decl.node.text, row, decl, lane)
        self._nodes_at[row] = node
        decls = self._decls.setdefault(node.id, [])
        if not decls:
            self._declared(node.id, True)
        _insert_by_line(decls, node)
        if lane is not None:
            _insert_by_line(lane.nodes, node)
        return node.id

    def _add_loop(self, row: Row, loop: Loop, lane: Lane | None, found: list[Diagnostic]) -> set[str]:
        members = [self._reference(row, member, "member", lane) for member in loop.members]
        self._loops_at[row] = LoopSite(row, loop, lane, members)
        if lane is None:
            found.append(messages.statement_outside_lanes(row.line, loop))
        return {member.node.text for member in loop.members}

    def _reference(self, row: Row, ref: Ref, role: Role, context: Lane | None) -> Reference:
        reference = Reference(row, ref, role, None, None, context)
        self.node_refs.setdefault(ref.node.text, []).append(reference)
        if ref.lane is not None:
            self.lane_refs.setdefault(ref.lane.text, {})[reference] = LaneReference(reference, ref.lane)
        return reference

    def _declared(self, node_id: str, present: bool) -> None:
        """An ID gained its first declaration or lost its last: the index of numbers follows.

        (The "did you mean" cache is cleared by `update` when the declarations really changed:
        retyping a declaration's label removes and adds the same ID.)
        """
        number = node_number(node_id)
        if number is None:
            return
        if present:
            bisect.insort(self._numbers, number)
        else:
            del self._numbers[bisect.bisect_left(self._numbers, number)]

    def relane(self, row: Row, lane: Lane | None) -> set[str]:
        """A line whose text stayed but whose lane changed: what it registered follows the lane.

        Returns the node IDs it declares or names. Nothing a line says on its own depends on
        its lane except FZ304 (an edge or loop outside every lane), which is redone here.
        """
        if (node := self._nodes_at.get(row)) is not None:
            if node.lane is not None:
                node.lane.nodes.remove(node)
            node.lane = lane
            if lane is not None:
                _insert_by_line(lane.nodes, node)
            return {node.id}
        references: list[Reference] = []
        statement: Edge | Loop | None = None
        if (site := self._edges_at.get(row)) is not None:
            site.lane, references, statement = lane, [site.source, site.target], site.edge
        elif (loop := self._loops_at.get(row)) is not None:
            loop.lane, references, statement = lane, loop.members, loop.loop
        for reference in references:
            reference.context = lane
        if statement is not None:
            said = [pinned for pinned in self._on_row.pop(row, ()) if pinned.diagnostic.code != FZ304]
            if lane is None:
                said.append(Pinned(messages.statement_outside_lanes(row.line, statement), (row,)))
            if said:
                self._on_row[row] = said
        return {reference.ref.node.text for reference in references}

    def remove_line(self, row: Row, text: str) -> set[str]:
        """Undo `_add_line` for a line about to change; `text` is what the line said."""
        ids: set[str] = set()
        self._on_row.pop(row, None)
        if row.broken:
            row.broken = False
            for word in set(_WORD.findall(text)):
                self._mentioned[word] -= 1
                ids.add(word)
        references: list[Reference] = []
        if (node := self._nodes_at.pop(row, None)) is not None:
            self._decls[node.id].remove(node)
            if not self._decls[node.id]:
                del self._decls[node.id]
                self._declared(node.id, False)
            if node.lane is not None:
                node.lane.nodes.remove(node)
            ids.add(node.id)
        if (site := self._edges_at.pop(row, None)) is not None:
            self._unkey(site)
            references = [site.source, site.target]
        if (loop := self._loops_at.pop(row, None)) is not None:
            references += loop.members
        for reference in references:
            ids.add(self._unreference(reference))
        return ids

    def _unreference(self, reference: Reference) -> str:
        node_id = reference.ref.node.text
        remaining = [r for r in self.node_refs[node_id] if r is not reference]
        if remaining:
            self.node_refs[node_id] = remaining
        else:
            del self.node_refs[node_id]
        prefix = reference.ref.lane
        if prefix is not None:
            uses = self.lane_refs[prefix.text]
            del uses[reference]
            if not uses:
                del self.lane_refs[prefix.text]
        return node_id

    def _unkey(self, site: EdgeSite) -> None:
        sites = self._edges_by_key[site.key]
        sites.remove(site)
        if not sites:
            del self._edges_by_key[site.key]
        self._stale_keys.add(site.key)

    def _rekey(self, site: EdgeSite) -> None:
        """File an edge under the declarations its ends resolve to now."""
        key = site.resolved_key()
        if key != site.key:
            self._unkey(site)
            site.key = key
            self._edges_by_key.setdefault(key, []).append(site)
            self._stale_keys.add(key)
