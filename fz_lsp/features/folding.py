"""Folding ranges: each lane (its `}` stays visible) and each run of two or more comment lines."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from fz_lsp.analysis.model import Model
from fz_lsp.features.facts import lane_spans
from fz_lsp.syntax.statements import Comment, Statement


def folding_ranges(model: Model, statements: Sequence[Statement]) -> list[types.FoldingRange]:
    found: list[types.FoldingRange] = []
    for lane, first, last, closed in lane_spans(model):
        end = last - 1 if closed else last
        if end > first:
            found.append(types.FoldingRange(start_line=first, end_line=end, collapsed_text=f"{lane.id} {{ … }}"))
    run_start: int | None = None
    for index in range(len(statements) + 1):
        if index < len(statements) and type(statements[index]) is Comment:
            if run_start is None:
                run_start = index
            continue
        if run_start is not None and index - 1 > run_start:
            found.append(
                types.FoldingRange(start_line=run_start, end_line=index - 1, kind=types.FoldingRangeKind.Comment)
            )
        run_start = None
    found.sort(key=lambda r: (r.start_line, r.end_line))
    return found
