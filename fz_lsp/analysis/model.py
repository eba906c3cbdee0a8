"""The semantic model of one file: lanes, nodes, edges, loops and every reference.

Built once from the statements, then kept up to date edit by edit: an edit that
leaves the lane structure and the line count alone (typing inside a line, the
common case) only re-resolves the node IDs and edges it touches. Diagnostics are
kept grouped by what they depend on (a line, a node ID, an edge's ends) so that
an update recomputes just those groups; anything else rebuilds from scratch.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from fz_lsp.analysis.diagnostics import Diagnostic, Fix, Related, Replacement, replace
from fz_lsp.analysis.statement_checks import findings_for_line, label_findings
from fz_lsp.analysis.vocabulary import closest_names, node_number
from fz_lsp.syntax.document import paused_gc
from fz_lsp.syntax.statements import (
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

    @property
    def id_name(self) -> Name:
        return self.header.lane


@dataclass(eq=False, slots=True)
class Node:
    """A node declaration and the lane it belongs to (None outside every lane)."""

    id: str
    line: int
    decl: NodeDecl
    lane: Lane | None

    @property
    def label(self) -> str | None:
        return self.decl.label


Role = Literal["source", "target", "member"]


@dataclass(eq=False, slots=True)
class Reference:
    """A use of a node ID in an edge or loop, resolved (or not) to its declaration."""

    line: int
    ref: Ref
    role: Role
    node: Node | None
    lane: Lane | None  # the lane the prefix names, if any
    context: Lane | None  # the lane the edge or loop is written in


@dataclass(eq=False, slots=True)
class EdgeSite:
    """An edge statement placed in the file."""

    line: int
    edge: Edge
    lane: Lane | None
    source: Reference
    target: Reference

    @property
    def key(self) -> tuple[str, str, str, str]:
        source, target = self.edge.source, self.edge.target
        return (
            source.ref.node.text,
            source.handle.direction.text if source.handle else "",
            target.ref.node.text,
            target.handle.direction.text if target.handle else "",
        )


@dataclass(eq=False, slots=True)
class LoopSite:
    line: int
    loop: Loop
    lane: Lane | None
    members: list[Reference]


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


_STRUCTURAL = (LaneHeader, LaneClose, Comment)
_WORD = re.compile(r"[^\W\d][\w-]*")
EdgeKey = tuple[str, str, str, str]


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
        self.edit_first = 0
        self.lines_before: list[str] = []
        with paused_gc():
            self._build()

    # --- queries ----------------------------------------------------------------------------

    def lane_at(self, line: int) -> Lane | None:
        """The lane whose body holds `line` (None outside every lane)."""
        index = bisect.bisect_right(self._segment_starts, line) - 1
        return self._segment_lanes[index] if index >= 0 else None

    def references_to(self, node_id: str) -> list[Reference]:
        return self.node_refs.get(node_id, [])

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
            groups: list[Iterable[Diagnostic]] = [self._structure_diags, self._numbering]
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
        self.lane_refs: dict[str, list[tuple[int, Name]]] = {}
        self._decls: dict[str, list[Node]] = {}
        self._nodes_at: dict[int, Node] = {}
        self._edges_at: dict[int, EdgeSite] = {}
        self._loops_at: dict[int, LoopSite] = {}
        self._edges_by_key: dict[EdgeKey, list[EdgeSite]] = {}
        self._connected: dict[str, int] = {}
        self._mentioned: dict[str, int] = {}  # words on lines that do not parse
        self._dangling: set[str] = set()
        self._structure_diags: list[Diagnostic] = []
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
        for key in self._edges_by_key:
            self._recompute_key(key)
        self._recompute_numbering()

    def _add_line(self, index: int, statement: Statement, lane: Lane | None) -> tuple[set[str], set[EdgeKey]]:
        """Register what one line declares and references; returns the IDs and edge keys it touches."""
        ids: set[str] = set()
        keys: set[EdgeKey] = set()
        findings = findings_for_line(self.lines[index], statement)
        if findings:
            self._local[index] = [Diagnostic(f.code, index, f.start, f.end, f.message, (), f.fix) for f in findings]
        if statement.problem is not None:
            self._broken.add(index)
            for word in set(_WORD.findall(self.lines[index])):
                self._mentioned[word] = self._mentioned.get(word, 0) + 1
                ids.add(word)
        kind = type(statement)
        if kind is Edge:
            edge: Edge = statement  # type: ignore[assignment]
            source = self._reference(index, edge.source.ref, "source", lane)
            target = self._reference(index, edge.target.ref, "target", lane)
            site = EdgeSite(index, edge, lane, source, target)
            self._edges_at[index] = site
            key = site.key
            self._edges_by_key.setdefault(key, []).append(site)
            keys.add(key)
            for ref in (source, target):
                node_id = ref.ref.node.text
                self._connected[node_id] = self._connected.get(node_id, 0) + 1
                ids.add(node_id)
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
        return ids, keys

    def _reference(self, index: int, ref: Ref, role: Role, context: Lane | None) -> Reference:
        reference = Reference(index, ref, role, None, None, context)
        self.node_refs.setdefault(ref.node.text, []).append(reference)
        if ref.lane is not None:
            self.lane_refs.setdefault(ref.lane.text, []).append((index, ref.lane))
        return reference

    def _remove_line(self, index: int) -> tuple[set[str], set[EdgeKey]]:
        """Undo `_add_line` for a line about to change."""
        ids: set[str] = set()
        keys: set[EdgeKey] = set()
        self._local.pop(index, None)
        self._context.pop(index, None)
        if index in self._broken:
            self._broken.discard(index)
            for word in set(_WORD.findall(self.lines_before[index - self.edit_first])):
                self._mentioned[word] -= 1
                ids.add(word)
        references: list[Reference] = []
        if (node := self._nodes_at.pop(index, None)) is not None:
            self._decls[node.id].remove(node)
            if not self._decls[node.id]:
                del self._decls[node.id]
            if node.lane is not None:
                node.lane.nodes.remove(node)
            ids.add(node.id)
        if (site := self._edges_at.pop(index, None)) is not None:
            key = site.key
            self._edges_by_key[key].remove(site)
            if not self._edges_by_key[key]:
                del self._edges_by_key[key]
            keys.add(key)
            references = [site.source, site.target]
            for ref in references:
                self._connected[ref.ref.node.text] -= 1
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
            if prefix is not None and prefix.text in self.lane_refs:
                # Every use of the prefix on this line goes at once: a second reference
                # with the same prefix finds nothing left to remove.
                uses = [u for u in self.lane_refs[prefix.text] if u[0] != index]
                if uses:
                    self.lane_refs[prefix.text] = uses
                else:
                    del self.lane_refs[prefix.text]
        return ids, keys

    # --- keeping up with edits ----------------------------------------------------------------

    def update(self, first: int, removed: list[Statement], removed_lines: list[str], added_count: int) -> None:
        """Bring the model up to date after lines `first`.. were replaced.

        `removed` are the statements (and texts) that were there; the new ones are
        already in `self.statements`. Edits that touch lane structure rebuild; edits that
        add or remove lines inside a lane move everything below them first.
        """
        added = self.statements[first : first + added_count]
        self.edit_first, self.lines_before = first, removed_lines
        delta = added_count - len(removed)
        if (
            any(isinstance(s, _STRUCTURAL) for s in removed)
            or any(isinstance(s, _STRUCTURAL) for s in added)
            or (first > 0 and isinstance(self.statements[first - 1], LaneHeader))
            or (delta and any(d.fix is not None and d.code == "FZ003" for d in self._structure_diags))
        ):
            with paused_gc():
                self._build()
            return
        lane = self.lane_at(first)
        ids: set[str] = set()
        keys: set[EdgeKey] = set()
        decl_touched = any(type(s) is NodeDecl for s in removed) or any(type(s) is NodeDecl for s in added)
        # Numbering depends on which IDs are declared where, not on labels or shapes.
        declared_before = [(i, s.node) for i, s in enumerate(removed) if type(s) is NodeDecl]
        declared_after = [(i, s.node) for i, s in enumerate(added) if type(s) is NodeDecl]
        for index in range(first, first + len(removed)):
            more_ids, more_keys = self._remove_line(index)
            ids |= more_ids
            keys |= more_keys
        if delta:
            self._shift(first + len(removed), delta)
        for index in range(first, first + added_count):
            more_ids, more_keys = self._add_line(index, self.statements[index], lane)
            ids |= more_ids
            keys |= more_keys
        for node_id in ids:
            decls = self._decls.get(node_id)
            if decls:
                self.node_table[node_id] = decls[0]
            else:
                self.node_table.pop(node_id, None)
        if decl_touched:
            # Suggestions for undeclared IDs name other nodes and their labels.
            ids |= self._dangling
        if declared_before != declared_after:
            self._recompute_numbering()
        for node_id in ids:
            self._recompute_id(node_id)
        for key in keys:
            self._recompute_key(key)
        self._nodes = None
        self._edges = None
        self._loops = None
        self._diagnostics = None
        self._sequence = None

    def _shift(self, start: int, delta: int) -> None:
        """Move everything on line `start` or below by `delta` lines (lines were added or removed)."""

        def moved(line: int) -> int:
            return line + delta if line >= start else line

        def moved_diagnostic(d: Diagnostic) -> Diagnostic:
            if d.line < start and all(r.line < start for r in d.related):
                return d
            related = tuple(dataclasses.replace(r, line=moved(r.line)) for r in d.related)
            return dataclasses.replace(d, line=moved(d.line), related=related)

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
        for prefix, uses in self.lane_refs.items():
            self.lane_refs[prefix] = [(line + delta if line >= start else line, name) for line, name in uses]
        self._local = {moved(line): moved_list(found) for line, found in self._local.items()}
        self._context = {moved(line): moved_list(found) for line, found in self._context.items()}
        self._per_id = {key: moved_list(found) for key, found in self._per_id.items()}
        self._per_key = {key: moved_list(found) for key, found in self._per_key.items()}
        self._numbering = moved_list(self._numbering)
        self._structure_diags = moved_list(self._structure_diags)
        self._broken = {moved(line) for line in self._broken}

    # --- diagnostics by what they depend on -----------------------------------------------------

    def _recompute_id(self, node_id: str) -> None:
        """Resolve every use of `node_id` and redo the diagnostics that hang on it."""
        found: list[Diagnostic] = []
        decls = self._decls.get(node_id, [])
        node = decls[0] if decls else None
        for decl in decls:
            name = decl.decl.node
            if decl.lane is None:
                found.append(
                    Diagnostic(
                        "FZ001",
                        decl.line,
                        name.start,
                        name.end,
                        f"node `{node_id}` is outside every lane: declare it inside `Lane {{ ... }}`",
                    )
                )
            if decl is not node:
                assert node is not None
                where = f" in lane `{node.lane.id}`" if node.lane is not None else ""
                found.append(
                    Diagnostic(
                        "FZ201",
                        decl.line,
                        name.start,
                        name.end,
                        f"node `{node_id}` is already declared{where}; node IDs are unique across lanes",
                        (_related_decl(node, f"first declaration of `{node_id}`"),),
                    )
                )
        references = self.node_refs.get(node_id, [])
        references.sort(key=lambda r: (r.line, r.ref.node.start))
        for reference in references:
            self._resolve(reference, node, found)
        if node is None and references:
            self._dangling.add(node_id)
        else:
            self._dangling.discard(node_id)
        # A node named on a line that does not parse may well be linked there: no orphan warning.
        if node is not None and not self._connected.get(node_id) and not self._mentioned.get(node_id):
            name = node.decl.node
            found.append(
                Diagnostic("FZ501", node.line, name.start, name.end, f"node `{node_id}` takes part in no edge")
            )
        if found:
            self._per_id[node_id] = found
        else:
            self._per_id.pop(node_id, None)

    def _resolve(self, reference: Reference, node: Node | None, found: list[Diagnostic]) -> None:
        index, ref, lane = reference.line, reference.ref, reference.context
        reference.node = node
        prefix = ref.lane
        named_lane = self.lane_table.get(prefix.text) if prefix is not None else None
        reference.lane = named_lane
        if prefix is not None:
            if named_lane is None:
                found.append(self._unknown_lane(index, prefix, node))
            elif node is not None and node.lane is not None and node.lane.id != named_lane.id:
                found.append(self._wrong_lane(index, ref, node, lane))
        if node is None:
            found.append(self._dangling_diagnostic(index, ref))
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

    def _dangling_diagnostic(self, index: int, ref: Ref) -> Diagnostic:
        node_id = ref.node.text
        candidates = list(self.node_table)
        guesses = closest_names(node_id, candidates)
        number = node_number(node_id)
        if not guesses and number is not None:
            numbered = sorted(
                (abs((node_number(c) or 0) - number), c) for c in candidates if node_number(c) is not None
            )
            guesses = [c for _, c in numbered[:2]]
        hint = ""
        fix = None
        if guesses:
            described = [self._describe(g) for g in guesses]
            hint = "; did you mean " + " or ".join(described) + "?"
            fix = replace(ref.node.start, ref.node.end, guesses[0], f"Change to `{guesses[0]}`")
        related = tuple(_related_decl(self.node_table[g], f"`{g}` is declared here") for g in guesses[:1])
        return Diagnostic(
            "FZ101", index, ref.node.start, ref.node.end, f"`{node_id}` is not declared{hint}", related, fix
        )

    def _describe(self, node_id: str) -> str:
        node = self.node_table[node_id]
        label = f' "{node.label}"' if node.label else ""
        lane = f" in `{node.lane.id}`" if node.lane is not None else ""
        return f"`{node_id}`{label}{lane}"

    def _recompute_key(self, key: EdgeKey) -> None:
        """FZ502 for the second and later copies of one edge."""
        sites = sorted(self._edges_by_key.get(key, []), key=lambda s: s.line)
        found = [
            Diagnostic(
                "FZ502",
                site.line,
                site.edge.start,
                site.edge.end,
                f"this edge from `{key[0]}` to `{key[2]}` is already drawn",
                (Related(sites[0].line, sites[0].edge.start, sites[0].edge.end, "the same edge"),),
            )
            for site in sites[1:]
        ]
        if found:
            self._per_key[key] = found
        else:
            self._per_key.pop(key, None)

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
        label_lines: set[int] = set()
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
                        label_lines.add(index + 1)
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
            elif kind is Comment:
                self._comment(index, statement, index in label_lines)  # type: ignore[arg-type]
        for lane in stack:  # never closed
            inner = children.get(id(lane))
            name = lane.id_name
            if inner:
                # The usual slip: a missing `}` before the next lane. End the lane there.
                following = inner[0]
                lane.end_line = following.line - 1
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
        if is_label:
            # It is the lane's label after all: the label rules apply to it too.
            self._structure_diags.extend(
                Diagnostic(f.code, index, f.start, f.end, f.message) for f in label_findings(comment)
            )
            header_line = self.lines[index - 1]
            self._structure_diags.append(
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
            self._structure_diags.append(
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
        if self._sequence is not None:
            return self._sequence
        found: list[Diagnostic] = []
        crossings: list[tuple[EdgeSite, Lane, Lane]] = []
        for site in self.edges:
            source, target = site.source.node, site.target.node
            if source is None or target is None or source.lane is None or target.lane is None:
                continue
            if source.lane.id != target.lane.id:
                crossings.append((site, source.lane, target.lane))
        directions = {(a.id, b.id) for _, a, b in crossings}
        pending: list[tuple[Lane, Lane, EdgeSite]] = []
        for site, origin, destination in crossings:
            edge = site.edge
            if (destination.id, origin.id) not in directions:
                found.append(
                    Diagnostic(
                        "FZ504",
                        site.line,
                        edge.start,
                        edge.end,
                        f"request from lane `{origin.id}` to `{destination.id}` has no edge back",
                    )
                )
            reply = next((p for p in pending if p[0].id == destination.id and p[1].id == origin.id), None)
            if reply is not None:
                pending.remove(reply)
                continue
            waiting = next((p for p in pending if p[0].id == origin.id), None)
            if waiting is not None:
                unanswered = waiting[2]
                found.append(
                    Diagnostic(
                        "FZ505",
                        site.line,
                        edge.start,
                        edge.end,
                        f"lane `{origin.id}` sends a new request before `{waiting[1].id}` answered the previous one",
                        (
                            Related(
                                unanswered.line, unanswered.edge.start, unanswered.edge.end, "the unanswered request"
                            ),
                        ),
                    )
                )
            pending.append((origin, destination, site))
        self._sequence = self._finish(found)
        return self._sequence


__all__ = ["EdgeSite", "Lane", "LoopSite", "Model", "Node", "Reference"]
