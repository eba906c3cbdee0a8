"""A quote inside a label ends it early: say so, say how to write it, and offer to fix it."""

from __future__ import annotations

import pytest

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.diagnostics import Fix, Replacement

LANE = 'Shop { # 商店\nn1: circle label:"开始"\nn2: circle label:"结束"\nn1.handle(right) -> n2.handle(left)\n{}\n}\n'


def _apply(line: str, fix: Fix) -> str:
    for r in sorted(fix.replacements, key=lambda r: r.start, reverse=True):
        line = line[: r.start] + r.new_text + line[r.end :]
    return line


@pytest.mark.parametrize(
    ("line", "what", "quotes", "value"),
    [
        ('n3: circle label:"说 "hi" now"', "label", (20, 23), '说 "hi" now'),
        ('n3: circle label:"说 "hi""', "label", (20, 23), '说 "hi"'),
        ('n3: circle label:"说 "hi" now" owner:"运维"', "label", (20, 23), '说 "hi" now'),
        ('n3: circle owner:"说 "hi" now" label:"x"', "owner", (20, 23), '说 "hi" now'),
        ('n2.handle(bottom) -> n1.handle(top) [label="说 "hi" now"]', "label", (46, 49), '说 "hi" now'),
    ],
)
def test_a_quote_inside_a_value(line: str, what: str, quotes: tuple[int, ...], value: str) -> None:
    text = LANE.replace("{}", line, 1)
    found = [d for d in analyze_text(text).diagnostics if d.line == 4]
    assert [(d.code, d.start, d.end, d.message) for d in found] == [
        ("FZ001", quotes[0], quotes[0] + 1, f'the {what} ends early at this `"`: write a quote inside it as `\\"`')
    ]
    assert line[quotes[0]] == '"'
    fix = found[0].fix
    assert fix == Fix('Write the quotes inside as `\\"`', tuple(Replacement(0, q, q, "\\") for q in quotes))
    fixed_line = _apply(line, fix)
    fixed = analyze_text(LANE.replace("{}", fixed_line, 1))
    assert [d for d in fixed.diagnostics if d.code == "FZ001"] == []
    if line.startswith("n3"):
        node = fixed.node_table["n3"]
        attribute = node.decl.attribute(what)
        assert attribute is not None and attribute.value.value == value
    else:
        [edge] = [e for e in fixed.edges if e.line == 4]
        assert edge.edge.label is not None and edge.edge.label.value.value == value


def test_the_line_still_declares_its_node() -> None:
    # While the quote is wrong, the node is still there: edges to it do not dangle.
    text = LANE.replace("{}", 'n3: circle label:"说 "hi" now"\nn2.handle(bottom) -> n3.handle(top)', 1)
    model = analyze_text(text)
    assert [(d.code, d.line) for d in model.diagnostics] == [("FZ001", 4)]
    assert model.node_table["n3"].line == 4


def test_escaped_quotes_are_fine() -> None:
    text = LANE.replace("{}", 'n2.handle(bottom) -> n1.handle(top) [label="说 \\"hi\\" now"]', 1)
    assert analyze_text(text).diagnostics == []
