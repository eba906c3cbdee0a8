"""Stable handles for the lines of a file, whose numbers follow inserted and deleted lines.

Everything the model registers hangs on a `Row` instead of a line number, so that
inserting or deleting a line does not have to renumber every node, edge and
diagnostic below it. Rows live in chunks of a few hundred; a row's number is its
chunk's first line plus its place in the chunk. A splice renumbers the rows of the
chunks it touches and moves the start of every later chunk: O(chunk + chunks), about
the square root of the file's length, instead of O(lines).
"""

from __future__ import annotations

import bisect

from fz_lsp.analysis.diagnostics import Diagnostic, Fix, Related, Replacement

_CHUNK = 256  # rows per chunk when (re)cut; a chunk grows up to twice that before it is cut again


class Row:
    """One line of the file for as long as it exists; `line` is its number now."""

    __slots__ = ("broken", "chunk", "offset")

    def __init__(self) -> None:
        self.chunk: _Chunk | None = None  # None once the line is gone
        self.offset = 0
        self.broken = False  # the line does not parse: only its syntax error is shown

    @property
    def line(self) -> int:
        chunk = self.chunk
        if chunk is None:
            raise LookupError("this line was removed")
        return chunk.start + self.offset

    @property
    def alive(self) -> bool:
        return self.chunk is not None


class _Chunk:
    __slots__ = ("rows", "start")

    def __init__(self, rows: list[Row], start: int) -> None:
        self.rows = rows
        self.start = start
        for offset, row in enumerate(rows):
            row.chunk = self
            row.offset = offset


class LineIndex:
    """The rows of a file in order: row by line in O(log chunks), line by row in O(1)."""

    def __init__(self, count: int) -> None:
        self._chunks = _chunks([Row() for _ in range(count)], 0)
        self._starts = [chunk.start for chunk in self._chunks]
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, line: int) -> Row:
        if not 0 <= line < self._count:
            raise IndexError(line)
        chunk = self._chunks[bisect.bisect_right(self._starts, line) - 1]
        return chunk.rows[line - chunk.start]

    def rows(self, start: int, stop: int) -> list[Row]:
        """The rows of lines `start` .. `stop - 1`."""
        found: list[Row] = []
        line, stop = max(start, 0), min(stop, self._count)
        while line < stop:
            chunk = self._chunks[bisect.bisect_right(self._starts, line) - 1]
            offset = line - chunk.start
            taken = chunk.rows[offset : offset + stop - line]
            found.extend(taken)
            line += len(taken)
        return found

    def splice(self, first: int, removed: int, added: int) -> list[Row]:
        """Lines `first` .. `first + removed - 1` were replaced by `added` lines: the rows of those.

        A line replaced in place keeps its row (what hangs on it is re-registered by the
        caller); rows beyond the shorter side are dropped (marked gone) or made. Every other
        row keeps its identity, and the numbers of those below follow.
        """
        kept = min(removed, added)
        new = [Row() for _ in range(added - kept)]
        if not self._chunks:
            self._chunks = _chunks(new, 0)
            self._starts = [chunk.start for chunk in self._chunks]
            self._count = added
            return new
        if removed == added:
            return self.rows(first, first + added)
        return self._respliced(first, removed, kept, new)

    def _respliced(self, first: int, removed: int, kept: int, new: list[Row]) -> list[Row]:
        """Cut the chunks the edit touches anew: `kept` rows stay, the other removed ones go, `new` come."""
        at = self._chunk_of(min(first, self._count - 1))
        last = self._chunk_of(first + removed - 1) if removed else at
        start = self._chunks[at].start
        rows = [row for chunk in self._chunks[at : last + 1] for row in chunk.rows]
        cut = first - start
        for row in rows[cut + kept : cut + removed]:
            row.chunk = None
        rows[cut + kept : cut + removed] = new
        made = _chunks(rows, start)
        self._chunks[at : last + 1] = made
        delta = kept + len(new) - removed
        for chunk in self._chunks[at + len(made) :]:
            chunk.start += delta
        self._starts[at:] = [chunk.start for chunk in self._chunks[at:]]
        self._count += delta
        return rows[cut : cut + kept + len(new)]

    def _chunk_of(self, line: int) -> int:
        return bisect.bisect_right(self._starts, line) - 1


def _chunks(rows: list[Row], start: int) -> list[_Chunk]:
    """`rows`, the first at line `start`, cut into chunks of about `_CHUNK` rows."""
    if not rows:
        return []
    pieces = max(1, round(len(rows) / _CHUNK)) if len(rows) > 2 * _CHUNK else 1
    size = -(-len(rows) // pieces)
    return [_Chunk(rows[begin : begin + size], start + begin) for begin in range(0, len(rows), size)]


class Pinned:
    """A diagnostic held by the rows of the lines it names (its own, related places, fix lines).

    Its numbers are brought up to date when it is read; an unmoved diagnostic is returned
    as the same object, so that whoever converts it further can keep that work too.
    """

    __slots__ = ("diagnostic", "rows")

    def __init__(self, diagnostic: Diagnostic, rows: tuple[Row, ...]) -> None:
        self.diagnostic = diagnostic
        self.rows = rows  # its own line, then one per related place, then one per replacement

    @classmethod
    def at(cls, index: LineIndex, diagnostic: Diagnostic) -> Pinned:
        line = diagnostic.line
        rows = [index[line]]
        rows.extend(index[related.line] for related in diagnostic.related)
        if diagnostic.fix is not None:
            rows.extend(index[line + r.line_delta] for r in diagnostic.fix.replacements)
        return cls(diagnostic, tuple(rows))

    @property
    def row(self) -> Row:
        return self.rows[0]

    def current(self) -> Diagnostic:
        """The diagnostic with the line numbers of now (raises `LookupError` if a line is gone)."""
        found = self.diagnostic
        rows = self.rows
        line = rows[0].line
        if len(rows) == 1:
            if line != found.line:  # the constructor, not `dataclasses.replace`: this runs per publish
                found = self.diagnostic = Diagnostic(
                    found.code, line, found.start, found.end, found.message, found.related, found.fix
                )
            return found
        lines = [row.line for row in rows]
        count = len(found.related)
        related = tuple(
            r if r.line == at else Related(at, r.start, r.end, r.message)
            for r, at in zip(found.related, lines[1 : 1 + count], strict=True)
        )
        fix = found.fix
        if fix is not None:
            replacements = tuple(
                r if r.line_delta == at - line else Replacement(at - line, r.start, r.end, r.new_text)
                for r, at in zip(fix.replacements, lines[1 + count :], strict=True)
            )
            if replacements != fix.replacements:
                fix = Fix(fix.title, replacements)
        if line != found.line or related != found.related or fix is not found.fix:
            found = self.diagnostic = Diagnostic(found.code, line, found.start, found.end, found.message, related, fix)
        return found
