"""Typing inside a line updates the model in place (the property suite is test_incremental.py)."""

from __future__ import annotations

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
