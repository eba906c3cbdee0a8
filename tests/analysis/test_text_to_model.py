"""How the shape of the text reaches the model: line endings, statements outside every lane,
and a lane's label written on the line after its header."""

from __future__ import annotations

from fz_lsp.analysis import analyze_text


def test_mixed_line_endings_analyse_alike() -> None:
    mixed = (
        'Orders { # Orders\r\nn1: circle label:"Start"\rn2: rectangle label:"订单"\n'
        "n1.handle(right) -> n2.handle(left)\r\n}"
    )
    assert analyze_text(mixed).diagnostics == []
    assert [n.line for n in analyze_text(mixed).nodes] == [1, 2]


def test_top_level_edges_and_loops_parse_and_are_placed_nowhere() -> None:
    text = (
        'n1.handle(right) -> n2.handle(left)\nloop [x] n1 n2\nA { # A\nn1: circle label:"a"\nn2: circle label:"b"\n}\n'
    )
    model = analyze_text(text)
    assert [(site.line, site.lane) for site in model.edges] == [(0, None)]
    assert [(site.line, site.lane) for site in model.loops] == [(1, None)]
    assert [d.code for d in model.diagnostics] == ["FZ304", "FZ304"]
    assert [r.node is model.node_table["n1"] for r in model.references_to("n1")] == [True, True]


def test_label_on_the_line_after_the_header() -> None:
    model = analyze_text("Orders {\n  #   Order Handling\n}\n")
    lane = model.lanes[0]
    assert (lane.label, lane.label_line) == ("Order Handling", 1)
    model = analyze_text("Orders {\n\n# Not a label\n}\n")
    assert (model.lanes[0].label, model.lanes[0].label_line) == (None, None)
    model = analyze_text("Orders {\n// Not a label\n}\n")
    assert (model.lanes[0].label, model.lanes[0].label_line) == (None, None)
