"""Rows follow inserted and deleted lines; pinned diagnostics read their lines from them."""

from __future__ import annotations

import random

import pytest

from fz_lsp.analysis.diagnostics import FZ101, FZ201, Diagnostic, Fix, Related, Replacement
from fz_lsp.analysis.lines import LineIndex, Pinned


def test_random_splices_keep_every_row_and_its_number() -> None:
    """Against a plain list of rows: lines replaced in place keep their row, the rest follow."""
    rng = random.Random(3)
    for _ in range(200):
        index = LineIndex(rng.randrange(1, 2000))
        rows = [index[line] for line in range(len(index))]
        for _ in range(50):
            first = rng.randrange(0, len(rows))
            removed = rng.randrange(1, min(len(rows) - first, 700) + 1)
            added = rng.choice([1, 1, 2, 5, 600, removed])
            before = rows[first : first + removed]
            kept = min(removed, added)
            new = index.splice(first, removed, added)
            assert len(new) == added and new[:kept] == before[:kept]
            assert all(not row.alive for row in before[kept:])
            rows[first : first + removed] = new
            assert len(index) == len(rows)
            for line in [*rng.sample(range(len(rows)), min(30, len(rows))), 0, len(rows) - 1]:
                assert index[line] is rows[line] and rows[line].line == line
            start = rng.randrange(0, len(rows) + 1)
            stop = rng.randrange(start, len(rows) + 1)
            assert index.rows(start, stop) == rows[start:stop]


def test_a_pinned_diagnostic_follows_its_lines_and_stays_the_same_object_while_they_stay() -> None:
    index = LineIndex(10)
    diagnostic = Diagnostic(
        FZ201,
        6,
        0,
        2,
        "node `n2` is already declared",
        (Related(2, 0, 2, "first declaration of `n2`"),),
        Fix("Rename", (Replacement(0, 0, 2, "n9"), Replacement(2, 4, 6, "n9"))),
    )
    pinned = Pinned.at(index, diagnostic)
    assert pinned.current() is diagnostic
    index.splice(4, 1, 3)  # two lines more between the related place (2) and the diagnostic (6)
    moved = pinned.current()
    assert (moved.line, moved.related[0].line) == (8, 2)
    assert moved.fix is not None and [r.line_delta for r in moved.fix.replacements] == [0, 2]
    assert pinned.current() is moved
    index.splice(0, 3, 1)  # the related place's line is gone
    with pytest.raises(LookupError):
        pinned.current()


def test_a_diagnostic_on_its_own_line_only_changes_its_line_number() -> None:
    index = LineIndex(5)
    diagnostic = Diagnostic(FZ101, 3, 5, 7, "`n7` is not declared")
    pinned = Pinned(diagnostic, (index[3],))
    index.splice(0, 1, 2)
    assert pinned.current() == Diagnostic(FZ101, 4, 5, 7, "`n7` is not declared")
