"""Orthogonal edge routing through channels that hold no node boxes.

The picture is a grid: vertical channels `V0..VC` between columns (V0 left of the
first column) and, inside each lane, horizontal channels between its sub-rows
(and at the band's top and bottom). Nothing but edges lives in a channel, so a
route that leaves its source through the handle's side straight into the next
channel, travels only along channels, and enters its target the same way never
crosses a node box. Straight shortcuts through empty cells (a row or column with
no box in between) are taken when free.

Routes are first built with symbolic coordinates ("track 3 of channel V5");
tracks are then assigned per channel by interval colouring (O(n log n)), the
channels sized to their tracks and labels, and only then turned into numbers.

Why this file is longer than 400 lines: building routes, assigning tracks, sizing
channels and turning symbolic coordinates into numbers all work on one grid of channels;
splitting them would pass that grid's internals between modules.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fz_lsp.render.text import text_width

if TYPE_CHECKING:
    from fz_lsp.render.placement import Item, Link

# Symbolic coordinates: ("n", node, part) for a node's edge or centre, ("v", segment) for the
# track of a vertical channel segment, ("h", segment) for the track of a horizontal one.
Ref = tuple[str, int, str]

V_MIN = 48.0
H_INNER_MIN = 28.0
H_EDGE_MIN = 22.0
TRACK = 10.0
ROW_MIN = 40.0
LABEL_PAD = 8.0
JOG = 10.0  # how far before its target a straight drop with offset ports steps sideways
SMALL = 11.0
SMALL_LINE = 14.0


class Grid:
    """Columns, sub-rows and channels of one layout, and the routes through them."""

    def __init__(
        self,
        items: list[Item],
        links: list[Link],
        label_lines: Sequence[tuple[str, ...]],
        rows: list[int],
        columns: int,
        lane_min: list[float],
    ) -> None:
        from fz_lsp.render.placement import LANE_GUTTER

        self.items = items
        self.links = links
        self.label_lines = label_lines
        self.rows = rows
        self.columns = columns
        self.lane_min = lane_min
        self.gutter = LANE_GUTTER
        self.base: list[int] = []  # first y slot of each lane
        slot = 0
        for count in rows:
            self.base.append(slot)
            slot += 2 * count + 1
        self.slots = slot
        self.lane_of_slot: list[int] = []
        for lane, count in enumerate(rows):
            self.lane_of_slot.extend([lane] * (2 * count + 1))
        # Which cells hold a box, for straight shortcuts.
        self.row_cells: dict[int, list[int]] = {}  # row slot -> sorted columns
        self.column_cells: dict[int, list[int]] = {}  # column -> sorted row slots
        for item in items:
            row_slot = self.row_slot(item)
            bisect.insort(self.row_cells.setdefault(row_slot, []), item.column)
            bisect.insort(self.column_cells.setdefault(item.column, []), row_slot)
        self.row_used: dict[int, list[tuple[float, float]]] = {}
        self.column_used: dict[int, list[tuple[float, float]]] = {}
        # Segments along channels: vertical (channel, y end refs), horizontal (channel slot, x interval).
        self.v_segments: list[tuple[int, tuple[str, int, str], tuple[str, int, str]]] = []
        self.h_segments: list[tuple[int, float, float]] = []
        self.v_track: list[int] = []
        self.h_track: list[int] = []
        self.routes: list[list[tuple[Ref, Ref]]] = []
        self.offset: dict[tuple[int, str], float] = {}  # (edge, "s"/"t") -> port offset along its side
        self.port_count: dict[tuple[int, str], int] = {}
        self._spread_ports()
        self.label_v: dict[int, float] = {}  # V channel -> widest label that may sit in it
        self.label_h: dict[int, float] = {}  # H slot -> tallest label that may sit in it

    # --- logical positions ------------------------------------------------------------------

    def _spread_ports(self) -> None:
        """Edges sharing a side of a card get their own points along it, ordered by where their
        other end lies, so that they leave without overlapping. Circles and diamonds keep one
        point per side (the tip or the middle), as an edge must touch the outline."""
        sides: dict[tuple[int, str], list[tuple[int, int, int, str]]] = {}
        for index, link in enumerate(self.links):
            for end, node, side, other in (
                ("s", link.source, link.from_handle, link.target),
                ("t", link.target, link.to_handle, link.source),
            ):
                far = self.items[other]
                row, column = self.row_slot(far), far.column
                key = (row, column) if side in ("left", "right") else (column, row)
                sides.setdefault((node, side), []).append((*key, index, end))
        for (node, side), ends in sides.items():
            box = self.items[node].box
            length = box.height if side in ("left", "right") else box.width
            self.port_count[(node, side)] = len(ends)
            if len(ends) > 1 and box.shape not in ("circle", "diamond"):
                ends.sort()
                step = min(14.0, length * 0.7 / (len(ends) - 1))
                for rank, (_, _, index, end) in enumerate(ends):
                    self.offset[(index, end)] = (rank - (len(ends) - 1) / 2) * step
        for index, link in enumerate(self.links):
            same_side = link.source == link.target and link.from_handle == link.to_handle
            if same_side and self._aligned(index):  # a loop on one point: end a quarter further on
                box = self.items[link.target].box
                length = box.height if link.to_handle in ("left", "right") else box.width
                self.offset[(index, "t")] = self.offset.get((index, "s"), 0.0) + length / 4

    def _aligned(self, index: int) -> bool:
        return self.offset.get((index, "s"), 0.0) == self.offset.get((index, "t"), 0.0)

    def row_slot(self, item: Item) -> int:
        return self.base[item.lane] + 2 * item.row + 1

    def _exit(self, index: int, side: str) -> tuple[str, int, float]:
        """The channel a handle opens into: ("v", channel, logical y) or ("h", slot, logical x)."""
        item = self.items[index]
        if side == "right":
            return "v", item.column + 1, self.row_slot(item) + 0.5
        if side == "left":
            return "v", item.column, self.row_slot(item) + 0.5
        if side == "bottom":
            return "h", self.row_slot(item) + 1, 2 * item.column + 1.5
        return "h", self.row_slot(item) - 1, 2 * item.column + 1.5

    # --- routing --------------------------------------------------------------------------------

    def _vseg(self, channel: int, a: Ref, b: Ref) -> Ref:
        self.v_segments.append((channel, a, b))
        return ("v", len(self.v_segments) - 1, "")

    def _hseg(self, slot: int, x1: float, x2: float) -> Ref:
        self.h_segments.append((slot, min(x1, x2), max(x1, x2)))
        return ("h", len(self.h_segments) - 1, "")

    def _free_row(self, slot: int, first_column: int, last_column: int, lo: float, hi: float) -> bool:
        """No box in columns first..last of this row, and no other straight run overlapping lo..hi."""
        if first_column <= last_column:
            cells = self.row_cells.get(slot, [])
            at = bisect.bisect_left(cells, first_column)
            if at < len(cells) and cells[at] <= last_column:
                return False
        return all(not (lo < b and a < hi) for a, b in self.row_used.get(slot, ()))

    def _only(self, slot: int, column: int, index: int) -> bool:
        """The cell at (row slot, column) is empty or holds node `index`."""
        cells = self.row_cells.get(slot, [])
        at = bisect.bisect_left(cells, column)
        if at == len(cells) or cells[at] != column:
            return True
        item = self.items[index]
        return self.row_slot(item) == slot and item.column == column

    def _free_column(self, column: int, top_slot: int, bottom_slot: int) -> bool:
        cells = self.column_cells.get(column, [])
        at = bisect.bisect_right(cells, top_slot)
        if at < len(cells) and cells[at] < bottom_slot:
            return False
        return all(not (top_slot < b and a < bottom_slot) for a, b in self.column_used.get(column, ()))

    def _nearest_h(self, candidates: list[int], y1: float, y2: float) -> int:
        return min(candidates, key=lambda s: abs(s + 0.5 - y1) + abs(s + 0.5 - y2))

    def _nearest_v(self, candidates: list[int], x1: float, x2: float) -> int:
        return min(candidates, key=lambda g: abs(2 * g + 0.5 - x1) + abs(2 * g + 0.5 - x2))

    def _reserve_v(self, channel: int, link: int) -> None:
        lines = self.label_lines[link]
        if lines:
            width = max(text_width(line, SMALL) for line in lines) + 2 * LABEL_PAD
            if width > self.label_v.get(channel, 0.0):
                self.label_v[channel] = width

    def _reserve_h(self, slot: int, link: int) -> None:
        lines = self.label_lines[link]
        if lines:
            height = len(lines) * SMALL_LINE + 2 * LABEL_PAD
            if height > self.label_h.get(slot, 0.0):
                self.label_h[slot] = height

    def route(self, index: int) -> list[tuple[Ref, Ref]]:
        link = self.links[index]
        s, t = link.source, link.target
        sh, th = link.from_handle, link.to_handle
        start = _port(s, sh, index, "s")
        end = _port(t, th, index, "t")
        aligned = self._aligned(index)
        kind1, chan1, pos1 = self._exit(s, sh)
        kind2, chan2, pos2 = self._exit(t, th)
        src, tgt = self.items[s], self.items[t]
        if kind1 == "v" and kind2 == "v":
            if chan1 == chan2:
                if pos1 == pos2 and sh != th and aligned:
                    self._reserve_v(chan1, index)
                    return [start, end]
                seg = self._vseg(chan1, start[1], end[1])
                self._reserve_v(chan1, index)
                return [start, (seg, start[1]), (seg, end[1]), end]
            lo, hi = min(chan1, chan2), max(chan1, chan2)
            span = (2.0 * lo, 2.0 * hi + 1)
            # A straight run along the source's row, then down/up the target's channel.
            toward = chan2 > chan1
            src_side_ok = (sh == "right") == toward
            beyond = chan2 if toward else chan2 - 1
            if (
                src_side_ok
                and self._free_row(self.row_slot(src), lo, hi - 1, *span)
                and self._only(self.row_slot(src), beyond, t)
            ):
                self.row_used.setdefault(self.row_slot(src), []).append(span)
                if pos1 == pos2 and (th == "left") == toward and aligned:
                    self._reserve_v(chan1, index)
                    return [start, end]
                seg = self._vseg(chan2, start[1], end[1])
                self._reserve_v(chan2, index)
                return [start, (seg, start[1]), (seg, end[1]), end]
            tgt_side_ok = (th == "left") == toward
            before = chan1 - 1 if toward else chan1
            if (
                tgt_side_ok
                and self._free_row(self.row_slot(tgt), lo, hi - 1, *span)
                and self._only(self.row_slot(tgt), before, s)
            ):
                self.row_used.setdefault(self.row_slot(tgt), []).append(span)
                seg = self._vseg(chan1, start[1], end[1])
                self._reserve_v(chan1, index)
                return [start, (seg, start[1]), (seg, end[1]), end]
            rs, rt = self.row_slot(src), self.row_slot(tgt)
            slot = self._nearest_h([rs - 1, rs + 1, rt - 1, rt + 1], pos1, pos2)
            h = self._hseg(slot, *span)
            v1 = self._vseg(chan1, start[1], h)
            v2 = self._vseg(chan2, h, end[1])
            self._reserve_h(slot, index)
            self._reserve_v(chan1, index)
            return [start, (v1, start[1]), (v1, h), (v2, h), (v2, end[1]), end]
        if kind1 == "v" and kind2 == "h":
            x2 = pos2
            h = self._hseg_to(chan2, x2, chan1)
            v = self._vseg(chan1, start[1], h)
            self._reserve_h(chan2, index)
            self._reserve_v(chan1, index)
            return [start, (v, start[1]), (v, h), (end[0], h), end]
        if kind1 == "h" and kind2 == "v":
            x1 = pos1
            h = self._hseg_to(chan1, x1, chan2)
            v = self._vseg(chan2, h, end[1])
            self._reserve_h(chan1, index)
            self._reserve_v(chan2, index)
            return [start, (start[0], h), (v, h), (v, end[1]), end]
        # Both handles open into horizontal channels.
        if chan1 == chan2:
            if pos1 == pos2 and sh != th and aligned:
                self._reserve_h(chan1, index)
                return [start, end]
            h = self._hseg(chan1, pos1, pos2)
            self._reserve_h(chan1, index)
            return [start, (start[0], h), (end[0], h), end]
        if src.column == tgt.column:
            rs, rt = self.row_slot(src), self.row_slot(tgt)
            down = sh == "bottom" and th == "top" and rt > rs
            up = sh == "top" and th == "bottom" and rt < rs
            if (down or up) and self._free_column(src.column, min(rs, rt), max(rs, rt)):
                self.column_used.setdefault(src.column, []).append((float(min(rs, rt)), float(max(rs, rt))))
                self._reserve_h(chan1, index)
                if aligned:
                    return [start, end]
                jog: Ref = ("j", index, "")  # just before the target, inside the free column
                return [start, (start[0], jog), (end[0], jog), end]
        g = self._nearest_v([src.column, src.column + 1, tgt.column, tgt.column + 1], pos1, pos2)
        h1 = self._hseg_to(chan1, pos1, g)
        h2 = self._hseg_to(chan2, pos2, g)
        v = self._vseg(g, h1, h2)
        self._reserve_v(g, index)
        self._reserve_h(chan1, index)
        return [start, (start[0], h1), (v, h1), (v, h2), (end[0], h2), end]

    def _leans(self) -> tuple[list[int], list[int]]:
        """Which side of its channel each segment's stubs come from: -1 left/above, +1 right/below.

        Tracks are then ordered so that a stub never has to run along another edge's stub to
        reach its track (an edge from the left column on a track left of one to the right column).
        """
        v_lean = [0] * len(self.v_segments)
        h_lean = [0] * len(self.h_segments)
        for route in self.routes:
            last = len(route) - 1
            for i, (x, y) in enumerate(route):
                for j in (i - 1, i + 1):
                    if not 0 <= j <= last:
                        continue
                    nx, ny = route[j]
                    if x[0] == "v" and nx[0] == "n":
                        v_lean[x[1]] += -1 if nx[2] == "r" else 1
                    if y[0] == "h" and ny[0] == "n":
                        h_lean[y[1]] += -1 if ny[2] == "b" else 1
        return v_lean, h_lean

    def _hseg_to(self, slot: int, x: float, channel: int) -> Ref:
        """A horizontal run from a column centre to a vertical channel, covering the channel whole."""
        self.h_segments.append((slot, min(x, 2.0 * channel), max(x, 2.0 * channel + 1)))
        return ("h", len(self.h_segments) - 1, "")

    # --- sizes and numbers ------------------------------------------------------------------------

    def measure(self) -> None:
        """Assign tracks, size channels, and fix every coordinate."""
        v_lean, h_lean = self._leans()
        h_count = _assign_tracks([(slot, lo, hi) for slot, lo, hi in self.h_segments], self.h_track, h_lean)
        # Rows and horizontal channels from top to bottom.
        row_height: dict[int, float] = {}
        for item in self.items:
            slot = self.row_slot(item)
            if item.box.height > row_height.get(slot, 0.0):
                row_height[slot] = item.box.height
        self.slot_y: list[float] = [0.0] * (self.slots + 1)
        self.slot_h: list[float] = [0.0] * self.slots
        self.h_count = h_count
        y = 0.0
        self.bands: list[tuple[float, float]] = []
        for lane, count in enumerate(self.rows):
            top = y
            base = self.base[lane]
            for k in range(2 * count + 1):
                slot = base + k
                if k % 2:
                    height = max(ROW_MIN, row_height.get(slot, 0.0))
                else:
                    edge = k == 0 or k == 2 * count
                    tracks = h_count.get(slot, 0)
                    height = max(H_EDGE_MIN if edge else H_INNER_MIN, (tracks + 1) * TRACK)
                    height = max(height, self.label_h.get(slot, 0.0) + (tracks + 1) * TRACK / 2)
                self.slot_y[slot] = y
                self.slot_h[slot] = height
                y += height
            if y - top < self.lane_min[lane]:
                last = base + 2 * count
                self.slot_h[last] += self.lane_min[lane] - (y - top)
                y = top + self.lane_min[lane]
            self.bands.append((top, y))
        self.height = max(y, 1.0)
        # Vertical channels need the y of every segment end, known now.
        v_intervals = []
        for channel, a, b in self.v_segments:
            ya, yb = self._y(a), self._y(b)
            v_intervals.append((channel, min(ya, yb), max(ya, yb)))
        v_count = _assign_tracks(v_intervals, self.v_track, v_lean)
        column_width = [0.0] * self.columns
        for item in self.items:
            if item.box.width > column_width[item.column]:
                column_width[item.column] = item.box.width
        self.v_x: list[float] = []
        self.v_w: list[float] = []
        self.col_x: list[float] = []
        self.col_w = column_width
        self.v_count = v_count
        x = self.gutter
        for channel in range(self.columns + 1):
            tracks = v_count.get(channel, 0)
            width = max(V_MIN, (tracks + 1) * TRACK, self.label_v.get(channel, 0.0) + (tracks + 1) * TRACK / 2)
            self.v_x.append(x)
            self.v_w.append(width)
            x += width
            if channel < self.columns:
                self.col_x.append(x)
                x += column_width[channel]
        self.width = max(x, 320.0)
        self._resolve()

    def band(self, lane: int) -> tuple[float, float]:
        return self.bands[lane]

    def column_center(self, column: int) -> float:
        return self.col_x[column] + self.col_w[column] / 2

    def row_center(self, lane: int, row: int) -> float:
        slot = self.base[lane] + 2 * row + 1
        return self.slot_y[slot] + self.slot_h[slot] / 2

    def _resolve(self) -> None:
        """Every symbolic coordinate as a number, computed once per node and per segment."""
        xs: dict[tuple[str, int, str], float] = {}
        ys: dict[tuple[str, int, str], float] = {}
        for index, item in enumerate(self.items):
            cx = self.column_center(item.column)
            cy = self.row_center(item.lane, item.row)
            w, h = item.box.width, item.box.height
            xs[("n", index, "l")] = cx - w / 2
            xs[("n", index, "r")] = cx + w / 2
            xs[("n", index, "c")] = cx
            ys[("n", index, "t")] = cy - h / 2
            ys[("n", index, "b")] = cy + h / 2
            ys[("n", index, "m")] = cy
        v_x, v_w, v_count, v_track = self.v_x, self.v_w, self.v_count, self.v_track
        for index, (channel, _, _) in enumerate(self.v_segments):
            xs[("v", index, "")] = v_x[channel] + v_w[channel] * (v_track[index] + 1) / (v_count[channel] + 1)
        for (index, end), offset in self.offset.items():
            link = self.links[index]
            node, side = (link.source, link.from_handle) if end == "s" else (link.target, link.to_handle)
            if side in ("left", "right"):
                ys[("o", index, end)] = ys[("n", node, "m")] + offset
            else:
                xs[("o", index, end)] = xs[("n", node, "c")] + offset
        for index, link in enumerate(self.links):
            for end, node, side in (("s", link.source, link.from_handle), ("t", link.target, link.to_handle)):
                if ("o", index, end) not in xs and ("o", index, end) not in ys:
                    if side in ("left", "right"):
                        ys[("o", index, end)] = ys[("n", node, "m")]
                    else:
                        xs[("o", index, end)] = xs[("n", node, "c")]
            # A straight drop between offset points steps sideways next to the end with fewer
            # points, where no other edge leaves at the x it steps to.
            source, target = link.source, link.target
            down = link.to_handle == "top"
            if self.port_count.get((source, link.from_handle), 1) <= self.port_count.get((target, link.to_handle), 1):
                ys[("j", index, "")] = ys[("n", source, "b")] + JOG if down else ys[("n", source, "t")] - JOG
            else:
                ys[("j", index, "")] = ys[("n", target, "t")] - JOG if down else ys[("n", target, "b")] + JOG
        slot_y, slot_h, h_count, h_track = self.slot_y, self.slot_h, self.h_count, self.h_track
        for index, (slot, _, _) in enumerate(self.h_segments):
            ys[("h", index, "")] = slot_y[slot] + slot_h[slot] * (h_track[index] + 1) / (h_count[slot] + 1)
        self.xs, self.ys = xs, ys

    def _y(self, ref: Ref) -> float:
        """A y coordinate before every x is known (vertical segments are sized from these)."""
        kind, index, part = ref
        if kind == "o":  # a port on a left or right side
            link = self.links[index]
            node = link.source if part == "s" else link.target
            return self._y(("n", node, "m")) + self.offset.get((index, part), 0.0)
        if kind == "h":
            slot = self.h_segments[index][0]
            tracks = self.h_count[slot]
            return self.slot_y[slot] + self.slot_h[slot] * (self.h_track[index] + 1) / (tracks + 1)
        item = self.items[index]
        center = self.row_center(item.lane, item.row)
        height = item.box.height
        if part == "t":
            return center - height / 2
        if part == "b":
            return center + height / 2
        return center

    def points(self, index: int) -> list[tuple[float, float]]:
        xs, ys = self.xs, self.ys
        return _simplify([(xs[x], ys[y]) for x, y in self.routes[index]])


def _port(node: int, side: str, edge: int, end: str) -> tuple[Ref, Ref]:
    """Where an edge meets a node: on the handle's side, at this edge's point along it."""
    along: Ref = ("o", edge, end)
    if side == "right":
        return ("n", node, "r"), along
    if side == "left":
        return ("n", node, "l"), along
    if side == "bottom":
        return along, ("n", node, "b")
    return along, ("n", node, "t")


def _assign_tracks(segments: list[tuple[int, float, float]], out: list[int], lean: list[int]) -> dict[int, int]:
    """Interval colouring per channel: overlapping (or touching) segments get different tracks;
    then the tracks of a channel are ordered by the lean of their segments (see `Grid._leans`)."""
    out[:] = [0] * len(segments)
    by_channel: dict[int, list[int]] = {}
    for index, (channel, _, _) in enumerate(segments):
        by_channel.setdefault(channel, []).append(index)
    counts: dict[int, int] = {}
    for channel, members in by_channel.items():
        members.sort(key=lambda i: (segments[i][1], segments[i][2]))
        active: list[tuple[float, int]] = []  # (end, track)
        free: list[int] = []
        used = 0
        for i in members:
            _, lo, hi = segments[i]
            while active and active[0][0] < lo - 1e-6:
                heapq.heappush(free, heapq.heappop(active)[1])
            if free:
                track = heapq.heappop(free)
            else:
                track = used
                used += 1
            out[i] = track
            heapq.heappush(active, (hi, track))
        counts[channel] = used
        if used > 1:
            weight = [0] * used
            for i in members:
                weight[out[i]] += lean[i]
            order = sorted(range(used), key=lambda k: (weight[k], k))
            position = {track: rank for rank, track in enumerate(order)}
            for i in members:
                out[i] = position[out[i]]
    return counts


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop repeated points and the middle of three collinear ones."""
    result: list[tuple[float, float]] = []
    for point in points:
        if result and abs(result[-1][0] - point[0]) < 1e-9 and abs(result[-1][1] - point[1]) < 1e-9:
            continue
        if len(result) >= 2:
            (ax, ay), (bx, by) = result[-2], result[-1]
            collinear = (abs(ax - bx) < 1e-9 and abs(bx - point[0]) < 1e-9) or (
                abs(ay - by) < 1e-9 and abs(by - point[1]) < 1e-9
            )
            # Collinear points merge, unless the route turns back on itself there.
            if collinear and (bx - ax) * (point[0] - bx) >= 0 and (by - ay) * (point[1] - by) >= 0:
                result[-1] = point
                continue
        result.append(point)
    if len(result) == 1:
        result.append(result[0])
    return result


def route_all(grid: Grid) -> None:
    grid.routes = [grid.route(index) for index in range(len(grid.links))]
