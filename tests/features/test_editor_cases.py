"""Feature functions called directly (no server): cases found while testing in editors."""

from __future__ import annotations

from lsprotocol import types

from fz_lsp.analysis import analyze_text
from fz_lsp.features.completion import complete, completion
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
    assert result.contents.value == ("**Lane `Kitchen`**: 厨房 😀\n\n2 nodes; 0 edges out of the lane, 0 edges into it")
    assert result.range == types.Range(types.Position(1, 0), types.Position(1, 7))  # the emoji is 2 UTF-16 units
    [location] = definition(model, positions, "file:///k.fz", 1, 2)
    assert location.range == types.Range(types.Position(0, 0), types.Position(0, 7))


def test_a_large_file_offers_the_best_100_matches_and_says_the_list_is_incomplete() -> None:
    lanes = []
    number = 0
    for lane in range(3):
        body = []
        for _ in range(100):
            number += 1
            body.append(f'n{number}: rectangle label:"步骤 {number}"')
        lanes.append(f"L{lane} {{ # Lane {lane}\n" + "\n".join(body) + "\n}")
    text = "\n".join(lanes) + '\nL9 {\nn301: circle label:"end"\nn301.handle(right) -> L1.n1\n}\n'
    model = analyze_text(text)
    line = len(model.lines) - 3
    positions = Positions(model.lines, UTF32)
    after_arrow = len("n301.handle(right) -> ")
    full = complete(model, positions, line, after_arrow)
    assert full.is_incomplete
    nodes = [item.label for item in full.items if item.kind != types.CompletionItemKind.Module]
    lanes = [item.label for item in full.items if item.kind == types.CompletionItemKind.Module]
    # Own lane first, then by number, cut at 100; the lanes follow.
    assert nodes == ["n301"] + [f"L0.n{k}" for k in range(1, 100)]
    assert lanes == ["L0", "L1", "L2", "L9"]
    model.lines[line] = "n301.handle(right) -> n12"  # as if typed; only the text before the cursor matters
    typed = complete(model, positions, line, after_arrow + 3)
    assert typed.is_incomplete
    assert [item.label for item in typed.items if item.kind != types.CompletionItemKind.Module] == [
        "L0.n12",
        *[f"L1.n{k}" for k in range(120, 130)],
    ]
    assert typed.items[0].text_edit is not None
    assert typed.items[0].text_edit.range == types.Range(
        types.Position(line, after_arrow), types.Position(line, after_arrow + 3)
    )
