"""The layout's geometric promises, on the examples and on generated diagrams."""

from __future__ import annotations

from pathlib import Path

import pytest
from render_checks import Violations, check, generate, shared_segments

from fz_lsp.analysis import analyze_text
from fz_lsp.render import layout

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.fz"))


def _summary(found: Violations) -> dict[str, list[str]]:
    return {kind: items[:5] for kind, items in found.hard().items() if items}


def test_six_examples_exist() -> None:
    assert len(EXAMPLES) == 6


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_have_no_violations(path: Path) -> None:
    model = analyze_text(path.read_text(encoding="utf-8"))
    lay = layout(model)
    assert len(lay.nodes) == len(model.nodes)
    assert len(lay.edges) == len(model.edges)
    found = check(lay)
    assert _summary(found) == {}
    assert found.through_box == []
    assert found.labels == []
    assert shared_segments(lay) == []


@pytest.mark.parametrize(
    ("lanes", "nodes", "seed"),
    [(1, 1, 1), (1, 12, 2), (2, 30, 3), (4, 60, 4), (7, 120, 5), (12, 250, 6), (30, 400, 7), (20, 1000, 8)],
)
def test_generated_diagrams(lanes: int, nodes: int, seed: int) -> None:
    lay = layout(analyze_text(generate(lanes, nodes, seed)))
    assert len(lay.lanes) == lanes
    assert len(lay.nodes) == nodes
    found = check(lay)
    assert _summary(found) == {}
    edges = len(lay.edges)
    soft = {e.split(" (")[0] for e in found.through_box} | {e.split(" ", 3)[2] for e in found.labels}
    assert len(soft) <= 0.02 * edges, (found.through_box[:5], found.labels[:5])
