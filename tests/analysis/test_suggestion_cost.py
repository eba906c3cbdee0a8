"""Suggestions for undeclared IDs are not searched again on a label keystroke (they cost nothing per key)."""

from __future__ import annotations

from unittest import mock

from fz_lsp.analysis import checks as checks_module
from fz_lsp.features.state import DocumentState


def _draft(dangling: int) -> str:
    lines = ["Orders { # 订单"]
    lines += [f'n{i}: rectangle label:"步骤 {i}"' for i in range(1, 51)]
    lines += [f"n{i}.handle(right) -> n{i + 1}.handle(left)" for i in range(1, 50)]
    lines += [f"n1.handle(bottom) -> n{1000 + i}.handle(top)" for i in range(dangling)]
    return "\n".join([*lines, "}", ""])


def test_a_label_keystroke_searches_no_suggestion_again() -> None:
    state = DocumentState("file:///t.fz", _draft(200))
    assert sum(d.code == "FZ101" for d in state.model.diagnostics) == 200
    line = 10
    column = state.lines[line].index('"') + 1
    with mock.patch.object(checks_module, "guesses", wraps=checks_module.guesses) as searched:
        state.replace((line, column), (line, column), "新")
        state.replace((line, column), (line, column + 1), "")
        assert state.model.diagnostics
    assert searched.call_count == 0
    with mock.patch.object(checks_module, "guesses", wraps=checks_module.guesses) as searched:
        state.replace((line, 0), (line, 3), "n99")  # a declaration's ID changes: suggestions may change
        assert state.model.diagnostics
    assert searched.call_count > 0
