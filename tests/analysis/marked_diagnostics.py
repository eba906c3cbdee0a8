"""Diagrams with their expected diagnostics written inline, under the line they belong to.

A mark is a line whose first character after any indentation is `^` (no FlowZap statement
starts with one):

    n2.handle(bottom) -> Biling.n4.handle(top)
                         ^^^^^^ FZ102 no lane is called `Biling`; did you mean `Billing`?

The carets stand under the diagnostic's range on the nearest line above that is not a
mark, as a monospace editor shows them: a wide character (Chinese, most emoji: East Asian
width W or F) takes two carets or two spaces, any other character one; a tab is one column,
so a mark repeats the tabs of its line. Carets that split a wide character are an error.
After the carets come the code and the whole message; a message that ends in `…` is a
prefix of the real one. Several marks in a row all belong to the same line. Marks are
removed before the diagram is analysed, so they change no line number and are never read
as FlowZap.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from fz_lsp.analysis.diagnostics import Diagnostic

_MARK = re.compile(r"(?P<indent>[ \t]*)(?P<carets>\^+) (?P<code>FZ\d{3}) (?P<message>\S.*)")
PREFIX = "…"


def width(character: str) -> int:
    """Columns `character` takes in a monospace editor (tab: one, as the mark repeats it)."""
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def starts(line: str) -> list[int]:
    """The display column where each code point of `line` starts, and the line's width last."""
    found = [0]
    for character in line:
        found.append(found[-1] + width(character))
    return found


@dataclass(frozen=True)
class Mark:
    """One expected diagnostic (range in code points, as the model counts), and the line of
    the marked file that states it (1-based)."""

    code: str
    line: int
    start: int
    end: int
    message: str
    written_at: int

    def says(self, message: str) -> bool:
        """Whether `message` is the marked one (or starts with it, for a prefix)."""
        if self.message.endswith(PREFIX):
            return message.startswith(self.message[: -len(PREFIX)])
        return message == self.message

    def matches(self, d: Diagnostic) -> bool:
        return (d.code, d.line, d.start, d.end) == (self.code, self.line, self.start, self.end) and self.says(d.message)


class BadMark(ValueError):
    """A mark that cannot be read: it would silently test nothing."""


def is_mark(line: str) -> bool:
    return line.lstrip(" \t").startswith("^")


def split_marks(marked: str) -> tuple[str, list[Mark]]:
    """The diagram without its marks, and the marks placed on its lines."""
    kept: list[str] = []
    marks: list[Mark] = []
    for number, line in enumerate(marked.splitlines(keepends=True), start=1):
        if not is_mark(line):
            kept.append(line)
            continue
        found = _MARK.fullmatch(line.rstrip("\r\n"))
        if found is None:
            raise BadMark(f"line {number}: not `<carets> FZnnn <message>`: {line!r}")
        if not kept:
            raise BadMark(f"line {number}: a mark before the first line of the diagram")
        columns = starts(kept[-1].rstrip("\r\n"))
        first = len(found["indent"])
        last = first + len(found["carets"])
        if last > columns[-1]:
            raise BadMark(f"line {number}: the carets run past the end of the line above ({columns[-1]} columns)")
        if first not in columns or last not in columns:
            raise BadMark(f"line {number}: the carets split a wide character of the line above")
        start, end = columns.index(first), columns.index(last)
        marks.append(Mark(found["code"], len(kept) - 1, start, end, found["message"].rstrip(), number))
    return "".join(kept), marks


def as_mark(d: Diagnostic, line: str) -> str:
    """`d` written as a mark under `line` (what a failing test shows for a diagnostic nobody marked)."""
    indent = "".join("\t" if c == "\t" else " " * width(c) for c in line[: d.start])
    return indent + "^" * sum(width(c) for c in line[d.start : d.end]) + f" {d.code} {d.message}"


def compare(marks: list[Mark], found: list[Diagnostic], lines: list[str]) -> list[str]:
    """What differs between the marks and the diagnostics found, one sentence each; [] when they agree."""
    unmatched = list(found)
    problems: list[str] = []
    for mark in marks:
        hit = next((d for d in unmatched if mark.matches(d)), None)
        if hit is None:
            problems.append(
                f"marked on line {mark.written_at}, not reported: {mark.code} at line {mark.line + 1}"
                f" code points {mark.start}-{mark.end}: {mark.message}"
            )
        else:
            unmatched.remove(hit)
    for d in unmatched:
        problems.append(
            f"reported, not marked, under line {d.line + 1} {lines[d.line]!r}:\n{as_mark(d, lines[d.line])}"
        )
    return problems
