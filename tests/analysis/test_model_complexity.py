"""Cyclomatic complexity (radon's measure) of `Model.update`, which decides what an edit costs:
grade B, at most 10, as the completion context detection (tests/features/test_completion_complexity.py).

A function over the bound is one whose cases have grown into each other: split it by case
(a function per rule) rather than raising the bound.
"""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_rank, cc_visit
from radon.visitors import Function

MODEL = Path(__file__).resolve().parents[2] / "fz_lsp" / "analysis" / "model.py"
BOUND = 10  # grade B


def test_model_update_is_grade_b_or_better() -> None:
    [complexity] = [
        block.complexity
        for block in cc_visit(MODEL.read_text(encoding="utf-8"))
        if isinstance(block, Function) and (block.classname, block.name) == ("Model", "update")
    ]
    assert complexity <= BOUND, (complexity, cc_rank(complexity))


def test_what_an_edit_runs_is_grade_b_or_better() -> None:
    """The steps `update` hands an edit to: whether the frame moved, following it, the rows' splice."""
    steps = {
        "_moves_frame",
        "_reframe",
        "_pair_near",
        "_take_lanes",
        "_relay",
        "_lane_renamed",
        "_redeclared",
        "_shift_lanes",
        "splice",
    }
    graded = {
        block.name: block.complexity
        for path in (MODEL, MODEL.with_name("lines.py"), MODEL.with_name("checks.py"))
        for block in cc_visit(path.read_text(encoding="utf-8"))
        if isinstance(block, Function) and block.name in steps
    }
    assert set(graded) == steps
    assert {name: c for name, c in graded.items() if c > BOUND} == {}
