"""Cyclomatic complexity (radon's measure) of the completion context detection, which decides
what a keystroke costs to read. Grade B is at most 10 (the model's update is held to the same
bound in tests/analysis/test_model_complexity.py).

A function over the bound is one whose cases have grown into each other: split it by case
(a table of contexts, a function per rule) rather than raising the bound.
"""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_rank, cc_visit
from radon.visitors import Function

PACKAGE = Path(__file__).resolve().parents[2] / "fz_lsp"
BOUND = 10  # grade B


def _functions(module: str) -> dict[str, int]:
    """Complexity of every function, method and nested function of `module`, by qualified name."""
    found: dict[str, int] = {}

    def visit(block: Function, prefix: str) -> None:
        name = f"{prefix}{block.name}"
        found[name] = block.complexity
        for closure in block.closures:
            visit(closure, f"{name}.")

    for block in cc_visit((PACKAGE / module).read_text(encoding="utf-8")):
        if isinstance(block, Function):
            visit(block, f"{block.classname}." if block.classname else "")
    return found


def test_the_measure_sees_every_function_and_closure() -> None:
    found = _functions("features/completion.py")
    assert {"complete", "_complete", "_Builder.add", "_best.rank"} <= set(found)


def test_every_function_of_completion_is_grade_b_or_better() -> None:
    over = {
        name: (value, cc_rank(value)) for name, value in _functions("features/completion.py").items() if value > BOUND
    }
    assert over == {}
