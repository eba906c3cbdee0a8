"""The semantic model of one file: lanes, nodes, edges, loops and every reference.

Built once from the statements, then kept up to date edit by edit (`update`): what the
edited lines had registered is taken out and their new text registered (`registry`);
then only the node IDs and edges they touch are resolved and checked again.
Everything registered hangs on the `Row` of its line (`lines`), so inserting or
deleting a line renumbers nothing. An edit to the frame (a lane header, a `}`, a
lane's label comment) pairs the braces again from the frame alone (`structure`; only
the lanes next to it, when no brace is out of place and no line moved) and moves only
the lines whose lane changed; a lane renamed re-checks the references to its old and
new ID and those that compare or name it (`checks`). Diagnostics are kept grouped by
what they depend on (a line, a node ID, an edge's resolved ends, the lanes), pinned to
rows.

The layers of the model, each in its own module: `lines` (rows), `registry` (what each
line registers, and the queries features use), `checks` (the diagnostics by node ID and
edge key), this module (following edits); beside them `entities` (records), `structure`
(the frame), `messages` (wording), `statement_checks`, `suggestions`, `sequence`.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable

from fz_lsp.analysis import messages
from fz_lsp.analysis.checks import Checks
from fz_lsp.analysis.diagnostics import FZ001, FZ002, FZ004, FZ005, FZ202, Diagnostic, file_order
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
)
from fz_lsp.analysis.lines import Pinned, Row
from fz_lsp.analysis.registry import has_label_comment
from fz_lsp.analysis.sequence import sequence_findings
from fz_lsp.analysis.structure import Near, changed_runs, holds_statements, pair, pair_near
from fz_lsp.syntax.document import Edit, paused_gc
from fz_lsp.syntax.statements import Comment, LaneClose, LaneHeader, Name, NodeDecl, Statement

_FRAME = (LaneHeader, LaneClose)
_NOT_PLAIN = (FZ004, FZ005, FZ202)
_Runs = tuple[list[int], list[Lane | None]]  # where each run of lines with one lane starts, and its lane
_SYNTAX = (FZ001, FZ002)  # the only diagnostics a line that does not parse keeps


class Model(Checks):
    """Everything known about one file after analysis."""

    _diagnostics: list[Diagnostic] | None
    _sequence: list[Diagnostic] | None
    _plain: bool  # the frame has no stray `}`, nested lane or lane ID twice (see `_pair_near`)

    def __init__(self, lines: list[str], statements: list[Statement]) -> None:
        super().__init__(lines, statements)
        self._structure_diags: list[Pinned] = []  # braces and lane IDs: FZ003, FZ004, FZ005, FZ202
        with paused_gc():
            self._build()

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
                if row.chunk is None or (row.broken and pinned.diagnostic.code not in _SYNTAX):
                    continue
                try:
                    kept.append(pinned.current())
                except LookupError:
                    continue  # a place it names is gone: never shown with a wrong line
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
        rows = self._rows.rows(0, len(self.statements))
        self._frame = [row for row, statement in zip(rows, self.statements, strict=True) if type(statement) in _FRAME]
        self._pair()
        starts, lanes_of = self._segment_starts, self._segment_lanes
        for segment, start in enumerate(starts):
            stop = starts[segment + 1] if segment + 1 < len(starts) else len(rows)
            lane = lanes_of[segment]
            for index in range(start, min(stop, len(rows))):
                self.add_line(rows[index], index, lane)
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

    def _pair(self) -> set[str]:
        """Lanes, their extents and the lane table, from the frame (headers and `}`) alone.

        Returns the IDs of the lanes that appeared, went or were renamed (old and new).
        """
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
        # No `}` stray, no lane nested or named twice: an in-place edit can then pair near itself.
        self._plain = not any(d.code in _NOT_PLAIN for d in found)
        return structure.renamed

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
            ids |= self.remove_line(row, text)
        rows = self._rows.splice(first, removed, edit.added_count)
        if moves_frame:
            ids |= self._reframe(edit, rows, runs_before)
        elif edit.delta:
            self._shift_lanes(first + removed, edit.delta)
        for index, row in enumerate(rows, first):
            ids |= self.add_line(row, index, self.lane_at(index))
        ids |= self._redeclared(edit, ids)
        for node_id in ids:
            self._recompute_id(node_id)
        self._recompute_keys()
        self._forget_views()

    def _moves_frame(self, edit: Edit) -> bool:
        """Whether `edit` changes the frame the lanes are paired from; one clause per reason."""
        first, stop = edit.first, edit.first + edit.added_count
        removed, added = edit.removed_statements, self.statements[first:stop]
        above, below = self.statements[max(first - 1, 0) : first], self.statements[stop : stop + 1]
        return (
            # A `}` typed or deleted re-pairs braces: lane extents and every line's lane can move.
            _has_brace(removed)
            or _has_brace(added)
            # A lane header appears, goes, moves or changes its ID (lane table, prefixes, extents);
            # one that gains or loses its `# label` changes what the comment below it is.
            or _headers(removed) != _headers(added)
            # A `# comment` right below a header without a label is that lane's label (FZ301): the
            # edit must not make or unmake, or touch, such a pair.
            or has_label_comment([*above, *removed, *below])
            or has_label_comment([*above, *added, *below])
            # Between two `}`, whether any statement stands there decides which `}` is the extra one.
            or (
                (holds_statements(removed, 0, len(removed)) != holds_statements(added, 0, len(added)))
                and self._between_braces(edit)
            )
        )

    def _between_braces(self, edit: Edit) -> bool:
        """Whether `edit` (which touches no header or `}`) lies between two `}` (rows not yet moved)."""
        frame = self._frame
        at = bisect.bisect_left(frame, edit.first, key=lambda row: row.line)
        if not 0 < at < len(frame):
            return False
        above, below = frame[at - 1].line, frame[at].line + edit.delta  # the row below is past the edit
        return type(self.statements[above]) is LaneClose and type(self.statements[below]) is LaneClose

    def _reframe(self, edit: Edit, rows: list[Row], runs_before: _Runs) -> set[str]:
        """Pair the braces again after `edit` changed the frame; returns the node IDs to check again.

        Lines whose lane changed are registered again; a lane that appeared, went or changed
        its ID re-checks the references that name it, the nodes declared in it and the edges
        written in it (their messages name the lane).
        """
        edited = self._new_frame(edit, rows)
        near = self._pair_near(edit, edited)
        if near is None:
            renamed = self._pair()
            runs = changed_runs(
                _moved(edit, runs_before), (self._segment_starts, self._segment_lanes), len(self.statements)
            )
        else:
            renamed, runs = near
        relaid: set[str] = set()  # node IDs declared on a line whose lane changed
        ids = self._relay(edit, runs, relaid)
        if renamed:
            ids |= self._lane_renamed(renamed, relaid)
        # "Did you mean" writes a suggestion with its lane's prefix, or without from its own lane.
        return ids | {d for d in self._dangling if not relaid.isdisjoint(self._guesses.get(d, relaid))}

    def _new_frame(self, edit: Edit, rows: list[Row]) -> tuple[int, int]:
        """Bring the header and `}` rows up to date after `edit` (whose new lines have `rows`).

        The frame's rows of the edited lines (gone, or kept and re-parsed) sit together where
        the edit is: found by bisection and replaced, so the frame is not walked. Returns
        where the edited lines' entries are now in the frame, [low, high).
        """
        first, stop = edit.first, edit.first + edit.added_count

        def line(row: Row) -> int:
            return row.line if row.chunk is not None else first  # a row gone was in the edit

        frame = self._frame
        low, high = bisect.bisect_left(frame, first, key=line), bisect.bisect_left(frame, stop, key=line)
        added = [row for index, row in enumerate(rows, first) if type(self.statements[index]) in _FRAME]
        frame[low:high] = added
        return low, low + len(added)

    def _pair_near(self, edit: Edit, edited: tuple[int, int]) -> tuple[set[str], list[tuple[int, int]]] | None:
        """Pair again only near an edit that moved no line in a plain frame (`structure.pair_near`).

        Returns the lane IDs that appeared, went or changed, and the runs of lines whose lane
        changed; None when everything must be paired again.
        """
        if edit.delta or not self._plain:
            return None
        near = pair_near(self._frame, self.statements, self._lane_of_row, self.lanes, self.lane_table, edited)
        if near is None:
            return None
        self._segment_starts, self._segment_lanes, runs = near.splice(self._segment_starts, self._segment_lanes)
        gone_rows = self._take_lanes(near)
        kept = [pinned for pinned in self._structure_diags if pinned.row not in gone_rows]
        self._structure_diags = kept + self._pin(near.diagnostics)
        return near.renamed, runs

    def _take_lanes(self, near: Near) -> set[Row]:
        """Put the window's lanes in the lane list, the table of header rows and the lane table;
        returns the header rows of the lanes it had before."""
        at = bisect.bisect_left(self.lanes, near.start, key=lambda lane: lane.line)
        self.lanes = [*self.lanes[:at], *near.lanes, *self.lanes[at + len(near.gone) :]]
        gone_rows = {self._rows[lane.line] for lane in near.gone}
        for row in gone_rows:
            del self._lane_of_row[row]
        self._lane_of_row.update((self._rows[lane.line], lane) for lane in near.lanes)
        if near.renamed:  # IDs are unique in a plain frame: each ID names at most one lane
            self._lane_guesses = {}
            for lane_id in near.renamed:
                self.lane_table.pop(lane_id, None)
            self.lane_table.update((lane.id, lane) for lane in near.lanes)
        return gone_rows

    def _relay(self, edit: Edit, runs: list[tuple[int, int]], relaid: set[str]) -> set[str]:
        """Register again the lines outside `edit` in `runs` (their lane changed), and the comment below it."""
        ids: set[str] = set()
        first, stop = edit.first, edit.first + edit.added_count
        lines = [line for start, run_stop in runs for line in range(start, run_stop) if not first <= line < stop]
        below = stop if stop < len(self.statements) and type(self.statements[stop]) is Comment else None
        for index in lines:
            row = self._rows[index]
            ids |= self.relane(row, self.lane_at(index))
            if (node := self._nodes_at.get(row)) is not None:
                relaid.add(node.id)
        if below is not None:  # the comment below the edit may have become, or stopped being, a label
            row = self._rows[below]
            ids |= self.remove_line(row, self.lines[below]) | self.add_line(row, below, self.lane_at(below))
        return ids

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
        declared_before, declared_after = _declared(removed), _declared(added)
        if declared_before != declared_after:
            self._guesses.clear()
            self._recompute_numbering()
            # Suggestions for undeclared IDs name other nodes; renumbering fixes pick free numbers.
            self._duplicates_stale = True
            return set(self._dangling)
        # A label or shape changed: only the suggestions that name this node show it.
        touched = {name.text for _, name in declared_before}
        return {d for d in self._dangling if touched and not touched.isdisjoint(self._guesses.get(d, touched))}

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


def _moved(edit: Edit, runs: _Runs) -> _Runs:
    """Runs from before `edit` in the new line numbers: a run that began inside it begins at its start."""
    first, end = edit.first, edit.first + edit.removed_count
    starts, lanes_of = runs
    return [start if start < first else start + edit.delta if start >= end else first for start in starts], lanes_of


def _has_brace(statements: Iterable[Statement]) -> bool:
    return any(type(s) is LaneClose for s in statements)


def _headers(statements: Iterable[Statement]) -> list[tuple[int, Name, bool]]:
    """Where the headers are in an edit, their IDs, and whether each has no label."""
    return [(i, s.lane, s.label is None) for i, s in enumerate(statements) if type(s) is LaneHeader]


def _declared(statements: Iterable[Statement]) -> list[tuple[int, Name]]:
    return [(i, s.node) for i, s in enumerate(statements) if type(s) is NodeDecl]


def _in_order(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(found, key=file_order)


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
