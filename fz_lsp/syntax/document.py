"""The text of one `.fz` file as lines, and their statements, kept up to date per edit.

An edit replaces a range of lines; only the lines it produces are parsed again
(and those whose text was seen before come from the parser's memo). Nothing in
here is proportional to the document's size except list splicing, which is a
memory move.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass

from fz_lsp.syntax.parser import parse_line, parse_lines
from fz_lsp.syntax.statements import Statement

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Build many small acyclic objects without the cycle collector rescanning them all.

    Parsing a large file allocates hundreds of thousands of objects, none in cycles; the
    collector's passes over a heap that size cost more than the parse itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def split_lines(text: str) -> tuple[list[str], list[str]]:
    """Lines without their endings, and the endings (`""` after the last line)."""
    lines: list[str] = []
    endings: list[str] = []
    start = 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[start : match.start()])
        endings.append(match.group())
        start = match.end()
    lines.append(text[start:])
    endings.append("")
    return lines, endings


@dataclass(frozen=True, slots=True)
class Edit:
    """What one `SourceText.replace` did, in whole lines: all an analysis needs to follow it.

    Lines `first` .. `first + len(removed_lines) - 1` (with their statements) were
    replaced by `added_count` new lines, which start at `first` in the source now.
    """

    first: int
    removed_lines: tuple[str, ...]
    removed_statements: tuple[Statement, ...]
    added_count: int

    @property
    def removed_count(self) -> int:
        return len(self.removed_lines)

    @property
    def delta(self) -> int:
        """How many lines the file gained (negative: lost)."""
        return self.added_count - len(self.removed_lines)


class SourceText:
    """Lines, line endings and one statement per line.

    Columns are code points. A leading byte-order mark stays in the text (so that
    positions match the client's) and is skipped by the grammar.
    """

    def __init__(self, text: str) -> None:
        self.lines, self.endings = split_lines(text)
        with paused_gc():
            self.statements: list[Statement] = parse_lines(self.lines)

    @property
    def text(self) -> str:
        return "".join(line + ending for line, ending in zip(self.lines, self.endings, strict=True))

    def clamp(self, line: int, column: int) -> tuple[int, int]:
        """The nearest real position: past the end of a line or file moves back to it."""
        if line < 0:
            return 0, 0
        if line >= len(self.lines):
            return len(self.lines) - 1, len(self.lines[-1])
        return line, max(0, min(column, len(self.lines[line])))

    def replace(self, start: tuple[int, int], end: tuple[int, int], new_text: str) -> Edit:
        """Replace the text between two (line, column) positions; the `Edit` says which lines changed."""
        (first, first_column), (last, last_column) = self.clamp(*start), self.clamp(*end)
        if (last, last_column) < (first, first_column):
            (first, first_column), (last, last_column) = (last, last_column), (first, first_column)
        block = self.lines[first][:first_column] + new_text + self.lines[last][last_column:] + self.endings[last]
        # A "\n" arriving right after a line that ends in "\r" joins it into one break.
        if first > 0 and self.endings[first - 1] == "\r" and block.startswith("\n"):
            first -= 1
            block = self.lines[first] + self.endings[first] + block
        lines, endings = split_lines(block)
        if self.endings[last]:
            # The block ended with a line break: the empty piece after it is the next line's start.
            lines.pop()
            endings.pop()
        edit = Edit(first, tuple(self.lines[first : last + 1]), tuple(self.statements[first : last + 1]), len(lines))
        self.lines[first : last + 1] = lines
        self.endings[first : last + 1] = endings
        self.statements[first : last + 1] = [parse_line(line) for line in lines]
        return edit
