"""The semantic model of one file: lanes, nodes, edges, loops and every reference.

Built once from the statements, then kept up to date edit by edit (`update`): the
lines an edit removed are unregistered, everything below moves by the change in
line count, the new lines are registered, and only the node IDs and edges they
touch are resolved and checked again. Diagnostics are kept grouped by what they
depend on (a line, a node ID, an edge's resolved ends, the lanes) so that an update
recomputes just those groups; `_needs_rebuild` names the few edits that still
rebuild (a `}` typed or deleted, a header added, removed or renamed).

Why this file is longer than 400 lines: resolution, the reference index and the
diagnostics that hang on a node ID share the same incremental bookkeeping (what an
edit touched), and splitting them apart is the next step of the re-cut. What already
lives elsewhere: the records (`entities`), the per-line checks (`statement_checks`),
"did you mean" (`suggestions`) and the sequence rules (`sequence`).
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections.abc import Iterable

from fz_lsp.analysis.diagnostics import Diagnostic, Fix, Related, Replacement, replace
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
from fz_lsp.analysis.sequence import sequence_findings
from fz_lsp.analysis.statement_checks import findings_for_line, label_findings
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


def _related_decl(node: Node, what: str) -> Related:
    name = node.decl.node
    return Related(node.line, name.start, name.end, what)


def _related_lane(lane: Lane, what: str) -> Related:
    name = lane.id_name
    return Related(lane.line, name.start, name.end, what)


def _insert_by_line(nodes: list[Node], node: Node) -> None:
    """Keep `nodes` in line order; a build from scratch only ever appends."""
    if not nodes or nodes[-1].line < node.line:
        nodes.append(node)
    else:
        nodes.insert(bisect.bisect_left([n.line for n in nodes], node.line), node)


def _has_label_comment(statements: list[Statement]) -> bool:
    """Whether a header without a label is followed by a `# comment` (which is then its label)."""
    return any(
        type(header) is LaneHeader and header.label is None and type(after) is Comment and after.text.startswith("#")
        for header, after in itertools.pairwise(statements)
    )


_WORD = re.compile(IDENTIFIER)  # the words of a line that does not parse: may be IDs


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
        """The declaration a use of a node ID stands for, by the lane-aware rule.

        `Lane.nK` means the `nK` of that lane, and a bare `nK` the one of the lane the
        statement is written in, when there is one; otherwise the ID's first declaration.
        """
        decls = self._decls.get(reference.ref.node.text)
        if not decls:
            return None
        if len(decls) > 1:
            prefix = reference.ref.lane
            if prefix is not None:
                for decl in decls:
                    if decl.lane is not None and decl.lane.id == prefix.text:
                        return decl
            elif reference.context is not None:
                for decl in decls:
                    if decl.lane is reference.context:
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

        statement = self.statements[line]
        if type(statement) is NodeDecl:
            node = self._nodes_at.get(line)
            if node is not None and inside(node.decl.node):
                return Occurrence("node", line, node.decl.node, True, node)
        elif type(statement) is LaneHeader:
            lane = next((lane for lane in self.lanes if lane.line == line), None)
            if lane is not None and inside(lane.id_name):
                return Occurrence("lane", line, lane.id_name, True, lane)
        references: list[Reference] = []
        if (site := self._edges_at.get(line)) is not None:
            references = [site.source, site.target]
        elif (loop := self._loops_at.get(line)) is not None:
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
                for u in self.lane_refs.get(text, ())
                if u.lane is target
            )
        found.sort(key=lambda o: (o.line, o.name.start))
        return found

    @property
    def nodes(self) -> list[Node]:
        if self._nodes is None:
            self._nodes = [self._nodes_at[line] for line in sorted(self._nodes_at)]
        return self._nodes

    @property
    def edges(self) -> list[EdgeSite]:
        if self._edges is None:
            self._edges = [self._edges_at[line] for line in sorted(self._edges_at)]
        return self._edges

    @property
    def loops(self) -> list[LoopSite]:
        if self._loops is None:
            self._loops = [self._loops_at[line] for line in sorted(self._loops_at)]
        return self._loops

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic but FZ504/FZ505 (see `sequence_diagnostics`), in file order."""
        if self._diagnostics is None:
            if self._duplicates_stale:
                self._recompute_duplicates()
            groups: list[Iterable[Diagnostic]] = [self._structure_diags, self._numbering, self._duplicates]
            groups.extend(self._comments.values())
            groups.extend(self._local.values())
            groups.extend(self._context.values())
            groups.extend(self._per_id.values())
            groups.extend(self._per_key.values())
            self._diagnostics = self._finish(d for group in groups for d in group)
        return self._diagnostics

    def _finish(self, found: Iterable[Diagnostic]) -> list[Diagnostic]:
        broken = self._broken
        # One bad line gives one diagnostic: its syntax error, nothing derived from it.
        kept = [d for d in found if d.line not in broken or d.code in ("FZ001", "FZ002")]
        kept.sort(key=lambda d: (d.line, d.start, d.code, d.message))
        return kept

    # --- building from scratch ----------------------------------------------------------------

    def _build(self) -> None:
        self.lanes: list[Lane] = []
        self.lane_table: dict[str, Lane] = {}
        self.node_table: dict[str, Node] = {}
        self.node_refs: dict[str, list[Reference]] = {}
        self.lane_refs: dict[str, list[LaneReference]] = {}
        self._decls: dict[str, list[Node]] = {}
        self._numbers: list[int] = []  # sorted numbers of the declared `n<number>` IDs
        self._guesses: dict[str, list[str]] = {}  # "did you mean" per undeclared ID, until IDs change
        self._duplicated: set[str] = set()
        self._duplicates: list[Diagnostic] = []
        self._duplicates_stale = True
        self._stale_keys: set[EdgeKey] = set()
        self._nodes_at: dict[int, Node] = {}
        self._edges_at: dict[int, EdgeSite] = {}
        self._loops_at: dict[int, LoopSite] = {}
        self._edges_by_key: dict[EdgeKey, list[EdgeSite]] = {}
        self._mentioned: dict[str, int] = {}  # words on lines that do not parse
        self._dangling: set[str] = set()
        self._structure_diags: list[Diagnostic] = []  # lanes and braces: FZ003, FZ004, FZ005, FZ202
        self._comments: dict[int, list[Diagnostic]] = {}  # FZ301, FZ302 and a label comment's own rules
        self._numbering: list[Diagnostic] = []
        self._local: dict[int, list[Diagnostic]] = {}
        self._context: dict[int, list[Diagnostic]] = {}
        self._per_id: dict[str, list[Diagnostic]] = {}
        self._per_key: dict[EdgeKey, list[Diagnostic]] = {}
        self._broken: set[int] = set()
        self._segment_starts: list[int] = []
        self._segment_lanes: list[Lane | None] = []
        self._nodes = None
        self._edges = None
        self._loops = None
        self._diagnostics = None
        self._sequence = None

        self._structure()
        for lane in self.lanes:
            first = self.lane_table.setdefault(lane.id, lane)
            if first is not lane:
                name = lane.id_name
                self._structure_diags.append(
                    Diagnostic(
                        "FZ202",
                        lane.line,
                        name.start,
                        name.end,
                        f"lane `{lane.id}` is declared twice; lane IDs are unique",
                        (_related_lane(first, f"first declaration of `{lane.id}`"),),
                    )
                )
        starts, lanes_of = self._segment_starts, self._segment_lanes
        segment = 0
        count = len(self.statements)
        next_start = starts[1] if len(starts) > 1 else count
        current: Lane | None = lanes_of[0]
        for index, statement in enumerate(self.statements):
            while index >= next_start:
                segment += 1
                current = lanes_of[segment]
                next_start = starts[segment + 1] if segment + 1 < len(starts) else count
            self._add_line(index, statement, current)
        for node_id, decls in self._decls.items():
            self.node_table[node_id] = decls[0]
        for node_id in {*self._decls, *self.node_refs}:
            self._recompute_id(node_id)
        self._recompute_keys()
        self._recompute_numbering()

    def _add_line(self, index: int, statement: Statement, lane: Lane | None) -> set[str]:
        """Register what one line declares and references; returns the IDs it touches."""
        ids: set[str] = set()
        findings = findings_for_line(self.lines[index], statement)
        if findings:
            self._local[index] = [Diagnostic(f.code, index, f.start, f.end, f.message, (), f.fix) for f in findings]
        if statement.problem is not None:
            self._broken.add(index)
            for word in set(_WORD.findall(self.lines[index])):
                self._mentioned[word] = self._mentioned.get(word, 0) + 1
                ids.add(word)
        kind = type(statement)
        if kind is Comment:
            is_label = index > 0 and _has_label_comment([self.statements[index - 1], statement])
            self._comment(index, statement, is_label)  # type: ignore[arg-type]
        elif kind is LaneHeader:
            # The same lane ID in the same place (`update` checked): a new label, or new spacing.
            header: LaneHeader = statement  # type: ignore[assignment]
            at = bisect.bisect_left([lane.line for lane in self.lanes], index)
            lane_of_header = self.lanes[at]
            lane_of_header.header = header
            if header.label is not None:
                lane_of_header.label = header.display_label
        elif kind is Edge:
            edge: Edge = statement  # type: ignore[assignment]
            source = self._reference(index, edge.source.ref, "source", lane)
            target = self._reference(index, edge.target.ref, "target", lane)
            site = EdgeSite(index, edge, lane, source, target)
            site.key = site.resolved_key()
            self._edges_at[index] = site
            self._edges_by_key.setdefault(site.key, []).append(site)
            self._stale_keys.add(site.key)
            ids.add(source.ref.node.text)
            ids.add(target.ref.node.text)
            if lane is None:
                self._context[index] = [
                    Diagnostic(
                        "FZ304",
                        index,
                        edge.start,
                        edge.end,
                        "edge outside every lane: write it inside its source node's lane",
                    )
                ]
        elif kind is NodeDecl:
            decl: NodeDecl = statement  # type: ignore[assignment]
            node = Node(decl.node.text, index, decl, lane)
            self._nodes_at[index] = node
            decls = self._decls.setdefault(node.id, [])
            if not decls:
                self._declared(node.id, True)
            _insert_by_line(decls, node)
            if lane is not None:
                _insert_by_line(lane.nodes, node)
            ids.add(node.id)
        elif kind is Loop:
            loop: Loop = statement  # type: ignore[assignment]
            members = [self._reference(index, member, "member", lane) for member in loop.members]
            self._loops_at[index] = LoopSite(index, loop, lane, members)
            ids.update(member.node.text for member in loop.members)
            if lane is None:
                self._context[index] = [
                    Diagnostic(
                        "FZ304",
                        index,
                        loop.keyword.start,
                        loop.end,
                        "loop outside every lane: write it inside a lane",
                    )
                ]
        return ids

    def _reference(self, index: int, ref: Ref, role: Role, context: Lane | None) -> Reference:
        reference = Reference(index, ref, role, None, None, context)
        self.node_refs.setdefault(ref.node.text, []).append(reference)
        if ref.lane is not None:
            self.lane_refs.setdefault(ref.lane.text, []).append(LaneReference(reference, ref.lane))
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

    def _remove_line(self, index: int, text: str) -> set[str]:
        """Undo `_add_line` for a line about to change; `text` is what the line said."""
        ids: set[str] = set()
        self._local.pop(index, None)
        self._context.pop(index, None)
        self._comments.pop(index, None)
        if index in self._broken:
            self._broken.discard(index)
            for word in set(_WORD.findall(text)):
                self._mentioned[word] -= 1
                ids.add(word)
        references: list[Reference] = []
        if (node := self._nodes_at.pop(index, None)) is not None:
            self._decls[node.id].remove(node)
            if not self._decls[node.id]:
                del self._decls[node.id]
                self._declared(node.id, False)
            if node.lane is not None:
                node.lane.nodes.remove(node)
            ids.add(node.id)
        if (site := self._edges_at.pop(index, None)) is not None:
            self._unkey(site)
            references = [site.source, site.target]
        if (loop := self._loops_at.pop(index, None)) is not None:
            references += loop.members
        for reference in references:
            node_id = reference.ref.node.text
            ids.add(node_id)
            remaining = [r for r in self.node_refs[node_id] if r is not reference]
            if remaining:
                self.node_refs[node_id] = remaining
            else:
                del self.node_refs[node_id]
            prefix = reference.ref.lane
            if prefix is not None:
                uses = [u for u in self.lane_refs[prefix.text] if u.reference is not reference]
                if uses:
                    self.lane_refs[prefix.text] = uses
                else:
                    del self.lane_refs[prefix.text]
        return ids

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

        What the lines removed had registered is taken out, everything below moves by the
        change in line count, and the new lines are registered; then only the node IDs and
        edges they touch are resolved and checked again.
        """
        first, removed, added_count = edit.first, edit.removed_statements, edit.added_count
        added = self.statements[first : first + added_count]
        delta = edit.delta
        if self._needs_rebuild(edit):
            with paused_gc():
                self._build()
            return
        lane = self.lane_at(first)
        ids: set[str] = set()
        # Numbering depends on which IDs are declared where, not on labels or shapes.
        declared_before = [(i, s.node) for i, s in enumerate(removed) if type(s) is NodeDecl]
        declared_after = [(i, s.node) for i, s in enumerate(added) if type(s) is NodeDecl]
        for index, text in enumerate(edit.removed_lines, first):
            ids |= self._remove_line(index, text)
        if delta:
            self._shift(first + edit.removed_count, delta)
        for index in range(first, first + added_count):
            ids |= self._add_line(index, self.statements[index], lane)
        for node_id in ids:
            decls = self._decls.get(node_id)
            if decls:
                self.node_table[node_id] = decls[0]
            else:
                self.node_table.pop(node_id, None)
        if declared_before != declared_after:
            self._guesses.clear()
            self._recompute_numbering()
            # Suggestions for undeclared IDs name other nodes; renumbering fixes pick free numbers.
            ids |= self._dangling
            self._duplicates_stale = True
        elif any(type(s) is NodeDecl for s in removed):
            # A label or shape changed: only the suggestions that name this node show it.
            touched = {s.node.text for s in removed if type(s) is NodeDecl}
            ids |= {d for d in self._dangling if d not in self._guesses or not touched.isdisjoint(self._guesses[d])}
        for node_id in ids:
            self._recompute_id(node_id)
        self._recompute_keys()
        self._nodes = None
        self._edges = None
        self._loops = None
        self._diagnostics = None
        self._sequence = None

    def _needs_rebuild(self, edit: Edit) -> bool:
        """Whether `edit` changes what the model cannot follow line by line; one clause per reason."""
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

    def _shift(self, start: int, delta: int) -> None:
        """Move everything on line `start` or below by `delta` lines (lines were added or removed)."""

        def moved(line: int) -> int:
            return line + delta if line >= start else line

        def moved_diagnostic(d: Diagnostic) -> Diagnostic:
            reach = [d.line + r.line_delta for r in d.fix.replacements] if d.fix is not None else []
            if d.line < start and all(r.line < start for r in d.related) and all(line < start for line in reach):
                return d
            related = tuple(dataclasses.replace(r, line=moved(r.line)) for r in d.related)
            line = moved(d.line)
            fix = d.fix
            if fix is not None:
                # Replacements are counted from the diagnostic's line: keep them on their own lines.
                fix = dataclasses.replace(
                    fix,
                    replacements=tuple(
                        dataclasses.replace(r, line_delta=moved(at) - line)
                        for r, at in zip(fix.replacements, reach, strict=True)
                    ),
                )
            return dataclasses.replace(d, line=line, related=related, fix=fix)

        def moved_list(found: list[Diagnostic]) -> list[Diagnostic]:
            return [moved_diagnostic(d) for d in found]

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
        # The per-line tables are large: shift with plain loops, re-keyed by the new lines.
        for node in self._nodes_at.values():
            if node.line >= start:
                node.line += delta
        for site in self._edges_at.values():
            if site.line >= start:
                site.line = site.source.line = site.target.line = site.line + delta
        for loop in self._loops_at.values():
            if loop.line >= start:
                loop.line += delta
                for member in loop.members:
                    member.line = loop.line
        self._nodes_at = {node.line: node for node in self._nodes_at.values()}
        self._edges_at = {site.line: site for site in self._edges_at.values()}
        self._loops_at = {loop.line: loop for loop in self._loops_at.values()}
        self._local = {moved(line): moved_list(found) for line, found in self._local.items()}
        self._context = {moved(line): moved_list(found) for line, found in self._context.items()}
        self._per_id = {key: moved_list(found) for key, found in self._per_id.items()}
        self._per_key = {key: moved_list(found) for key, found in self._per_key.items()}
        self._numbering = moved_list(self._numbering)
        self._duplicates = moved_list(self._duplicates)
        self._structure_diags = moved_list(self._structure_diags)
        self._comments = {moved(line): moved_list(found) for line, found in self._comments.items()}
        self._broken = {moved(line) for line in self._broken}

    # --- diagnostics by what they depend on -----------------------------------------------------

    def _recompute_id(self, node_id: str) -> None:
        """Resolve every use of `node_id` and redo the diagnostics that hang on it."""
        found: list[Diagnostic] = []
        decls = self._decls.get(node_id, [])
        for decl in decls:
            if decl.lane is None:
                name = decl.decl.node
                found.append(
                    Diagnostic(
                        "FZ001",
                        decl.line,
                        name.start,
                        name.end,
                        f"node `{node_id}` is outside every lane: declare it inside `Lane {{ ... }}`",
                    )
                )
        if len(decls) > 1:
            self._duplicated.add(node_id)
            self._duplicates_stale = True
        elif node_id in self._duplicated:
            self._duplicated.discard(node_id)
            self._duplicates_stale = True
        references = self.node_refs.get(node_id, [])
        references.sort(key=lambda r: (r.line, r.ref.node.start))
        connected: set[int] = set()  # ids of the declarations an edge names
        for reference in references:
            node = self.resolve(reference)
            if node is not None and reference.role != "member":
                connected.add(id(node))
            self._resolve(reference, node, found)
            if reference.role != "member":
                self._rekey(self._edges_at[reference.line])
        if not decls and references:
            self._dangling.add(node_id)
        else:
            self._dangling.discard(node_id)
        # A node named on a line that does not parse may well be linked there: no orphan warning.
        # A second declaration already has FZ201; an orphan warning would say the same twice.
        if decls and id(decls[0]) not in connected and not self._mentioned.get(node_id):
            first = decls[0]
            name = first.decl.node
            found.append(
                Diagnostic("FZ501", first.line, name.start, name.end, f"node `{node_id}` takes part in no edge")
            )
        if found:
            self._per_id[node_id] = found
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
        if node is None:
            if prefix is not None and named_lane is None:
                found.append(self._unknown_lane(index, prefix, node))
            found.append(self._dangling_diagnostic(reference))
            return
        if prefix is not None:
            # A wrong prefix is the one mistake here: no lane rule is checked on top of it.
            if named_lane is None:
                found.append(self._unknown_lane(index, prefix, node))
                return
            if node.lane is not None and node.lane.id != named_lane.id:
                found.append(self._wrong_lane(index, ref, node, lane))
                return
        if (
            reference.role == "target"
            and prefix is None
            and lane is not None
            and node.lane is not None
            and node.lane.id != lane.id
        ):
            found.append(
                Diagnostic(
                    "FZ104",
                    index,
                    ref.node.start,
                    ref.node.end,
                    f"`{ref.node.text}` is in lane `{node.lane.id}`: a cross-lane target needs its prefix, "
                    f"`{node.lane.id}.{ref.node.text}`",
                    (_related_decl(node, f"`{ref.node.text}` is declared in lane `{node.lane.id}`"),),
                    replace(ref.node.start, ref.node.start, f"{node.lane.id}.", f"Add the prefix `{node.lane.id}.`"),
                )
            )
        if reference.role == "source" and lane is not None and node.lane is not None and node.lane.id != lane.id:
            site = self._edges_at[index]
            home = node.lane
            found.append(
                Diagnostic(
                    "FZ303",
                    index,
                    site.edge.source.start,
                    site.edge.source.end,
                    f"this edge starts at `{ref.node.text}` in lane `{home.id}` "
                    f"but is written in lane `{lane.id}`; write it in `{home.id}`",
                    (_related_decl(node, f"`{node.id}` is declared in lane `{home.id}`"),),
                )
            )

    def _unknown_lane(self, index: int, prefix: Name, node: Node | None) -> Diagnostic:
        guesses = closest_names(prefix.text, list(self.lane_table))
        fix = None
        if node is not None and node.lane is not None:
            guesses = [node.lane.id] + [g for g in guesses if g != node.lane.id]
        if guesses:
            fix = replace(prefix.start, prefix.end, guesses[0], f"Change to `{guesses[0]}`")
        hint = f"; did you mean `{guesses[0]}`?" if guesses else ""
        return Diagnostic("FZ102", index, prefix.start, prefix.end, f"no lane is called `{prefix.text}`{hint}", (), fix)

    def _wrong_lane(self, index: int, ref: Ref, node: Node, lane: Lane | None) -> Diagnostic:
        assert ref.lane is not None and node.lane is not None
        prefix = ref.lane
        if lane is not None and node.lane.id == lane.id:  # the node is local: the prefix can simply go
            fix = replace(prefix.start, ref.node.start, "", f"Remove the prefix `{prefix.text}.`")
        else:
            fix = replace(prefix.start, prefix.end, node.lane.id, f"Change to `{node.lane.id}`")
        return Diagnostic(
            "FZ103",
            index,
            prefix.start,
            prefix.end,
            f"`{ref.node.text}` is in lane `{node.lane.id}`, not `{prefix.text}`",
            (_related_decl(node, f"`{ref.node.text}` is declared in lane `{node.lane.id}`"),),
            fix,
        )

    def _dangling_diagnostic(self, reference: Reference) -> Diagnostic:
        """FZ101, with the declared nodes it may mean, each written so that it resolves from here."""
        index, ref = reference.line, reference.ref
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
        hint = ""
        fix = None
        related: tuple[Related, ...] = ()
        if candidates:
            written = [self._written(reference, node) for node in candidates]
            described = [
                f"`{text}`" + (f' "{node.label}"' if node.label else "")
                for text, node in zip(written, candidates, strict=True)
            ]
            hint = "; did you mean " + " or ".join(described) + "?"
            best = candidates[0]
            related = (_related_decl(best, f"`{best.id}` is declared here"),)
            # An edge starts in its own lane: a source from another lane is named, not offered as a fix.
            fixable = [
                (node, text)
                for node, text in zip(candidates, written, strict=True)
                if reference.role != "source" or reference.context is None or node.lane is reference.context
            ]
            if fixable:
                best, text = fixable[0]
                if text.rpartition(".")[0] != (ref.lane.text if ref.lane is not None else ""):
                    fix = replace(ref.start, ref.end, text, f"Change to `{text}`")  # the prefix changes too
                else:
                    fix = replace(ref.node.start, ref.node.end, best.id, f"Change to `{best.id}`")
        return Diagnostic(
            "FZ101", index, ref.node.start, ref.node.end, f"`{node_id}` is not declared{hint}", related, fix
        )

    def _other_end(self, reference: Reference) -> str | None:
        """The ID at the edge's other end, for an edge end (None for a loop member)."""
        if reference.role == "member":
            return None
        site = self._edges_at[reference.line]
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
            found = [
                Diagnostic(
                    "FZ502",
                    site.line,
                    site.edge.start,
                    site.edge.end,
                    f"this edge from `{site.edge.source.ref.node.text}` to `{site.edge.target.ref.node.text}` "
                    "is already drawn",
                    (Related(sites[0].line, sites[0].edge.start, sites[0].edge.end, "the same edge"),),
                )
                for site in sites[1:]
            ]
            if found:
                self._per_key[key] = found
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
        taken = set(self._numbers)
        number = next(number for number in itertools.count(1) if number not in taken)
        found: list[Diagnostic] = []
        for node in later:
            first = self._decls[node.id][0]
            name = node.decl.node
            new_id = f"n{number}"
            where = f" in lane `{first.lane.id}`" if first.lane is not None else ""
            uses = [
                Replacement(r.line - node.line, r.ref.node.start, r.ref.node.end, new_id)
                for r in self.node_refs.get(node.id, ())
                if r.node is node
            ]
            found.append(
                Diagnostic(
                    "FZ201",
                    node.line,
                    name.start,
                    name.end,
                    f"node `{node.id}` is already declared{where}; node IDs are unique across lanes",
                    (_related_decl(first, f"first declaration of `{node.id}`"),),
                    Fix(
                        f"Rename this `{node.id}` to `{new_id}`, the next free number",
                        (Replacement(0, name.start, name.end, new_id), *uses),
                    ),
                )
            )
        self._duplicates = found
        self._duplicates_stale = False

    def _recompute_numbering(self) -> None:
        """FZ204: node numbers must be exactly 1..N."""
        numbers: dict[int, Node] = {}
        for node_id, node in self.node_table.items():
            number = node_number(node_id)
            if number is not None:
                numbers[number] = node
        count = len(numbers)
        extra = sorted(n for n in numbers if n > count)
        self._numbering = []
        if not extra:
            return
        missing = [n for n in range(1, count + 1) if n not in numbers]
        gap = ", ".join(f"n{n}" for n in missing[:5]) + (", ..." if len(missing) > 5 else "")
        for number in extra:
            name = numbers[number].decl.node
            self._numbering.append(
                Diagnostic(
                    "FZ204",
                    numbers[number].line,
                    name.start,
                    name.end,
                    f"node numbers should run n1..n{count} with {count} node{'s' if count != 1 else ''}: "
                    f"n{number} is past the end and {gap} {'is' if len(missing) == 1 else 'are'} missing",
                )
            )

    # --- lanes: structure, extents and comments ------------------------------------------------

    def _structure(self) -> None:
        """Find lanes and their extents from headers, braces and comments alone."""
        statements = self.statements
        diagnostics = self._structure_diags
        last_line = len(statements) - 1
        stack: list[Lane] = []
        children: dict[int, list[Lane]] = {}
        for index, statement in enumerate(statements):
            kind = type(statement)
            if kind is LaneHeader:
                header: LaneHeader = statement  # type: ignore[assignment]
                lane = Lane(header.lane.text, index, header, header.display_label, None, last_line, False)
                if header.label is None and index + 1 <= last_line:
                    after = statements[index + 1]
                    if isinstance(after, Comment) and after.text.startswith("#"):
                        lane.label = after.text[1:].strip()
                        lane.label_line = index + 1

                if stack:
                    lane.parent = stack[-1]
                    children.setdefault(id(stack[-1]), []).append(lane)
                stack.append(lane)
                self.lanes.append(lane)
            elif kind is LaneClose:
                if stack:
                    lane = stack.pop()
                    lane.end_line = index
                    lane.closed = True
                else:
                    brace: Name = statement.brace  # type: ignore[union-attr]
                    diagnostics.append(Diagnostic("FZ004", index, brace.start, brace.end, "`}` closes no lane"))
            # Comments get their diagnostics with the other lines, in `_add_line`.
        for lane in stack:  # never closed
            inner = children.get(id(lane))
            name = lane.id_name
            if inner:
                # The usual slip: a missing `}` before the next lane. End the lane there.
                following = inner[0]
                lane.end_line = following.line - 1
                lane.cut_by = following
                for child in inner:
                    if child.parent is lane:
                        child.parent = None
                message = f"lane `{lane.id}` is not closed before the next lane `{following.id}`: add `}}`"
                fix: Fix | None = Fix("Close the lane", (Replacement(following.line - lane.line, 0, 0, "}\n"),))
            else:
                message = f"lane `{lane.id}` is not closed before the end of the file: add `}}`"
                fix = None
            diagnostics.append(Diagnostic("FZ003", lane.line, name.start, name.end, message, (), fix))
        for lane in self.lanes:
            if lane.parent is not None:
                name = lane.id_name
                diagnostics.append(
                    Diagnostic(
                        "FZ005",
                        lane.line,
                        name.start,
                        name.end,
                        f"lane `{lane.id}` is declared inside lane `{lane.parent.id}`; lanes do not nest",
                        (_related_lane(lane.parent, f"lane `{lane.parent.id}` opens here"),),
                    )
                )
        self._segments()

    def _segments(self) -> None:
        """Cut the file into runs of lines that share one lane (lane bodies exclude the header)."""
        events: list[tuple[int, int, Lane]] = []
        for lane in self.lanes:
            events.append((lane.line, 1, lane))  # body starts after the header
            events.append((lane.end_line + 1, 0, lane))  # and stops after its last line
        events.sort(key=lambda e: (e[0], e[1]))
        starts, lanes = self._segment_starts, self._segment_lanes
        starts.append(0)
        lanes.append(None)
        current: Lane | None = None
        for line, opening, lane in events:
            if opening:
                current = lane
            elif current is lane:
                current = lane.parent if lane.parent is not None and lane.parent.end_line >= line else None
            if starts[-1] == line:
                lanes[-1] = current
            else:
                starts.append(line)
                lanes.append(current)

    def _comment(self, index: int, comment: Comment, is_label: bool) -> None:
        found = self._comments[index] = []
        if is_label:
            # It is the lane's label after all: the label rules apply to it too.
            found.extend(Diagnostic(f.code, index, f.start, f.end, f.message) for f in label_findings(comment))
            header_line = self.lines[index - 1]
            found.append(
                Diagnostic(
                    "FZ301",
                    index,
                    comment.start,
                    comment.end,
                    "the lane's display label belongs on the header line, after `{`",
                    (),
                    Fix(
                        "Move the label onto the header line",
                        (
                            Replacement(-1, len(header_line), len(header_line), " " + comment.text),
                            Replacement(0, 0, len(self.lines[index]), ""),
                        ),
                    ),
                )
            )
        else:
            found.append(
                Diagnostic(
                    "FZ302",
                    index,
                    comment.start,
                    comment.end,
                    "FlowZap drops comments; only a lane's `# Display label` on its header line is kept",
                )
            )

    # --- sequence rules (off by default) ------------------------------------------------------

    def sequence_diagnostics(self) -> list[Diagnostic]:
        """FZ504 and FZ505: request/response pairing between lanes, in edge order."""
        if self._sequence is None:
            self._sequence = self._finish(sequence_findings(self.edges))
        return self._sequence


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
