"""The model updated edit by edit equals the model built from scratch."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fz_lsp.analysis import analyze_text
from fz_lsp.features.state import DocumentState

BASE = """OrderService { # 订单服务
n1: circle label:"开始 start"
n2: rectangle label:"Create order"
n3: taskbox label:"Review" owner:"Ops" description:"Check stock" system:"ERP"
n1.handle(right) -> n2.handle(left)
n2.handle(bottom) -> Billing.n4.handle(top) [label="Charge"]
loop [until stock confirmed] n2 n3
}
Billing { # Billing
n4: rectangle label:"Charge card"
n5: diamond label:"Paid?"
n4.handle(right) -> n5.handle(left)
n5.handle(top) -> OrderService.n3.handle(bottom) [label="Yes"]
n5.handle(bottom) -> n4.handle(bottom) [label="Retry"]
}
"""

FRAGMENTS = [
    "n",
    "n1",
    "n6",
    "n99",
    ".handle(",
    "right)",
    " -> ",
    "Billing.",
    "OrderService.",
    "Bliling.",
    '"',
    "}",
    "{",
    "\n",
    "\r\n",
    ":",
    ' label:"中文 😀"',
    "",
    "rect",
    "loop [x] n1 n4",
    "# note",
    "n6: rectangle",
    'n2.handle(right) -> n4.handle(left) [label="again"]',
    "n4",
    "=",
    'n4: rectangle label:"复制"',
    "Billing.n2",
    "OrderService.n1.handle(right) -> OrderService.n2.handle(left)",
]


def _view(text: str) -> list[tuple[object, ...]]:
    return [(d.code, d.line, d.start, d.end, d.message, d.related, d.fix) for d in analyze_text(text).diagnostics]


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[float, float, float, int, str]]:
    count = draw(st.integers(min_value=1, max_value=12))
    return [
        (
            draw(st.floats(0, 1)),
            draw(st.floats(0, 1)),
            draw(st.floats(0, 1)),
            draw(st.integers(0, 2)),
            draw(st.sampled_from(FRAGMENTS)),
        )
        for _ in range(count)
    ]


@settings(max_examples=500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_incremental_model_equals_scratch(sequence: list[tuple[float, float, float, int, str]]) -> None:
    state = DocumentState("file:///t.fz", BASE)
    assert state.model.diagnostics is not None  # build once so that later edits update it
    for line_at, start_at, length_at, span, fragment in sequence:
        line = int(line_at * (len(state.lines) - 1))
        start = int(start_at * len(state.lines[line]))
        if span == 0:  # within the line: the incremental path
            end_line, end = line, min(len(state.lines[line]), start + int(length_at * 4))
        else:
            end_line = min(len(state.lines) - 1, line + span)
            end = int(length_at * len(state.lines[end_line]))
        state.replace((line, start), (end_line, end), fragment)
        got = [(d.code, d.line, d.start, d.end, d.message, d.related, d.fix) for d in state.model.diagnostics]
        assert got == _view(state.source.text)
        scratch = analyze_text(state.source.text)
        assert state.model.sequence_diagnostics() == scratch.sequence_diagnostics()
        assert {
            k: [(r.line, r.node.line if r.node else None) for r in v] for k, v in state.model.node_refs.items()
        } == {k: sorted((r.line, r.node.line if r.node else None) for r in v) for k, v in scratch.node_refs.items()}
        assert {
            k: sorted((u.line, u.name.start, u.lane.line if u.lane else None) for u in v)
            for k, v in state.model.lane_refs.items()
        } == {
            k: sorted((u.line, u.name.start, u.lane.line if u.lane else None) for u in v)
            for k, v in scratch.lane_refs.items()
        }


def test_typing_inside_a_line_takes_the_incremental_path() -> None:
    state = DocumentState("file:///t.fz", BASE)
    model = state.model
    lanes = model.lanes
    state.replace((4, 20), (4, 22), "n3")  # retarget an edge: n1 -> n3 instead of n1 -> n2
    assert state.model is model and state.model.lanes is lanes  # updated in place, not rebuilt
    assert state.lines[4] == "n1.handle(right) -> n3.handle(left)"
    assert [r.line for r in model.references_to("n3")] == [4, 6, 12]
    assert [r.line for r in model.references_to("n2")] == [5, 6]
    assert model.diagnostics == []
    state.replace((4, 20), (4, 22), "n9")
    [dangling] = model.diagnostics
    assert (dangling.code, dangling.line, dangling.start, dangling.end) == ("FZ101", 4, 20, 22)
