"""Position conversion between code points (ours) and the client's encoding.

The one place where columns change units: every range leaving the server and
every position entering it passes through a `Positions` for its document.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _units(text: str, encoding: str) -> int:
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
    return len(text.encode("utf-8", errors="surrogatepass"))


def _column_of(line: str, units: int, encoding: str) -> int:
    """The code-point column at `units` client units into `line` (clamped to the line)."""
    if units <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(units, len(line))
    counted = 0
    for index, char in enumerate(line):
        code = ord(char)
        if encoding == UTF16:
            width = 2 if code > 0xFFFF else 1
        else:
            width = 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
        if counted + width > units:
            return index
        counted += width
    return len(line)


class Positions:
    """Converts positions of one document; `lines` is that document's text, line by line."""

    def __init__(self, lines: Sequence[str], encoding: str = UTF16) -> None:
        self.lines = lines
        self.encoding = encoding

    def position(self, line: int, column: int) -> types.Position:
        if 0 <= line < len(self.lines):
            text = self.lines[line]
            return types.Position(line, _units(text[:column], self.encoding))
        return types.Position(max(line, 0), column)

    def range(self, line: int, start: int, end: int, end_line: int | None = None) -> types.Range:
        return types.Range(self.position(line, start), self.position(line if end_line is None else end_line, end))

    def to_columns(self, position: types.Position) -> tuple[int, int]:
        """(line, code-point column) for a client position, clamped into the document."""
        line = position.line
        if line < 0:
            return 0, 0
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return last, len(self.lines[last])
        return line, _column_of(self.lines[line], position.character, self.encoding)
