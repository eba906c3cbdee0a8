"""The semantic model of one file: lanes, nodes, edges, loops and every reference.

Built once from the statements, then kept up to date edit by edit (`update`): what the
edited lines had registered is taken out, and their new text registered; then only the
node IDs and edges they touch are resolved and checked again. Everything registered
hangs on the `Row` of its line (`lines`), so inserting or deleting a line renumbers
nothing. An edit to the frame (a lane header, a `}`, a lane's label comment) pairs the
braces again from the frame alone (`structure`) and re-registers only the lines whose
lane changed; a lane renamed re-checks the references to its old and new ID and those
that name its nodes. Diagnostics are kept grouped by what they depend on (a line, a node
ID, an edge's resolved ends, the lanes), pinned to rows; their wording is in `messages`.

Why this file is longer than 400 lines: registering a line, taking it out, following an
edit and re-checking what it touched share one set of tables; the parts that do not
(records, wording, the frame, rows, per-line checks, suggestions, the sequence rules)
live in their own modules.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable

from fz_lsp.analysis import messages
from fz_lsp.analysis.diagnostics import FZ001, FZ002, Diagnostic
from fz_lsp.analysis.entities import (
    EdgeKey,
    EdgeSite,
    Kind,
    Lane,
    LaneReference,
    LoopSite,
    Node,
    Occurrence,
    Reference,
    Role,
)
from fz_lsp.analysis.lines import LineIndex, Pinned, Row
from fz_lsp.analysis.sequence import sequence_findings
from fz_lsp.analysis.statement_checks import findings_for_line
from fz_lsp.analysis.structure import changed_runs, pair
from fz_lsp.analysis.suggestions import guesses
from fz_lsp.analysis.vocabulary import closest_names, node_number
from fz_lsp.syntax.document import Edit, paused_gc
from fz_lsp.syntax.statements import (
    IDENTIFIER,
    Comment,
    Edge,
    LaneClose,
    LaneHeader,
    Loop,
    Name,
    NodeDecl,
    Ref,
    Statement,
)

_FRAME = (LaneHeader, LaneClose)
_WORD = re.compile(IDENTIFIER)  # the words of a line that does not parse: may be IDs
_SYNTAX = (FZ001, FZ002)  # the only diagnostics a line that does not parse keeps


def _insert_by_line(nodes: list[Node], node: Node) -> None:
    """Keep `nodes` in line order; a build from scratch only ever appends."""
    if not nodes or nodes[-1].line < node.line:
        nodes.append(node)
    else:
        nodes.insert(bisect.bisect_left(nodes, node.line, key=lambda n: n.line), node)


def _has_label_comment(statements: Iterable[Statement]) -> bool:
    """Whether a header without a label is followed by a `# comment` (which is then its label)."""
    return any(
        type(header) is LaneHeader and header.label is None and type(after) is Comment and after.text.startswith("#")
        for header, after in itertools.pairwise(statements)
    )


class Model:
    """Everything known about one file after analysis."""

    _nodes: list[Node] | None
    _edges: list[EdgeSite] | None
    _loops: list[LoopSite] | None
    _diagnostics: list[Diagnostic] | None
    _sequence: list[Diagnostic] | None

    def __init__(self, lines: list[str], statements: list[Statement]) -> None:
        self.lines = lines
        self.statements = statements
        with paused_gc():
            self._build()

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

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic but FZ504/FZ505 (see `sequence_diagnostics`), in file order."""
        if self._diagnostics is None:
            if self._duplicates_stale:
                self._recompute_duplicates()
            groups: list[Iterable[Pinned]] = [self._structure_diags, self._numbering, self._duplicates]
            groups.extend(self._on_row.values())
            groups.extend(self._per_id.values())
            groups.extend(self._per_key.values())
            kept = []
            for pinned in itertools.chain.from_iterable(groups):
                row = pinned.row
                # One bad line gives one diagnostic: its syntax error, nothing derived from it.
                if row.chunk is not None and (not row.broken or pinned.diagnostic.code in _SYNTAX):
                    kept.append(pinned.current())
            self._diagnostics = _in_order(kept)
        return self._diagnostics

    def sequence_diagnostics(self) -> list[Diagnostic]:
        """FZ504 and FZ505: request/response pairing between lanes, in edge order."""
        if self._sequence is None:
            found = sequence_findings(self.edges)
            self._sequence = _in_order(d for d in found if not self._rows[d.line].broken)
        return self._sequence

    # --- building from scratch ----------------------------------------------------------------

    def _build(self) -> None:
        self.lanes: list[Lane] = []
        self.lane_table: dict[str, Lane] = {}
        self.node_table: dict[str, Node] = {}
        self.node_refs: dict[str, list[Reference]] = {}
        self.lane_refs: dict[str, dict[Reference, LaneReference]] = {}  # each prefix's uses, by reference
        self._lane_guesses: dict[str, list[str]] = {}  # lane IDs like an unknown prefix, until lanes change
        self._rows = LineIndex(len(self.statements))
        rows = self._rows.rows(0, len(self.statements))
        self._frame = [row for row, statement in zip(rows, self.statements, strict=True) if type(statement) in _FRAME]
        self._lane_of_row: dict[Row, Lane] = {}
        self._decls: dict[str, list[Node]] = {}
        self._numbers: list[int] = []  # sorted numbers of the declared `n<number>` IDs
        self._guesses: dict[str, list[str]] = {}  # "did you mean" per undeclared ID, until IDs change
        self._duplicated: set[str] = set()
        self._duplicates: list[Pinned] = []
        self._duplicates_stale = True
        self._stale_keys: set[EdgeKey] = set()
        self._nodes_at: dict[Row, Node] = {}
        self._edges_at: dict[Row, EdgeSite] = {}
        self._loops_at: dict[Row, LoopSite] = {}
        self._edges_by_key: dict[EdgeKey, list[EdgeSite]] = {}
        self._mentioned: dict[str, int] = {}  # words on lines that do not parse
        self._dangling: set[str] = set()
        self._structure_diags: list[Pinned] = []  # braces and lane IDs: FZ003, FZ004, FZ005, FZ202
        self._numbering: list[Pinned] = []
        self._on_row: dict[Row, list[Pinned]] = {}  # what one line says on its own (and FZ301/302, FZ304)
        self._per_id: dict[str, list[Pinned]] = {}
        self._per_key: dict[EdgeKey, list[Pinned]] = {}
        self._pair()
        starts, lanes_of = self._segment_starts, self._segment_lanes
        for segment, start in enumerate(starts):
            stop = starts[segment + 1] if segment + 1 < len(starts) else len(rows)
            lane = lanes_of[segment]
            for index in range(start, min(stop, len(rows))):
                self._add_line(rows[index], index, lane)
        for node_id, decls in self._decls.items():
            self.node_table[node_id] = decls[0]
        for node_id in {*self._decls, *self.node_refs}:
            self._recompute_id(node_id)
        self._recompute_keys()
        self._recompute_numbering()
        self._forget_views()

    def _forget_views(self) -> None:
        self._nodes = None
        self._edges = None
        self._loops = None
        self._diagnostics = None
        self._sequence = None

    def _pin(self, found: Iterable[Diagnostic]) -> list[Pinned]:
        return [Pinned.at(self._rows, diagnostic) for diagnostic in found]

    def _pair(self) -> None:
        """Lanes, their extents and the lane table, from the frame (headers and `}`) alone."""
        structure = pair(self._frame, self.statements, self._lane_of_row)
        self.lanes, self._lane_of_row = structure.lanes, structure.known
        self._segment_starts, self._segment_lanes = structure.starts, structure.lanes_of
        self.lane_table = {}
        self._lane_guesses = {}
        found = structure.diagnostics
        for lane in self.lanes:
            first = self.lane_table.setdefault(lane.id, lane)
            if first is not lane:
                found.append(messages.duplicate_lane(lane, first))
        self._structure_diags = self._pin(found)

    def _add_line(self, row: Row, index: int, lane: Lane | None) -> set[str]:
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
        kind = type(statement)
        if kind is Edge:
            edge: Edge = statement  # type: ignore[assignment]
            source = self._reference(row, edge.source.ref, "source", lane)
            target = self._reference(row, edge.target.ref, "target", lane)
            site = EdgeSite(row, edge, lane, source, target)
            site.key = site.resolved_key()
            self._edges_at[row] = site
            self._edges_by_key.setdefault(site.key, []).append(site)
            self._stale_keys.add(site.key)
            ids.add(source.ref.node.text)
            ids.add(target.ref.node.text)
            if lane is None:
                found.append(messages.statement_outside_lanes(index, edge))
        elif kind is NodeDecl:
            decl: NodeDecl = statement  # type: ignore[assignment]
            node = Node(decl.node.text, row, decl, lane)
            self._nodes_at[row] = node
            decls = self._decls.setdefault(node.id, [])
            if not decls:
                self._declared(node.id, True)
            _insert_by_line(decls, node)
            if lane is not None:
                _insert_by_line(lane.nodes, node)
            ids.add(node.id)
        elif kind is Comment:
            is_label = index > 0 and _has_label_comment((self.statements[index - 1], statement))
            above = self.lines[index - 1] if index > 0 else ""
            found.extend(messages.comment(index, statement, is_label, above, text))  # type: ignore[arg-type]
        elif kind is LaneHeader and (header_lane := self._lane_of_row.get(row)) is not None:
            # The same lane ID in the same place (`_moves_frame` checked): a new label, or new spacing.
            header: LaneHeader = statement  # type: ignore[assignment]
            header_lane.header = header
            if header.label is not None:
                header_lane.label = header.display_label
        elif kind is Loop:
            loop: Loop = statement  # type: ignore[assignment]
            members = [self._reference(row, member, "member", lane) for member in loop.members]
            self._loops_at[row] = LoopSite(row, loop, lane, members)
            ids.update(member.node.text for member in loop.members)
            if lane is None:
                found.append(messages.statement_outside_lanes(index, loop))
        if found:
            self._on_row[row] = [
                Pinned(d, (row,)) if not d.related and _own_line(d) else Pinned.at(self._rows, d) for d in found
            ]
        return ids

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

    def _remove_line(self, row: Row, text: str) -> set[str]:
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

    # --- keeping up with edits ----------------------------------------------------------------

    def update(self, edit: Edit) -> None:
        """Bring the model up to date after `edit`; its new lines are already in `self.statements`.

        What the lines removed had registered is taken out and the new lines are registered
        (after the frame is paired again, if the edit moved it); then only the node IDs and
        edges they touch are resolved and checked again.
        """
        first, removed = edit.first, edit.removed_count
        moves_frame = self._moves_frame(edit)
        runs_before = (self._segment_starts, self._segment_lanes)  # `_pair` makes new lists
        ids: set[str] = set()
        for row, text in zip(self._rows.rows(first, first + removed), edit.removed_lines, strict=True):
            ids |= self._remove_line(row, text)
        rows = self._rows.splice(first, removed, edit.added_count)
        if moves_frame:
            ids |= self._reframe(edit, rows, runs_before)
        elif edit.delta:
            self._shift_lanes(first + removed, edit.delta)
        for index, row in enumerate(rows, first):
            ids |= self._add_line(row, index, self.lane_at(index))
        ids |= self._redeclared(edit, ids)
        for node_id in ids:
            self._recompute_id(node_id)
        self._recompute_keys()
        self._forget_views()

    def _moves_frame(self, edit: Edit) -> bool:
        """Whether `edit` changes the frame the lanes are paired from; one clause per reason."""
        first = edit.first
        removed, added = edit.removed_statements, self.statements[first : first + edit.added_count]
        # A `}` typed or deleted re-pairs braces: lane extents and every line's lane can move.
        if any(type(s) is LaneClose for s in removed) or any(type(s) is LaneClose for s in added):
            return True
        # A lane header appears, goes, moves or changes its ID (lane table, prefixes, extents).
        # A header that gains or loses its `# label` changes what the comment below it is.
        headers_before = [(i, s.lane, s.label is None) for i, s in enumerate(removed) if type(s) is LaneHeader]
        headers_after = [(i, s.lane, s.label is None) for i, s in enumerate(added) if type(s) is LaneHeader]
        if headers_before != headers_after:
            return True
        # A `# comment` right below a header without a label is that lane's label (FZ301): the
        # edit must not make or unmake, or touch, such a pair.
        above = [self.statements[first - 1]] if first > 0 else []
        below_at = first + edit.added_count
        below = [self.statements[below_at]] if below_at < len(self.statements) else []
        return _has_label_comment([*above, *removed, *below]) or _has_label_comment([*above, *added, *below])

    def _reframe(self, edit: Edit, rows: list[Row], runs_before: tuple[list[int], list[Lane | None]]) -> set[str]:
        """Pair the braces again after `edit` changed the frame; returns the node IDs to check again.

        Lines whose lane changed are registered again; a lane that appeared, went or changed
        its ID re-checks the references that name it, the nodes declared in it and the edges
        written in it (their messages name the lane).
        """
        first, stop = edit.first, edit.first + edit.added_count
        ids_before = {id(lane): lane.id for lane in self.lanes}
        kept = [row for row in self._frame if row.chunk is not None and not first <= row.line < stop]
        for index, row in enumerate(rows, first):
            if type(self.statements[index]) in _FRAME:
                kept.insert(bisect.bisect_left(kept, index, key=lambda r: r.line), row)
        self._frame = kept
        self._pair()
        starts, lanes_of = runs_before
        end = first + edit.removed_count
        moved = [start if start < first else start + edit.delta if start >= end else first for start in starts]
        ids: set[str] = set()
        relaid: set[str] = set()  # node IDs declared on a line whose lane changed
        for start, run_stop in changed_runs(
            (moved, lanes_of), (self._segment_starts, self._segment_lanes), len(self.statements)
        ):
            for index, row in enumerate(self._rows.rows(start, run_stop), start):
                if not first <= index < stop:
                    ids |= self._remove_line(row, self.lines[index])
                    ids |= self._add_line(row, index, self.lane_at(index))
                    if (node := self._nodes_at.get(row)) is not None:
                        relaid.add(node.id)
        if stop < len(self.statements) and type(self.statements[stop]) is Comment:
            row = self._rows[stop]  # it may have become, or stopped being, a lane's label
            ids |= self._remove_line(row, self.lines[stop]) | self._add_line(row, stop, self.lane_at(stop))
        ids_after = {id(lane): lane.id for lane in self.lanes}
        renamed = {lane_id for key, lane_id in ids_before.items() if ids_after.get(key) != lane_id}
        renamed |= {lane_id for key, lane_id in ids_after.items() if ids_before.get(key) != lane_id}
        if renamed:
            ids |= self._lane_renamed(renamed, relaid)
        # "Did you mean" writes a suggestion with its lane's prefix, or without from its own lane.
        ids |= {d for d in self._dangling if not relaid.isdisjoint(self._guesses.get(d, relaid))}
        return ids

    def _lane_renamed(self, lane_ids: set[str], relaid: set[str]) -> set[str]:
        """The node IDs whose checks name a lane with one of `lane_ids`, or resolve through one.

        The nodes declared in such a lane are added to `relaid` (suggestions name their lane).
        """
        ids: set[str] = set()
        for lane_id in lane_ids:
            ids.update(reference.ref.node.text for reference in self.lane_refs.get(lane_id, ()))
        for lane in self.lanes:
            if lane.id in lane_ids:
                relaid.update(node.id for node in lane.nodes)
                for row in self._rows.rows(lane.line, lane.end_line + 1):
                    if (site := self._edges_at.get(row)) is not None:
                        ids.add(site.source.ref.node.text)
        # "No lane is called X; did you mean Y?" weighs every lane ID.
        for prefix, uses in self.lane_refs.items():
            if prefix not in self.lane_table:
                ids.update(reference.ref.node.text for reference in uses)
        self._duplicates_stale = True  # FZ201 names the first declaration's lane
        return ids | relaid

    def _redeclared(self, edit: Edit, ids: set[str]) -> set[str]:
        """Follow what the edit did to declarations; returns the IDs whose checks depend on them."""
        for node_id in ids:
            decls = self._decls.get(node_id)
            if decls:
                self.node_table[node_id] = decls[0]
            else:
                self.node_table.pop(node_id, None)
        removed = edit.removed_statements
        added = self.statements[edit.first : edit.first + edit.added_count]
        # Numbering depends on which IDs are declared where, not on labels or shapes.
        declared_before = [(i, s.node) for i, s in enumerate(removed) if type(s) is NodeDecl]
        declared_after = [(i, s.node) for i, s in enumerate(added) if type(s) is NodeDecl]
        if declared_before != declared_after:
            self._guesses.clear()
            self._recompute_numbering()
            # Suggestions for undeclared IDs name other nodes; renumbering fixes pick free numbers.
            self._duplicates_stale = True
            return set(self._dangling)
        if declared_before:
            # A label or shape changed: only the suggestions that name this node show it.
            touched = {s.node.text for s in removed if type(s) is NodeDecl}
            return {d for d in self._dangling if d not in self._guesses or not touched.isdisjoint(self._guesses[d])}
        return set()

    def _shift_lanes(self, start: int, delta: int) -> None:
        """Move the lanes and runs at line `start` or below by `delta` lines: O(lanes)."""

        def moved(line: int) -> int:
            return line + delta if line >= start else line

        last_before = len(self.statements) - 1 - delta
        for lane in self.lanes:
            lane.line = moved(lane.line)
            if not lane.closed and lane.end_line == last_before:
                lane.end_line = len(self.statements) - 1  # still runs to the end of the file
            else:
                lane.end_line = moved(lane.end_line)
            if lane.label_line is not None:
                lane.label_line = moved(lane.label_line)
        for lane in self.lanes:
            if lane.cut_by is not None:  # its last line may have been in the edit: it ends above the next
                lane.end_line = lane.cut_by.line - 1
        self._segment_starts[:] = [moved(line) for line in self._segment_starts]

    # --- diagnostics by what they depend on -----------------------------------------------------

    def _recompute_id(self, node_id: str) -> None:
        """Resolve every use of `node_id` and redo the diagnostics that hang on it."""
        decls = self._decls.get(node_id, [])
        found = [messages.outside_lanes(decl) for decl in decls if decl.lane is None]
        if len(decls) > 1 or node_id in self._duplicated:
            # FZ201's fix renames the uses of a later declaration: they may have changed.
            self._duplicates_stale = True
            if len(decls) > 1:
                self._duplicated.add(node_id)
            else:
                self._duplicated.discard(node_id)
        references = self.node_refs.get(node_id, [])
        references.sort(key=lambda r: (r.line, r.ref.node.start))
        connected: set[int] = set()  # ids of the declarations an edge names
        for reference in references:
            node = self.resolve(reference)
            if node is not None and reference.role != "member":
                connected.add(id(node))
            self._resolve(reference, node, found)
            if reference.role != "member":
                self._rekey(self._edges_at[reference.row])
        if not decls and references:
            self._dangling.add(node_id)
        else:
            self._dangling.discard(node_id)
        # A node named on a line that does not parse may well be linked there: no orphan warning.
        # A second declaration already has FZ201; an orphan warning would say the same twice.
        if decls and id(decls[0]) not in connected and not self._mentioned.get(node_id):
            found.append(messages.orphan(decls[0]))
        if found:
            self._per_id[node_id] = self._pin(found)
        else:
            self._per_id.pop(node_id, None)

    def _resolve(self, reference: Reference, node: Node | None, found: list[Diagnostic]) -> None:
        index, ref, lane = reference.line, reference.ref, reference.context
        reference.node = node
        prefix = ref.lane
        named_lane = None
        if prefix is not None:
            if node is not None and node.lane is not None and node.lane.id == prefix.text:
                named_lane = node.lane
            else:
                named_lane = self.lane_table.get(prefix.text)
        reference.lane = named_lane
        if prefix is not None and named_lane is None:
            found.append(messages.unknown_lane(index, prefix, node, self._lanes_like(prefix.text)))
        if node is None:
            found.append(self._dangling_diagnostic(reference))
            return
        if prefix is not None and named_lane is None:
            return  # a wrong prefix is the one mistake here: no lane rule is checked on top of it
        if named_lane is not None and node.lane is not None and node.lane.id != named_lane.id:
            found.append(messages.wrong_lane(index, ref, node, lane))
            return
        if lane is None or node.lane is None or node.lane.id == lane.id:
            return
        if reference.role == "target" and prefix is None:
            found.append(messages.missing_prefix(index, ref, node))
        elif reference.role == "source":
            found.append(messages.foreign_source(self._edges_at[reference.row], node, lane))

    def _lanes_like(self, prefix: str) -> list[str]:
        """The lane IDs most like an unknown prefix (cached until the lanes change: one rename
        can leave a hundred references naming the old ID)."""
        found = self._lane_guesses.get(prefix)
        if found is None:
            found = self._lane_guesses[prefix] = closest_names(prefix, list(self.lane_table))
        return found

    def _dangling_diagnostic(self, reference: Reference) -> Diagnostic:
        """FZ101, with the declared nodes it may mean, each written so that it resolves from here."""
        ref = reference.ref
        node_id = ref.node.text
        ids = self._guesses.get(node_id)
        if ids is None:
            ids = self._guesses[node_id] = guesses(node_id, self._decls, self._numbers, limit=6)
        home = reference.context
        if ref.lane is not None:
            home = self.lane_table.get(ref.lane.text, home)
        other = self._other_end(reference)
        # The same lane first, then the order of likeness; never the edge's other end (a self-loop).
        candidates = [node for guess in ids if guess != other for node in self._decls[guess]]
        candidates.sort(key=lambda node: node.lane is not home)
        candidates = candidates[:3]
        return messages.dangling(reference, candidates, [self._written(reference, node) for node in candidates])

    def _other_end(self, reference: Reference) -> str | None:
        """The ID at the edge's other end, for an edge end (None for a loop member)."""
        if reference.role == "member":
            return None
        site = self._edges_at[reference.row]
        other = site.target if reference is site.source else site.source
        return other.ref.node.text

    def _written(self, reference: Reference, node: Node) -> str:
        """How to write a reference to `node` from where `reference` stands so that it resolves to it."""
        prefix = reference.ref.lane
        if node.lane is None:
            return node.id
        if prefix is not None and prefix.text == node.lane.id:
            return f"{prefix.text}.{node.id}"
        if prefix is None and node.lane is reference.context:
            return node.id
        return f"{node.lane.id}.{node.id}"

    def _recompute_keys(self) -> None:
        """FZ502 for the second and later copies of one edge, for the keys whose edges changed."""
        for key in self._stale_keys:
            sites = sorted(self._edges_by_key.get(key, []), key=lambda s: s.line)
            if len(sites) > 1:
                self._per_key[key] = self._pin(messages.duplicate_edges(sites))
            else:
                self._per_key.pop(key, None)
        self._stale_keys.clear()

    def _recompute_duplicates(self) -> None:
        """FZ201 on every later declaration of an ID, its fix renaming it to the lowest free number.

        Every such fix names the same number: each is right applied alone (numbers stay 1..N),
        so applying several means applying one and analysing again.
        """
        later = sorted(
            (node for node_id in self._duplicated for node in self._decls[node_id][1:]), key=lambda n: n.line
        )
        new_id = f"n{messages.missing_numbers(self._numbers, 1)[0]}"
        self._duplicates = self._pin(
            messages.duplicate_node(
                node,
                self._decls[node.id][0],
                new_id,
                [r for r in self.node_refs.get(node.id, ()) if r.node is node],
            )
            for node in later
        )
        self._duplicates_stale = False

    def _recompute_numbering(self) -> None:
        """FZ204: node numbers must be exactly 1..N."""
        self._numbering = self._pin(messages.numbering(self._numbers, self.node_table))


def _own_line(diagnostic: Diagnostic) -> bool:
    """Whether a diagnostic's fix, if any, stays on its own line (then its own row pins it all)."""
    return diagnostic.fix is None or all(r.line_delta == 0 for r in diagnostic.fix.replacements)


def _in_order(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(found, key=lambda d: (d.line, d.start, d.code, d.message))


__all__ = [
    "EdgeKey",
    "EdgeSite",
    "Kind",
    "Lane",
    "LaneReference",
    "LoopSite",
    "Model",
    "Node",
    "Occurrence",
    "Reference",
]
