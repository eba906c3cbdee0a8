"""Lanes and their extents, found from the lane headers and `}` lines alone.

The pairing reads only the frame (the header and `}` lines, in file order), so a brace
typed or deleted, or a header added, removed or renamed, costs O(lanes), not O(lines):
the model then re-registers just the lines whose lane changed (`changed_runs`). A lane
keeps its identity while its header line exists, so what hangs on it stays valid.
In a plain frame (no `}` right after a `}`), a lane's pairing depends only on the entry
after its header, and an edit that moves no line pairs again only its neighbours
(`pair_near`): typing a lane ID, or deleting a lane's `}` and typing it back, costs the
same at any length.
"""

from __future__ import annotations

import bisect
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
    diagnostics.extend(map(messages.nested_lane, nested))
    if len(known) != len(previous) or len(renamed) > 0:
        renamed |= {lane.id for row, lane in previous.items() if row not in known}
    starts, lanes_of = segments(lanes, bool(nested))
    return Structure(lanes, diagnostics, starts, lanes_of, known, renamed)


def _opened(lane: Lane | None, header: LaneHeader, index: int, statements: list[Statement], renamed: set[str]) -> Lane:
    """The lane `header` opens: `lane` (its lane before the edit) brought up to date, or a new one.

    Adds to `renamed` the IDs of a lane that is new or changed its ID (old and new).
    """
    if lane is None:
        lane = Lane(header.lane.text, index, header, header.display_label, None, 0, False)
        renamed.add(lane.id)
    elif lane.id != header.lane.text:
        renamed |= {lane.id, header.lane.text}
    lane.line, lane.end_line, lane.closed, lane.parent, lane.cut_by = index, len(statements) - 1, False, None, None
    if header.label is None:  # its label may be the comment below (FZ301)
        comment = _label_comment(header, index, statements)
        lane.label, lane.label_line = (None, None) if comment is None else (comment.text[1:].strip(), index + 1)
    elif lane.header is not header or lane.label_line is not None:  # else it has this header's label
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
    if nested:
        return _nested_segments(lanes, [0], [None])
    return _runs(lanes, 0, None)  # no lane inside another: each is one run, in order


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


@dataclass
class Near:
    """A pairing redone only for the lines [start, stop) around an edit (see `pair_near`)."""

    start: int
    stop: int
    gone: list[Lane]  # the lanes that began in the window before
    lanes: list[Lane]  # the lanes that begin there now, in order
    diagnostics: list[Diagnostic]  # theirs (FZ003)
    starts: list[int]  # the runs of [start, stop), as `segments` cuts them
    lanes_of: list[Lane | None]
    renamed: set[str]

    def splice(
        self, starts: list[int], lanes_of: list[Lane | None]
    ) -> tuple[list[int], list[Lane | None], list[tuple[int, int]]]:
        """The whole file's runs with this window's put in (new lists), and the line ranges
        whose lane changed."""
        low, high = bisect.bisect_left(starts, self.start), bisect.bisect_left(starts, self.stop)
        covering = bisect.bisect_right(starts, self.start) - 1
        before = ([self.start, *starts[covering + 1 : high]], lanes_of[covering:high])
        changed = changed_runs(before, (self.starts, self.lanes_of), self.stop)
        return (
            [*starts[:low], *self.starts, *starts[high:]],
            [*lanes_of[:low], *self.lanes_of, *lanes_of[high:]],
            changed,
        )


def pair_near(
    frame: list[Row],
    statements: list[Statement],
    known: dict[Row, Lane],
    lanes: list[Lane],
    lane_table: dict[str, Lane],
    edited: tuple[int, int],
) -> Near | None:
    """Pair again only the lanes next to the frame entries `edited` (an edit's, in place).

    In a plain frame, one where no `}` follows a `}` or comes first, no lane nests and no
    `}` is stray: a lane is closed by the `}` right after its header, or is cut by the next
    header (FZ003), or runs to the end. Each lane's pairing depends only on the entry after
    its header, so only the lanes whose header is in the edit, or right before it, change.
    The caller vouches that the frame was plain with no lane ID twice, and that no line
    moved. None when the frame around the edit is not plain or a lane ID of the window is
    another lane's: pair everything then (nothing has been changed yet).
    """
    window = _plain_window(frame, statements, edited)
    if window is None:
        return None
    start, stop, heads, closing = window
    lo = bisect.bisect_left(lanes, start, key=lambda lane: lane.line)
    gone = lanes[lo : bisect.bisect_left(lanes, stop, key=lambda lane: lane.line)]
    headers = [header for p in heads if isinstance(header := statements[frame[p].line], LaneHeader)]
    ids = [header.lane.text for header in headers]
    ours = set(map(id, gone))
    if len(set(ids)) < len(ids) or any(id(lane_table[i]) not in ours for i in ids if i in lane_table):
        return None  # an ID another lane has too: FZ202 is decided over all lanes
    renamed: set[str] = set()
    fresh = [
        _opened(known.get(frame[p]), header, frame[p].line, statements, renamed)
        for p, header in zip(heads, headers, strict=True)
    ]
    following = dict(zip(heads, fresh, strict=True))
    diagnostics: list[Diagnostic] = []
    for position, lane in zip(heads, fresh, strict=True):
        if closing[position]:
            lane.end_line, lane.closed = frame[position + 1].line, True
            continue
        cut = following.get(position + 1) or known.get(frame[position + 1]) if position + 1 < len(frame) else None
        if cut is not None:  # cut by the next header (in the edit, or the one after it)
            lane.end_line, lane.cut_by = cut.line - 1, cut
        diagnostics.append(messages.unclosed(lane, cut))
    kept = set(map(id, fresh))
    renamed |= {lane.id for lane in gone if id(lane) not in kept}
    starts, lanes_of = _runs(fresh, start, stop)
    return Near(start, stop, gone, fresh, diagnostics, starts, lanes_of, renamed)


def _plain_window(
    frame: list[Row], statements: list[Statement], edited: tuple[int, int]
) -> tuple[int, int, list[int], dict[int, bool]] | None:
    """The lines [start, stop) an edit's re-pairing covers, the frame positions of the headers
    to pair again, and whether a `}` follows each; None if the frame is not plain there."""
    low, high = edited
    first = max(low - 1, 0)
    braces = [type(statements[row.line]) is LaneClose for row in frame[first : min(high + 2, len(frame))]]
    if (low == 0 and braces and braces[0]) or any(a and b for a, b in itertools.pairwise(braces)):
        return None
    heads = [position for position, brace in zip(range(first, high), braces, strict=False) if not brace]
    closing = {p: p + 1 - first < len(braces) and braces[p + 1 - first] for p in heads}
    # From the header before the edit, or from below the `}` before it, to the next header.
    start = 0 if low == 0 else frame[first].line + braces[0]
    after = next((p for p in range(high, first + len(braces)) if not braces[p - first]), None)
    stop = frame[after].line if after is not None else len(statements)
    return (start, stop, heads, closing) if start < stop else None


def _runs(lanes: list[Lane], start: int, stop: int | None) -> tuple[list[int], list[Lane | None]]:
    """The runs of [start, stop) for lanes in order that neither nest nor reach past `stop`
    (None: the end of the file, where the last run, outside every lane, may be empty)."""
    starts: list[int] = [start]
    lanes_of: list[Lane | None] = [None]
    for lane in lanes:
        if starts[-1] == lane.line:
            lanes_of[-1] = lane
        else:
            starts.append(lane.line)
            lanes_of.append(lane)
        if stop is None or lane.end_line + 1 < stop:  # the run stops after the lane's last line
            starts.append(lane.end_line + 1)
            lanes_of.append(None)
    return starts, lanes_of
