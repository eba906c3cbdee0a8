"""Edits that once broke the model's bookkeeping: each must equal a model built from scratch."""

from __future__ import annotations

import pytest

from fz_lsp.analysis import analyze_text
from fz_lsp.features.state import DocumentState


def _view(text: str) -> list[tuple[object, ...]]:
    return [(d.code, d.line, d.start, d.end, d.message) for d in analyze_text(text).diagnostics]


@pytest.mark.parametrize(
    ("text", "line", "old", "new"),
    [
        # Two references with the same prefix on one line, the prefix used nowhere else.
        (
            'A { # 订单 😀\nn1: circle label:"a"\nn2: circle label:"b"\nA.n1.handle(right) -> A.n2.handle(left)\n}\n',
            3,
            "right",
            "up",
        ),
        (
            'Billing { # 账单\nn2: circle label:"a"\nn3: circle label:"b"\n'
            "n2.handle(right) -> n3.handle(left)\nloop [retry] Billing.n2 Billing.n3\n}\n",
            4,
            "retry",
            "again",
        ),
    ],
)
def test_editing_a_line_with_two_uses_of_one_prefix(text: str, line: int, old: str, new: str) -> None:
    state = DocumentState("file:///t.fz", text)
    assert state.model.diagnostics is not None  # built, so that the edit updates it
    start = state.lines[line].index(old)
    state.replace((line, start), (line, start + len(old)), new)
    after = text.replace(old, new, 1)
    assert state.source.text == after
    got = [(d.code, d.line, d.start, d.end, d.message) for d in state.model.diagnostics]
    assert got == _view(after)
    # and the line can be edited again (the bookkeeping is intact)
    state.replace((line, start), (line, start + len(new)), old)
    got = [(d.code, d.line, d.start, d.end, d.message) for d in state.model.diagnostics]
    assert got == _view(text)
