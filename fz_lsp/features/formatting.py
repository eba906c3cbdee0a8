"""Formatting: one canonical layout, changing whitespace only.

The layout is decided per line from the statement the parser read there, and the
text of every token is copied from the line itself, so labels, comments and the
order of statements can never change. A line whose canonical form would differ
from the original by anything but whitespace is left exactly as it is.

The style: lane header `Id { # Label`; statements inside a lane indented by
`indent` spaces; one space around `->` and before `[`; no trailing whitespace;
blank lines inside a lane kept, runs collapsed to one; exactly one blank line
between lanes (after every `}` that closes a lane); no blank lines at the start
or end of the file; the file's first line ending used throughout; a final
newline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types

from fz_lsp.features.options import DEFAULT_INDENT
from fz_lsp.features.positions import Positions
from fz_lsp.syntax.document import split_lines
from fz_lsp.syntax.parser import parse_lines
from fz_lsp.syntax.statements import (
    Attribute,
    Blank,
    Comment,
    Edge,
    Endpoint,
    LaneClose,
    LaneHeader,
    Loop,
    NodeDecl,
    Ref,
    Statement,
)

BOM = "\ufeff"


class FormatRefused(Exception):
    """Lines with syntax errors where formatting would apply: nothing is changed."""

    def __init__(self, lines: Sequence[int]) -> None:
        self.lines = tuple(lines)
        shown = ", ".join(str(line + 1) for line in self.lines[:5]) + (", ..." if len(self.lines) > 5 else "")
        plural = "s" if len(self.lines) > 1 else ""
        them = "them" if plural else "it"
        super().__init__(f"not formatted: syntax error{plural} on line{plural} {shown}; fix {them} first")


def line_ending(endings: Sequence[str]) -> str:
    """The file's line ending: the first one it uses (LF for a file of one line)."""
    return next((ending for ending in endings if ending), "\n")


def _ref(ref: Ref) -> str:
    return ref.node.text if ref.lane is None else f"{ref.lane.text}.{ref.node.text}"


def _endpoint(endpoint: Endpoint) -> str:
    handle = endpoint.handle
    if handle is None:
        return _ref(endpoint.ref)
    return f"{_ref(endpoint.ref)}.{handle.keyword.text}({handle.direction.text})"


def _attribute(attribute: Attribute) -> str:
    return attribute.key.text + attribute.separator.text + attribute.value.raw


def _statement_text(statement: Statement) -> str | None:
    """The canonical text of one statement from its tokens, without indentation; None for a blank line."""
    kind = type(statement)
    if kind is Blank:
        return None
    if kind is LaneHeader:
        header: LaneHeader = statement  # type: ignore[assignment]
        text = f"{header.lane.text} {{"
        if header.label is not None:
            label = header.label.text[1:].strip()
            text += f" # {label}" if label else " #"
        return text
    if kind is LaneClose:
        return "}"
    if kind is Comment:
        comment: Comment = statement  # type: ignore[assignment]
        return comment.text.rstrip()
    if kind is NodeDecl:
        decl: NodeDecl = statement  # type: ignore[assignment]
        parts = [f"{decl.node.text}: {decl.shape.text}"]
        parts.extend(_attribute(a) for a in decl.attributes)
        return " ".join(parts)
    if kind is Edge:
        edge: Edge = statement  # type: ignore[assignment]
        text = f"{_endpoint(edge.source)} -> {_endpoint(edge.target)}"
        if edge.label is not None:
            text += f" [{_attribute(edge.label)}]"
        return text
    if kind is Loop:
        loop: Loop = statement  # type: ignore[assignment]
        parts = [loop.keyword.text, loop.text.text]
        parts.extend(_ref(m) for m in loop.members)
        return " ".join(parts)
    return None  # not reached for a line without a problem


_NO_WHITESPACE = str.maketrans(dict.fromkeys(" \t\f\v\r\n", None))


@dataclass(frozen=True)
class Layout:
    """What formatting makes of each line: `replacements[i]` are the lines that replace line `i`.

    A removed blank line has none; a line that gets a blank line before it has two.
    `broken` are the lines with a syntax error (left as they are).
    """

    replacements: list[list[str]]
    broken: list[int]
    eol: str


def layout(lines: Sequence[str], endings: Sequence[str], statements: Sequence[Statement], indent: int) -> Layout:
    """The canonical form of every line (see the module's docstring for the style)."""
    pad = " " * max(0, indent)
    count = len(lines)
    if count > 1 and lines[-1] == "" and endings[-1] == "":
        count -= 1  # the empty piece after the final line break is no line of its own
    replacements: list[list[str]] = [[line] for line in lines[:count]] + [[] for _ in lines[count:]]
    broken: list[int] = []
    depth = 0
    previous = "start"  # the last non-blank line: start, top (outside lanes), lane (inside), close (a lane ended)
    pending: list[int] = []  # blank lines since it
    for index in range(count):
        statement = statements[index]
        line = lines[index]
        bom = BOM if index == 0 and line.startswith(BOM) else ""
        body = line[len(bom) :]
        if statement.problem is not None:
            broken.append(index)
        if type(statement) is Blank and statement.problem is None:
            pending.append(index)
            continue
        kind = type(statement)
        if previous == "start":
            wanted = 0
        elif previous == "close" or (kind is LaneHeader and previous == "lane"):
            wanted = 1  # exactly one blank line between lanes
        else:
            wanted = min(len(pending), 1)
        level = 1 if depth > 0 and kind is not LaneHeader and kind is not LaneClose else 0
        if kind is LaneHeader:
            depth += 1
        elif kind is LaneClose:
            depth = max(0, depth - 1)
        now = "lane" if depth > 0 else ("close" if kind is LaneClose else "top")
        for number, blank in enumerate(pending):
            replacements[blank] = [""] if number < wanted else []
        extra = [""] * max(0, wanted - len(pending))
        pending = []
        previous = now
        if statement.problem is not None:
            replacements[index] = [*extra, line]
            continue
        text = _statement_text(statement)
        # Never more than whitespace: the same characters otherwise, in the same order (strings are
        # copied whole from their tokens); anything else keeps the line as written.
        if text is None or (text != body.strip() and text.translate(_NO_WHITESPACE) != body.translate(_NO_WHITESPACE)):
            replacements[index] = [*extra, line]
            continue
        replacements[index] = [*extra, bom + pad * level + text]
    for blank in pending:  # no blank lines at the end of the file
        replacements[blank] = []
    return Layout(replacements, broken, line_ending(endings))


@dataclass(frozen=True)
class LineEdit:
    """Lines `first`..`last` (inclusive, with their endings) become `text`."""

    first: int
    last: int
    text: str


def format_edits(
    lines: Sequence[str],
    endings: Sequence[str],
    statements: Sequence[Statement],
    indent: int = DEFAULT_INDENT,
    first: int = 0,
    last: int | None = None,
) -> list[LineEdit]:
    """Edits that format lines `first`..`last` (default: the whole file); raises `FormatRefused`.

    Consecutive changed lines are merged into one edit.
    """
    result = layout(lines, endings, statements, indent)
    end = len(lines) - 1 if last is None else min(last, len(lines) - 1)
    broken = [line for line in result.broken if first <= line <= end]
    if broken:
        raise FormatRefused(broken)
    edits: list[LineEdit] = []
    eol = result.eol
    for index in range(max(0, first), end + 1):
        new = "".join(text + eol for text in result.replacements[index])
        if new == lines[index] + endings[index]:
            continue
        if edits and edits[-1].last == index - 1:
            previous = edits[-1]
            edits[-1] = LineEdit(previous.first, index, previous.text + new)
        else:
            edits.append(LineEdit(index, index, new))
    return edits


def format_text(text: str, indent: int = DEFAULT_INDENT) -> str:
    """The whole file formatted; raises `FormatRefused` on syntax errors."""
    lines, endings = split_lines(text)
    statements = parse_lines(lines)
    result = layout(lines, endings, statements, indent)
    if result.broken:
        raise FormatRefused(result.broken)
    count = len(lines) - (1 if len(lines) > 1 and lines[-1] == "" and endings[-1] == "" else 0)
    out = [text_line for index in range(count) for text_line in result.replacements[index]]
    return "".join(line + result.eol for line in out)


def text_edits(
    lines: Sequence[str],
    endings: Sequence[str],
    statements: Sequence[Statement],
    positions: Positions,
    indent: int = DEFAULT_INDENT,
    first: int = 0,
    last: int | None = None,
) -> list[types.TextEdit]:
    """`format_edits` as LSP edits: whole lines, so only an edit at the end of the file needs units."""
    edits = []
    for edit in format_edits(lines, endings, statements, indent, first, last):
        if endings[edit.last]:
            end = types.Position(edit.last + 1, 0)
        else:
            end = positions.position(edit.last, len(lines[edit.last]))
        edits.append(types.TextEdit(types.Range(types.Position(edit.first, 0), end), edit.text))
    return edits
