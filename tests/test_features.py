"""Feature functions called directly (no server): cases found while testing in editors."""

from __future__ import annotations

from lsprotocol import types

from fz_lsp.analysis import analyze_text
from fz_lsp.features.completion import completion
from fz_lsp.features.hover import hover
from fz_lsp.features.navigation import definition
from fz_lsp.features.positions import UTF16, UTF32, Positions

OLD_STYLE = 'Kitchen {\n# 厨房 Kitchen\nn1: circle label:"开始"\nn1.handle(right) -> n2.handle(left)\nn2: rectangle label:"Cook"\n}\n'


def test_no_statement_snippets_on_a_lane_header_or_its_brace() -> None:
    model = analyze_text(OLD_STYLE)
    positions = Positions(model.lines, UTF32)
    assert completion(model, positions, 0, 0) == []
    assert completion(model, positions, 5, 0) == []
    assert [item.label for item in completion(model, positions, 2, 0)][:3] == ["n3: node", "n2 -> edge", "loop"]


def test_a_next_line_lane_label_is_checked_and_hovered_like_a_label() -> None:
    text = OLD_STYLE.replace("# 厨房 Kitchen", "# 厨房 😀")
    model = analyze_text(text)
    assert [(d.code, d.line, d.start, d.end) for d in model.diagnostics] == [("FZ301", 1, 0, 6), ("FZ212", 1, 5, 6)]
    positions = Positions(model.lines, UTF16)
    result = hover(model, positions, 1, 2)
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert result.contents.value == (
        "**Lane `Kitchen`**: 厨房 😀\n\n2 nodes; 0 edges out of the lane, 0 edges into it"
    )
    assert result.range == types.Range(types.Position(1, 0), types.Position(1, 7))  # the emoji is 2 UTF-16 units
    [location] = definition(model, positions, "file:///k.fz", 1, 2)
    assert location.range == types.Range(types.Position(0, 0), types.Position(0, 7))
