"""Lanes and their extents, found from the lane headers and `}` lines alone.

The pairing reads only the frame (the header and `}` lines, in file order), so a brace
typed or deleted, or a header added, removed or renamed, costs O(lanes), not O(lines):
the model then re-registers just the lines whose lane changed (`changed_runs`). A lane
keeps its identity while its header line exists, so what hangs on it stays valid.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from fz_lsp.analysis import messages
from fz_lsp.analysis.diagnostics import Diagnostic
from fz_lsp.analysis.entities import Lane
from fz_lsp.analysis.lines import Row
from fz_lsp.syntax.statements import Blank, Comment, LaneClose, LaneHeader, Statement

_BARE = (Blank, Comment)


@dataclass
class Structure:
    """The lanes in header order, what is wrong with the braces, and which lane each line is in."""

    lanes: list[Lane]
    diagnostics: list[Diagnostic]
    starts: list[int]  # the first line of each run of lines that share one lane
    lanes_of: list[Lane | None]  # the lane of each run (None: outside every lane)
    known: dict[Row, Lane]  # each lane by the row of its header
    renamed: set[str]  # the IDs of lanes that appeared, went or changed their ID (old and new)


def labels(header: Statement, after: Statement) -> bool:
    """Whether `after`, on the line below `header`, is that lane's label: a `# comment` below a
    header without one (FZ301 asks to move it onto the header line)."""
    return type(header) is LaneHeader and header.label is None and type(after) is Comment and after.text.startswith("#")


def _label_comment(header: LaneHeader, index: int, statements: list[Statement]) -> Comment | None:
    """The comment below `header` (at `index`) that serves as its label, if any."""
    after = statements[index + 1] if index + 1 < len(statements) else None
    return after if isinstance(after, Comment) and labels(header, after) else None


def pair(frame: list[Row], statements: list[Statement], previous: dict[Row, Lane]) -> Structure:
    """Pair headers with `}` as a stack does; a header row of `previous` keeps its lane object."""
    known: dict[Row, Lane] = {}
    renamed: set[str] = set()
    lanes: list[Lane] = []
    diagnostics: list[Diagnostic] = []
    stack: list[Lane] = []
    children: dict[int, list[Lane]] = {}
    closed: Lane | None = None  # the lane the last `}` closed, until a header comes
    for row in frame:
        index = row.line
        statement = statements[index]
        if type(statement) is LaneHeader:
            lane = known[row] = _opened(previous.get(row), statement, index, statements, renamed)
            if stack:
                lane.parent = stack[-1]
                children.setdefault(id(stack[-1]), []).append(lane)
            stack.append(lane)
            lanes.append(lane)
            closed = None
        elif stack:
            closed = stack.pop()
            closed.end_line = index
            closed.closed = True
        elif isinstance(statement, LaneClose):
            diagnostics.append(_stray(closed, index, statement, statements))
    for lane in stack:  # never closed
        diagnostics.append(_unclosed(lane, children.get(id(lane))))
    nested = [lane for lane in lanes if lane.parent is not None] if children else []
    diagnostics.extend(messages.nested_lane(lane, lane.parent) for lane in nested if lane.parent is not None)
    if len(known) != len(previous) or len(renamed) > 0:
        renamed |= {lane.id for row, lane in previous.items() if row not in known}
    starts, lanes_of = segments(lanes, bool(nested))
    return Structure(lanes, diagnostics, starts, lanes_of, known, renamed)


def _opened(lane: Lane | None, header: LaneHeader, index: int, statements: list[Statement], renamed: set[str]) -> Lane:
    """The lane `header` opens: `lane` (its lane before the edit) brought up to date, or a new one.

    Adds to `renamed` the IDs of a lane that is new or changed its ID (old and new).
    """
    if lane is None:
        lane = Lane(header.lane.text, index, header, None, None, 0, False)
        renamed.add(lane.id)
    elif lane.id != header.lane.text:
        renamed |= {lane.id, header.lane.text}
    lane.line, lane.end_line, lane.closed, lane.parent, lane.cut_by = index, len(statements) - 1, False, None, None
    if header.label is None:  # its label may be the comment below (FZ301)
        comment = _label_comment(header, index, statements)
        lane.label, lane.label_line = (None, None) if comment is None else (comment.text[1:].strip(), index + 1)
    elif lane.header is not header or lane.label_line is not None or lane.label is None:
        lane.label, lane.label_line = header.display_label, None
    lane.id, lane.header = header.lane.text, header
    return lane


def _stray(closed: Lane | None, index: int, brace: LaneClose, statements: list[Statement]) -> Diagnostic:
    """FZ004 for a `}` that closes no lane; `closed` is the lane the `}` before it closed, if no header came since.

    When statements stand between the two, the earlier `}` is the mistake (`A { n1 } n2 }`):
    the lane runs on to this one, and only that `}` is reported, not every line after it.
    """
    if closed is None or not holds_statements(statements, closed.end_line + 1, index):
        return messages.stray_brace(index, brace.brace)
    early_line = closed.end_line
    early = statements[early_line]
    assert isinstance(early, LaneClose)
    closed.end_line = index
    return messages.early_brace(early_line, early.brace, closed, brace.brace)


def holds_statements(statements: Sequence[Statement], start: int, stop: int) -> bool:
    """Whether a line in [start, stop) is more than blank or a comment (stops at the first that is)."""
    return any(type(statements[index]) not in _BARE for index in range(start, stop))


def _unclosed(lane: Lane, inner: list[Lane] | None) -> Diagnostic:
    """FZ003; a lane left open before the next header (the usual slip) ends right above it."""
    if not inner:
        return messages.unclosed(lane, None)
    following = inner[0]
    lane.end_line = following.line - 1
    lane.cut_by = following
    for child in inner:
        if child.parent is lane:
            child.parent = None
    return messages.unclosed(lane, following)


def segments(lanes: list[Lane], nested: bool) -> tuple[list[int], list[Lane | None]]:
    """Cut the file into runs of lines that share one lane (a header line is in its lane);
    `nested` says whether any lane is inside another."""
    starts: list[int] = [0]
    lanes_of: list[Lane | None] = [None]
    if nested:
        return _nested_segments(lanes, starts, lanes_of)
    for lane in lanes:  # no lane inside another: each is one run, in order
        if starts[-1] == lane.line:
            lanes_of[-1] = lane
        else:
            starts.append(lane.line)
            lanes_of.append(lane)
        starts.append(lane.end_line + 1)  # the run stops after the lane's last line
        lanes_of.append(None)
    return starts, lanes_of


def _nested_segments(
    lanes: list[Lane], starts: list[int], lanes_of: list[Lane | None]
) -> tuple[list[int], list[Lane | None]]:
    events: list[tuple[int, int, Lane]] = []
    for lane in lanes:
        events.append((lane.line, 1, lane))
        events.append((lane.end_line + 1, 0, lane))
    events.sort(key=lambda e: (e[0], e[1]))
    current: Lane | None = None
    for line, opening, lane in events:
        if opening:
            current = lane
        elif current is lane:
            current = lane.parent if lane.parent is not None and lane.parent.end_line >= line else None
        if starts[-1] == line:
            lanes_of[-1] = current
        else:
            starts.append(line)
            lanes_of.append(current)
    return starts, lanes_of


def changed_runs(
    before: tuple[list[int], list[Lane | None]], after: tuple[list[int], list[Lane | None]], count: int
) -> list[tuple[int, int]]:
    """The line ranges [start, stop) whose lane differs between two segmentations of `count` lines.

    Both must be in the same line numbers (the caller moves the old starts past an edit).
    """
    (starts_a, lanes_a), (starts_b, lanes_b) = before, after
    cuts = sorted({*starts_a, *starts_b, count})
    found: list[tuple[int, int]] = []
    i = j = 0
    for start, stop in itertools.pairwise(cuts):
        while i + 1 < len(starts_a) and starts_a[i + 1] <= start:
            i += 1
        while j + 1 < len(starts_b) and starts_b[j + 1] <= start:
            j += 1
        if start < count and lanes_a[i] is not lanes_b[j]:
            if found and found[-1][1] == start:
                found[-1] = (found[-1][0], stop)
            else:
                found.append((start, stop))
    return found
