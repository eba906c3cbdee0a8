"""Edits to lane headers, comments and a lane's first line are followed in place, not rebuilt.

A rebuild replaces every Lane object; an update in place keeps them. Each case also
checks the result against an analysis from scratch.
"""

from __future__ import annotations

import pytest

from fz_lsp.analysis import analyze_text
from fz_lsp.features.state import DocumentState

TEXT = "\n".join(
    [
        "Orders { # 订单 Orders",  # 0
        'n1: circle label:"开始"',  # 1
        'n2: rectangle label:"下单"',  # 2
        "// 注释 a comment",  # 3
        "n1.handle(right) -> n2.handle(left)",  # 4
        "n2.handle(bottom) -> Billing.n3.handle(top)",  # 5
        "}",  # 6
        "Billing { # 账单",  # 7
        'n3: rectangle label:"付款"',  # 8
        "n3.handle(top) -> Orders.n1.handle(bottom)",  # 9
        "}",  # 10
        "",
    ]
)


@pytest.mark.parametrize(
    ("start", "end", "new"),
    [
        ((0, 14), (0, 14), "x"),  # a keystroke in a header's label
        ((7, 16), (7, 16), " 😀"),  # an emoji in a label: FZ212 on the header line
        ((0, 6), (0, 7), ""),  # the space before `{`: the ID stays where it is
        ((1, 0), (1, 2), "n4"),  # the first node line of a lane
        ((8, 18), (8, 18), "卡"),  # the first node line of another lane
        ((3, 5), (3, 5), "更多"),  # a comment
        ((3, 0), (3, 16), 'n5: circle label:"五"'),  # a comment becomes a node
        ((2, 25), (2, 25), "\n// 新的 note"),  # a comment line inserted
        ((3, 0), (4, 0), ""),  # a comment line deleted
        ((4, 0), (4, 0), 'n6: circle label:"六"\n'),  # a line inserted mid-lane
        ((1, 0), (2, 0), ""),  # the first node line deleted
    ],
)
def test_followed_in_place(start: tuple[int, int], end: tuple[int, int], new: str) -> None:
    state = DocumentState("file:///t.fz", TEXT)
    model = state.model
    lanes = list(model.lanes)
    assert model.diagnostics[0].code == "FZ302"
    state.replace(start, end, new)
    assert state.model is model
    assert model.lanes == lanes and all(a is b for a, b in zip(model.lanes, lanes, strict=True))
    fresh = analyze_text(state.source.text)
    assert model.diagnostics == fresh.diagnostics
    assert [(lane.id, lane.line, lane.end_line, lane.label) for lane in model.lanes] == [
        (lane.id, lane.line, lane.end_line, lane.label) for lane in fresh.lanes
    ]
    assert [lane.header for lane in model.lanes] == [lane.header for lane in fresh.lanes]


@pytest.mark.parametrize(
    ("start", "end", "new"),
    [
        ((6, 0), (6, 1), ""),  # a `}` deleted: braces re-pair
        ((5, 43), (5, 43), "\n}"),  # a `}` typed
        ((0, 0), (0, 6), "Shop"),  # a lane ID
        ((0, 7), (0, 22), "{"),  # a header loses its label: the comment below could be it
    ],
)
def test_structure_changes_still_match_a_fresh_analysis(start: tuple[int, int], end: tuple[int, int], new: str) -> None:
    state = DocumentState("file:///t.fz", TEXT)
    assert state.model.diagnostics
    state.replace(start, end, new)
    assert state.model.diagnostics == analyze_text(state.source.text).diagnostics


def test_a_comment_below_a_header_without_label_stays_its_label() -> None:
    text = TEXT.replace("Billing { # 账单", "Billing {\n# 账单")
    state = DocumentState("file:///t.fz", text)
    assert [(d.code, d.line) for d in state.model.diagnostics] == [("FZ302", 3), ("FZ301", 8)]
    state.replace((1, 18), (1, 18), "x")  # elsewhere: the label comment keeps its FZ301
    assert [(d.code, d.line) for d in state.model.diagnostics] == [("FZ302", 3), ("FZ301", 8)]
    assert state.model.lanes[1].label == "账单"
