"""Copying a whole lane under a new lane ID: one FZ201 per duplicated ID, nothing else.

Each reference inside the copy resolves to the copy's own declaration (lane-aware
resolution), so no cross-lane, duplicate-edge or orphan diagnostic follows from it, and
each FZ201 fix renames the copy's node and the references that stand for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.diagnostics import Diagnostic
from fz_lsp.analysis.model import Lane, Model, Node
from fz_lsp.syntax.statements import LaneHeader

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.fz"))


def _copies(path: Path) -> list[tuple[str, str, int, int]]:
    """(lane ID, text with the lane copied right below itself, first and last line of the copy)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    model = analyze_text(text)
    found = []
    for lane in model.lanes:
        block = lines[lane.line : lane.end_line + 1]
        header = model.statements[lane.line]
        assert isinstance(header, LaneHeader)
        # A Chinese lane ID: every column after it on the header counts code points, not bytes.
        block[0] = "复制" + lane.id + block[0][header.lane.end :]
        copied = lines[: lane.end_line + 1] + block + lines[lane.end_line + 1 :]
        first = lane.end_line + 1
        found.append((lane.id, "\n".join(copied) + "\n", first, first + len(block) - 1))
    return found


CASES = [
    pytest.param(text, first, last, id=f"{path.stem}-{lane_id}")
    for path in EXAMPLES
    for lane_id, text, first, last in _copies(path)
]


def _apply(text: str, d: Diagnostic) -> str:
    assert d.fix is not None
    lines = text.split("\n")
    for r in sorted(d.fix.replacements, key=lambda r: (r.line_delta, r.start), reverse=True):
        line = d.line + r.line_delta
        lines[line] = lines[line][: r.start] + r.new_text + lines[line][r.end :]
    return "\n".join(lines)


def test_six_examples() -> None:
    assert len(EXAMPLES) == 6


@pytest.mark.parametrize(("text", "first", "last"), CASES)
def test_a_copied_lane_gets_only_fz201_once_per_id(text: str, first: int, last: int) -> None:
    model = analyze_text(text)
    copy = model.lane_at(first + 1)
    assert copy is not None and copy.line == first
    declared = [node for node in model.nodes if node.lane is copy]
    assert declared
    found = [(d.code, d.line, d.start, d.end) for d in model.diagnostics]
    assert found == [("FZ201", node.line, 0, len(node.id)) for node in declared]
    for d in model.diagnostics:
        [related] = d.related
        original = model.node_table[model.lines[d.line][d.start : d.end]]
        assert (related.line, related.start, related.end) == (original.line, 0, len(original.id))
        assert original.lane is not copy


@pytest.mark.parametrize(("text", "first", "last"), CASES)
def test_references_inside_the_copy_stay_in_the_copy(text: str, first: int, last: int) -> None:
    model = analyze_text(text)
    copy = model.lane_at(first + 1)
    assert isinstance(copy, Lane)
    own = {node.id for node in copy.nodes}
    checked = 0
    for site in model.edges + [loop for loop in model.loops]:  # type: ignore[operator]
        if not first <= site.line <= last:
            continue
        references = [site.source, site.target] if hasattr(site, "source") else site.members
        for reference in references:
            ref = reference.ref
            if ref.node.text not in own or (ref.lane is not None and ref.lane.text != copy.id):
                continue
            occurrence = model.symbol_at(site.line, ref.node.start)
            assert occurrence is not None and occurrence.kind == "node" and not occurrence.declaration
            assert isinstance(occurrence.target, Node) and occurrence.target.lane is copy
            assert occurrence.target is reference.node
            checked += 1
    assert checked or not own


@pytest.mark.parametrize(("text", "first", "last"), CASES)
def test_each_renumbering_fix_removes_its_diagnostic_and_adds_none(text: str, first: int, last: int) -> None:
    model = analyze_text(text)
    before = model.diagnostics
    codes = {d.code for d in before}
    for d in before:
        fixed = analyze_text(_apply(text, d))
        after = fixed.diagnostics
        assert d.fix is not None
        new_id = d.fix.replacements[0].new_text
        assert (d.line, d.start) not in {(e.line, e.start) for e in after if e.code == "FZ201"}
        # A copy nothing links to was an orphan behind its FZ201: renamed, it says so (and only then).
        orphan = [e for e in after if e.code == "FZ501"]
        if len(d.fix.replacements) == 1:
            assert [(e.line, e.message) for e in orphan] == [(d.line, f"node `{new_id}` takes part in no edge")]
        else:
            assert orphan == []
        assert {e.code for e in after if e.code != "FZ501"} <= codes
        assert len(after) == len(before) - 1 + len(orphan)
        # The renamed node keeps every edge it had: its references were renamed with it.
        renamed: Model = fixed
        node = renamed.node_table[new_id]
        assert (node.line, node.lane.line if node.lane else None) == (d.line, first)
        assert len(renamed.occurrences(node)) == len(d.fix.replacements)


def test_renumbering_fixes_applied_one_after_another_leave_a_clean_file() -> None:
    # Every FZ201 fix names the lowest free number: apply one, analyse again, repeat.
    for _, text, _, _ in _copies(EXAMPLES[0]):
        for _ in range(100):
            found = [d for d in analyze_text(text).diagnostics if d.fix is not None]
            if not found:
                break
            text = _apply(text, found[0])
        assert {d.code for d in analyze_text(text).diagnostics} <= {"FZ501"}
