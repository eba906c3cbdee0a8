"""The semantic model of one file: lanes, nodes, edges, loops and every reference.

Built from the statements in one pass over the lines (plus a pass over the
structural lines for lane nesting). Per-line findings come memoised from
`statement_checks`; what needs the whole file (resolution, duplicates, lanes,
numbering, orphans) is computed here.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

from fz_lsp.analysis.diagnostics import Diagnostic, Fix, Related, Replacement, replace
from fz_lsp.analysis.statement_checks import endpoint_text, findings_for_line
from fz_lsp.analysis.vocabulary import closest_names, node_number
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


@dataclass(eq=False, slots=True)
class EdgeSite:
    """An edge statement placed in the file."""

    line: int
    edge: Edge
    lane: Lane | None
    source: Reference
    target: Reference


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


class Model:
    """Everything known about one file after analysis."""

    def __init__(self, lines: list[str], statements: list[Statement]) -> None:
        self.lines = lines
        self.statements = statements
        self.lanes: list[Lane] = []
        self.lane_table: dict[str, Lane] = {}
        self.node_table: dict[str, Node] = {}
        self.nodes: list[Node] = []
        self.edges: list[EdgeSite] = []
        self.loops: list[LoopSite] = []
        self.node_refs: dict[str, list[Reference]] = {}
        self.lane_refs: dict[str, list[tuple[int, Name]]] = {}
        self.diagnostics: list[Diagnostic] = []
        self._segment_starts: list[int] = []
        self._segment_lanes: list[Lane | None] = []
        self._build()

    # --- queries ----------------------------------------------------------------------------

    def lane_at(self, line: int) -> Lane | None:
        """The lane whose body holds `line` (None outside every lane)."""
        index = bisect.bisect_right(self._segment_starts, line) - 1
        return self._segment_lanes[index] if index >= 0 else None

    def references_to(self, node_id: str) -> list[Reference]:
        return self.node_refs.get(node_id, [])

    # --- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        diagnostics = self.diagnostics
        self._structure()
        statements = self.statements
        starts, lanes_of = self._segment_starts, self._segment_lanes
        segment = 0
        next_start = starts[1] if len(starts) > 1 else len(statements)
        lane: Lane | None = lanes_of[0] if lanes_of else None
        node_table, lane_table = self.node_table, self.lane_table
        edges: list[tuple[int, Edge, Lane | None]] = []
        loops: list[tuple[int, Loop, Lane | None]] = []
        broken: set[int] = set()
        label_lines = {lane_.label_line for lane_ in self.lanes if lane_.label_line is not None}
        lines = self.lines
        for index, statement in enumerate(statements):
            while index >= next_start:
                segment += 1
                lane = lanes_of[segment]
                next_start = starts[segment + 1] if segment + 1 < len(starts) else len(statements)
            findings = findings_for_line(lines[index])
            if findings:
                for finding in findings:
                    diagnostics.append(
                        Diagnostic(finding.code, index, finding.start, finding.end, finding.message, (), finding.fix)
                    )
            if statement.problem is not None:
                broken.add(index)
            kind = type(statement)
            if kind is Edge:
                edges.append((index, statement, lane))  # type: ignore[arg-type]
            elif kind is NodeDecl:
                self._declare(index, statement, lane)  # type: ignore[arg-type]
            elif kind is Loop:
                loops.append((index, statement, lane))  # type: ignore[arg-type]
            elif kind is Comment:
                self._comment(index, statement, index in label_lines)  # type: ignore[arg-type]
        for lane_ in self.lanes:
            first = lane_table.setdefault(lane_.id, lane_)
            if first is not lane_:
                name = lane_.id_name
                diagnostics.append(
                    Diagnostic(
                        "FZ202",
                        lane_.line,
                        name.start,
                        name.end,
                        f"lane `{lane_.id}` is declared twice; lane IDs are unique",
                        (_related_lane(first, f"first declaration of `{lane_.id}`"),),
                    )
                )
        for index, edge, edge_lane in edges:
            self._edge(index, edge, edge_lane)
        for index, loop, loop_lane in loops:
            self._loop(index, loop, loop_lane)
        self._orphans_and_numbers(node_table)
        self._sequence()
        if broken:
            # One bad line gives one diagnostic: its syntax error, nothing derived from it.
            self.diagnostics = [
                d for d in diagnostics if d.line not in broken or d.code in ("FZ001", "FZ002")
            ]
        self.diagnostics.sort(key=lambda d: (d.line, d.start, d.code))

    def _structure(self) -> None:
        """Find lanes and their extents from headers and braces alone."""
        statements = self.statements
        last_line = len(statements) - 1
        stack: list[Lane] = []
        opened: list[tuple[Lane, list[Lane]]] = []  # lane, lanes opened inside it
        children: dict[int, list[Lane]] = {}
        for index, statement in enumerate(statements):
            kind = type(statement)
            if kind is LaneHeader:
                header: LaneHeader = statement  # type: ignore[assignment]
                lane = Lane(header.lane.text, index, header, header.display_label, None, last_line, False)
                if header.label is None and index + 1 <= last_line:
                    after = statements[index + 1]
                    if type(after) is Comment and after.text.startswith("#"):  # type: ignore[union-attr]
                        lane.label = after.text[1:].strip()  # type: ignore[union-attr]
                        lane.label_line = index + 1
                if stack:
                    lane.parent = stack[-1]
                    children.setdefault(id(stack[-1]), []).append(lane)
                stack.append(lane)
                self.lanes.append(lane)
                opened.append((lane, []))
            elif kind is LaneClose:
                if stack:
                    lane = stack.pop()
                    lane.end_line = index
                    lane.closed = True
                else:
                    brace: Name = statement.brace  # type: ignore[union-attr]
                    self.diagnostics.append(
                        Diagnostic("FZ004", index, brace.start, brace.end, "`}` closes no lane")
                    )
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
                fix = Fix("Close the lane", (Replacement(following.line - lane.line, 0, 0, "}\n"),))
            else:
                message = f"lane `{lane.id}` is not closed before the end of the file: add `}}`"
                fix = None
            self.diagnostics.append(Diagnostic("FZ003", lane.line, name.start, name.end, message, (), fix))
        for lane in self.lanes:
            if lane.parent is not None:
                name = lane.id_name
                self.diagnostics.append(
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
        for order, lane in enumerate(self.lanes):
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

    def _declare(self, index: int, decl: NodeDecl, lane: Lane | None) -> None:
        node_id = decl.node.text
        node = Node(node_id, index, decl, lane)
        self.nodes.append(node)
        if lane is not None:
            lane.nodes.append(node)
        else:
            self.diagnostics.append(
                Diagnostic(
                    "FZ001",
                    index,
                    decl.node.start,
                    decl.node.end,
                    f"node `{node_id}` is outside every lane: declare it inside `Lane {{ ... }}`",
                )
            )
        first = self.node_table.setdefault(node_id, node)
        if first is not node:
            where = f" in lane `{first.lane.id}`" if first.lane is not None else ""
            self.diagnostics.append(
                Diagnostic(
                    "FZ201",
                    index,
                    decl.node.start,
                    decl.node.end,
                    f"node `{node_id}` is already declared{where}; node IDs are unique across lanes",
                    (_related_decl(first, f"first declaration of `{node_id}`"),),
                )
            )

    def _comment(self, index: int, comment: Comment, is_label: bool) -> None:
        if is_label:
            self.diagnostics.append(
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
                            Replacement(-1, len(self.lines[index - 1]), len(self.lines[index - 1]), " " + comment.text),
                            Replacement(0, 0, len(self.lines[index]), ""),
                        ),
                    ),
                )
            )
        else:
            self.diagnostics.append(
                Diagnostic(
                    "FZ302",
                    index,
                    comment.start,
                    comment.end,
                    "FlowZap drops comments; only a lane's `# Display label` on its header line is kept",
                )
            )

    def _resolve(self, index: int, ref: Ref, role: Role, lane: Lane | None) -> Reference:
        diagnostics = self.diagnostics
        node = self.node_table.get(ref.node.text)
        prefix = ref.lane
        named_lane: Lane | None = None
        if prefix is not None:
            named_lane = self.lane_table.get(prefix.text)
            self.lane_refs.setdefault(prefix.text, []).append((index, prefix))
            if named_lane is None:
                diagnostics.append(self._unknown_lane(index, prefix, node))
            elif node is not None and node.lane is not None and node.lane is not named_lane:
                diagnostics.append(self._wrong_lane(index, ref, node, lane))
        if node is None:
            diagnostics.append(self._dangling(index, ref))
        elif (
            role == "target"
            and prefix is None
            and lane is not None
            and node.lane is not None
            and node.lane is not lane
        ):
            diagnostics.append(
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
        reference = Reference(index, ref, role, node, named_lane)
        self.node_refs.setdefault(ref.node.text, []).append(reference)
        return reference

    def _unknown_lane(self, index: int, prefix: Name, node: Node | None) -> Diagnostic:
        guesses = closest_names(prefix.text, list(self.lane_table))
        fix = None
        if node is not None and node.lane is not None:
            guesses = [node.lane.id] + [g for g in guesses if g != node.lane.id]
        if guesses:
            fix = replace(prefix.start, prefix.end, guesses[0], f"Change to `{guesses[0]}`")
        hint = f"; did you mean `{guesses[0]}`?" if guesses else ""
        return Diagnostic(
            "FZ102", index, prefix.start, prefix.end, f"no lane is called `{prefix.text}`{hint}", (), fix
        )

    def _wrong_lane(self, index: int, ref: Ref, node: Node, lane: Lane | None) -> Diagnostic:
        assert ref.lane is not None and node.lane is not None
        prefix = ref.lane
        if node.lane is lane:  # the node is local: the prefix can simply go
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

    def _dangling(self, index: int, ref: Ref) -> Diagnostic:
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

    def _edge(self, index: int, edge: Edge, lane: Lane | None) -> None:
        source = self._resolve(index, edge.source.ref, "source", lane)
        target = self._resolve(index, edge.target.ref, "target", lane)
        self.edges.append(EdgeSite(index, edge, lane, source, target))
        if lane is None:
            self.diagnostics.append(
                Diagnostic(
                    "FZ304",
                    index,
                    edge.start,
                    edge.end,
                    "edge outside every lane: write it inside its source node's lane",
                )
            )
        elif source.node is not None and source.node.lane is not None and source.node.lane is not lane:
            home = source.node.lane
            self.diagnostics.append(
                Diagnostic(
                    "FZ303",
                    index,
                    edge.source.start,
                    edge.source.end,
                    f"this edge starts at `{edge.source.ref.node.text}` in lane `{home.id}` "
                    f"but is written in lane `{lane.id}`; write it in `{home.id}`",
                    (_related_decl(source.node, f"`{source.node.id}` is declared in lane `{home.id}`"),),
                )
            )

    def _loop(self, index: int, loop: Loop, lane: Lane | None) -> None:
        members = [self._resolve(index, member, "member", lane) for member in loop.members]
        self.loops.append(LoopSite(index, loop, lane, members))
        if lane is None:
            self.diagnostics.append(
                Diagnostic(
                    "FZ304",
                    index,
                    loop.keyword.start,
                    loop.end,
                    "loop outside every lane: write it inside a lane",
                )
            )

    def _orphans_and_numbers(self, node_table: dict[str, Node]) -> None:
        diagnostics = self.diagnostics
        connected: set[str] = set()
        seen_edges: dict[tuple[str, str, str, str], EdgeSite] = {}
        for site in self.edges:
            edge = site.edge
            source, target = edge.source, edge.target
            connected.add(source.ref.node.text)
            connected.add(target.ref.node.text)
            key = (
                source.ref.node.text,
                source.handle.direction.text if source.handle else "",
                target.ref.node.text,
                target.handle.direction.text if target.handle else "",
            )
            first = seen_edges.setdefault(key, site)
            if first is not site:
                diagnostics.append(
                    Diagnostic(
                        "FZ502",
                        site.line,
                        edge.start,
                        edge.end,
                        f"this edge from `{key[0]}` to `{key[2]}` is already drawn",
                        (Related(first.line, first.edge.start, first.edge.end, "the same edge"),),
                    )
                )
        numbers: dict[int, Node] = {}
        for node_id, node in node_table.items():
            if node_id not in connected:
                name = node.decl.node
                diagnostics.append(
                    Diagnostic(
                        "FZ501",
                        node.line,
                        name.start,
                        name.end,
                        f"node `{node_id}` takes part in no edge",
                    )
                )
            number = node_number(node_id)
            if number is not None:
                numbers[number] = node
        count = len(numbers)
        extra = sorted(n for n in numbers if n > count)
        if extra:
            missing = [n for n in range(1, count + 1) if n not in numbers]
            gap = ", ".join(f"n{n}" for n in missing[:5]) + (", ..." if len(missing) > 5 else "")
            for number in extra:
                name = numbers[number].decl.node
                diagnostics.append(
                    Diagnostic(
                        "FZ204",
                        numbers[number].line,
                        name.start,
                        name.end,
                        f"node numbers should run n1..n{count} with {count} nodes: "
                        f"n{number} is past the end and {gap} {'is' if len(missing) == 1 else 'are'} missing",
                    )
                )

    def _sequence(self) -> None:
        """FZ504 and FZ505: request/response pairing between lanes, in edge order."""
        crossings: list[tuple[EdgeSite, Lane, Lane]] = []
        for site in self.edges:
            source, target = site.source.node, site.target.node
            if source is None or target is None or source.lane is None or target.lane is None:
                continue
            if source.lane is not target.lane:
                crossings.append((site, source.lane, target.lane))
        answered: set[tuple[int, int]] = {(id(a), id(b)) for _, a, b in crossings}
        pending: list[tuple[Lane, Lane, EdgeSite]] = []
        for site, origin, destination in crossings:
            edge = site.edge
            if (id(destination), id(origin)) not in answered:
                self.diagnostics.append(
                    Diagnostic(
                        "FZ504",
                        site.line,
                        edge.start,
                        edge.end,
                        f"request from lane `{origin.id}` to `{destination.id}` has no edge back",
                    )
                )
            reply = next((p for p in pending if p[0] is destination and p[1] is origin), None)
            if reply is not None:
                pending.remove(reply)
                continue
            waiting = next((p for p in pending if p[0] is origin), None)
            if waiting is not None:
                self.diagnostics.append(
                    Diagnostic(
                        "FZ505",
                        site.line,
                        edge.start,
                        edge.end,
                        f"lane `{origin.id}` sends a new request before `{waiting[1].id}` answered the previous one",
                        (Related(waiting[2].line, waiting[2].edge.start, waiting[2].edge.end, "the unanswered request"),),
                    )
                )
            pending.append((origin, destination, site))


def describe_ref(reference: Reference) -> str:
    """`Lane.n4` or `n4`, as written."""
    ref = reference.ref
    return ref.node.text if ref.lane is None else f"{ref.lane.text}.{ref.node.text}"


__all__ = ["EdgeSite", "Lane", "LoopSite", "Model", "Node", "Reference", "describe_ref", "endpoint_text"]
