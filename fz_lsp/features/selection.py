"""Selection ranges: token → attribute or endpoint → statement → lane → file, growing outwards."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from fz_lsp.analysis.model import Model
from fz_lsp.features.facts import lane_spans
from fz_lsp.features.positions import Positions
from fz_lsp.syntax.statements import Edge, Endpoint, LaneHeader, Loop, Name, NodeDecl, Ref, Statement

Span = tuple[int, int]  # code-point columns on the position's line


def _inside(start: int, end: int, column: int) -> bool:
    return start <= column <= end


def _ref_spans(ref: Ref, column: int) -> list[Span]:
    """Innermost first: the prefix or node ID, then `Lane.nK` as a whole."""
    spans: list[Span] = []
    if ref.lane is not None and _inside(ref.lane.start, ref.lane.end, column):
        spans.append((ref.lane.start, ref.lane.end))
    elif _inside(ref.node.start, ref.node.end, column):
        spans.append((ref.node.start, ref.node.end))
    if ref.lane is not None and _inside(ref.start, ref.end, column):
        spans.append((ref.start, ref.end))
    return spans


def _endpoint_spans(endpoint: Endpoint, column: int) -> list[Span]:
    spans = _ref_spans(endpoint.ref, column)
    handle = endpoint.handle
    if handle is not None:
        for name in (handle.keyword, handle.direction):
            if _inside(name.start, name.end, column):
                spans.append((name.start, name.end))
        if _inside(handle.start, handle.end, column):
            spans.append((handle.start, handle.end))
    if _inside(endpoint.start, endpoint.end, column):
        spans.append((endpoint.start, endpoint.end))
    return spans


def _statement_spans(statement: Statement, column: int) -> list[Span]:
    """The spans inside one statement that hold `column`, innermost first (the statement excluded)."""
    spans: list[Span] = []
    if isinstance(statement, NodeDecl):
        for name in (statement.node, statement.shape):
            if _inside(name.start, name.end, column):
                spans.append((name.start, name.end))
        for attribute in statement.attributes:
            value = attribute.value
            if _inside(value.start + 1, value.end - 1, column) and value.end - value.start > 2:
                spans.append((value.start + 1, value.end - 1))  # the text inside the quotes
            for start, end in ((attribute.key.start, attribute.key.end), (value.start, value.end)):
                if _inside(start, end, column):
                    spans.append((start, end))
            if _inside(attribute.key.start, value.end, column):
                spans.append((attribute.key.start, value.end))
    elif isinstance(statement, Edge):
        for endpoint in (statement.source, statement.target):
            if _inside(endpoint.start, endpoint.end, column):
                spans += _endpoint_spans(endpoint, column)
        if _inside(statement.arrow.start, statement.arrow.end, column):
            spans.append((statement.arrow.start, statement.arrow.end))
        label = statement.label
        if label is not None and _inside(statement.label_start, statement.label_end, column):
            value = label.value
            if _inside(value.start + 1, value.end - 1, column) and value.end - value.start > 2:
                spans.append((value.start + 1, value.end - 1))
            for start, end in ((label.key.start, label.key.end), (value.start, value.end)):
                if _inside(start, end, column):
                    spans.append((start, end))
            spans.append((statement.label_start, statement.label_end))
    elif isinstance(statement, Loop):
        for name in (statement.keyword, statement.text):
            if _inside(name.start, name.end, column):
                spans.append((name.start, name.end))
        for member in statement.members:
            spans += _ref_spans(member, column)
    elif isinstance(statement, LaneHeader):
        names: list[Name | None] = [statement.lane, statement.label]
        for part in names:
            if part is not None and _inside(part.start, part.end, column):
                spans.append((part.start, part.end))
    return spans


def _dedupe(ranges: list[types.Range]) -> list[types.Range]:
    """Innermost first, each strictly larger than the one before."""
    kept: list[types.Range] = []
    for rng in ranges:
        if kept and rng == kept[-1]:
            continue
        kept.append(rng)
    return kept


def selection_range(
    model: Model, lines: Sequence[str], statements: Sequence[Statement], positions: Positions, line: int, column: int
) -> types.SelectionRange:
    text = lines[line]
    ranges = [positions.range(line, start, end) for start, end in _statement_spans(statements[line], column)]
    stripped = text.strip()
    if stripped:
        start = len(text) - len(text.lstrip())
        ranges.append(positions.range(line, start, start + len(stripped)))
    for _, first, last, _closed in sorted(lane_spans(model), key=lambda span: span[2] - span[1]):
        if first <= line <= last:
            ranges.append(positions.range(first, 0, len(lines[last]), last))
            break
    last_line = len(lines) - 1
    ranges.append(positions.range(0, 0, len(lines[last_line]), last_line))
    parent: types.SelectionRange | None = None
    for rng in reversed(_dedupe(ranges)):
        parent = types.SelectionRange(range=rng, parent=parent)
    assert parent is not None
    return parent
