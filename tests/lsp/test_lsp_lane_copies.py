"""A lane pasted again under a new ID: one FZ201 per copied node, and navigation stays in the copy.

The commonest way diagrams grow is copying a whole lane. Every node ID is then declared
twice; the only thing wrong is that duplicate. References written inside the copy mean
the copy's own nodes (lane-aware resolution), so nothing else may be reported and
definition and hover of an unprefixed ID in the copy must not jump to the original.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from lsp_support import MAIN, Doc, Session
from lsprotocol import types as t

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "features"))
from mistakes import EXAMPLES, copy_lane, lanes

_NODE = re.compile(r"^\s*(n\d+)\s*:")
_UNPREFIXED = re.compile(r"(?<![\w.-])(n\d+)(?![\w-])(?=\.handle|\s|$)")


def _copy_of(text: str, lane_id: str) -> tuple[str, int, int]:
    """The text with `lane_id` pasted again, and the first and last line of the copy."""
    copied = copy_lane(text, lane_id)
    span = next(s for s in lanes(text.splitlines()) if s.id == lane_id)
    first = span.close + 1
    return copied, first, first + (span.close - span.header)


def _declarations(doc: Doc, first: int, last: int) -> dict[str, t.Range]:
    found = {}
    for number in range(first, last + 1):
        if (match := _NODE.match(doc.lines[number])) is not None:
            found[match.group(1)] = doc.line_range(number, match.start(1), match.end(1))
    return found


def _unprefixed_uses(doc: Doc, first: int, last: int) -> list[tuple[str, int, int]]:
    """(ID, line, column) of each node ID without a lane prefix in the copy's edges and loops."""
    found = []
    for number in range(first, last + 1):
        line = doc.lines[number]
        if "->" not in line and not line.lstrip().startswith("loop"):
            continue
        body = line.split("[label")[0]
        if line.lstrip().startswith("loop"):
            body = " " * (line.index("]") + 1) + line[line.index("]") + 1 :]
        found += [(m.group(1), number, m.start(1)) for m in _UNPREFIXED.finditer(body)]
    return found


CASES = [(path, lane.id) for path in EXAMPLES for lane in lanes(path.read_text(encoding="utf-8").splitlines())]


@pytest.mark.parametrize(("path", "lane_id"), CASES, ids=[f"{p.stem}:{lane}" for p, lane in CASES])
async def test_copied_lane_of_an_example(lsp: Session, path: Path, lane_id: str) -> None:
    text, first, last = _copy_of(path.read_text(encoding="utf-8"), lane_id)
    uri = lsp.open(text)
    doc = lsp.doc(text)
    copies = _declarations(doc, first, last)
    originals = _declarations(doc, 0, first - 1)
    found = await lsp.diagnostics(uri, 1)
    assert [(d.code, d.range) for d in found] == [("FZ201", rng) for rng in copies.values()]
    for diagnostic in found:
        node_id = doc.lines[diagnostic.range.start.line][diagnostic.range.start.character :].split(":")[0]
        assert [r.location.range for r in diagnostic.related_information or []] == [originals[node_id]]
    uses = _unprefixed_uses(doc, first, last)
    assert uses, "the copy has edges"
    for node_id, line, column in uses:
        position = doc.at(line, column + 1)
        assert await lsp.definition(uri, position) == [t.Location(uri, copies[node_id])], (node_id, line)
        shown = await lsp.hover_text(uri, position)
        assert f"in lane `{lane_id}Copy`" in shown, (node_id, line, shown)


SHOP_COPY_N2 = """\
**n2 Validate order**

`rectangle` in lane `ShopCopy` (商店 🛒 Shop)

Outgoing:
- n2 Validate order → Billing.n4 Charge card "Charge 💳"

Incoming:
- n1 开始 🚀 → n2 Validate order "下单 📦\""""


async def test_copied_lane_with_chinese_and_emoji_labels(lsp: Session) -> None:
    text, first, last = _copy_of(MAIN, "Shop")
    size = last - first + 1
    before = await lsp.diagnostics(lsp.open(MAIN), 1)  # MAIN has emoji labels and a dangling n33
    uri = lsp.open(text)
    doc = lsp.doc(text)
    found = await lsp.diagnostics(uri, 1)

    def moved(d: t.Diagnostic, by: int, columns: int = 0) -> tuple[str, int, int, int]:
        start, end = d.range.start, d.range.end
        return (str(d.code), start.line + by, start.character + columns, end.character + columns)

    # The copy repeats the Shop lane's own findings (emoji labels, the dangling n33), moved down;
    # what follows the copy moves down too; and each copied node is declared twice.
    copied = [
        moved(d, size, len("Copy") if d.range.start.line == 0 else 0) for d in before if d.range.start.line < first
    ]
    kept = [moved(d, 0 if d.range.start.line < first else size) for d in before]
    duplicates = {node: doc.range(f"{node}:", occurrence=1, length=2) for node in ("n1", "n2", "n3")}
    expected = [("FZ201", r.start.line, r.start.character, r.end.character) for r in duplicates.values()]
    assert sorted(moved(d, 0) for d in found) == sorted(kept + copied + expected)
    assert [d.message for d in found if d.code == "FZ201"] == [
        f"node `{node}` is already declared in lane `Shop`; node IDs are unique across lanes" for node in duplicates
    ]
    # `n2` after the Chinese and emoji label of the copied edge: the copy's own n2.
    use = doc.pos("-> n2", occurrence=1, delta=3)
    assert use.line == first + 4
    assert await lsp.definition(uri, use) == [t.Location(uri, doc.range("n2:", occurrence=1, length=2))]
    assert await lsp.hover_text(uri, use) == SHOP_COPY_N2
    highlights = await lsp.highlights(uri, use)
    assert [(h.range, h.kind) for h in highlights] == [
        (doc.range("n2:", occurrence=1, length=2), t.DocumentHighlightKind.Write),
        (doc.range("n2", line=first + 4), t.DocumentHighlightKind.Read),
        (doc.range("n2", line=first + 5), t.DocumentHighlightKind.Read),
        (doc.range("n2", line=first + 7), t.DocumentHighlightKind.Read),
    ]
    assert last == first + 8
    references = await lsp.references(uri, use, declaration=False)
    assert [r.range for r in references] == [h.range for h in highlights[1:]]
    # Completion after `->` in the copy: its own nodes bare, the original's with their lane's prefix.
    after_arrow = doc.end("-> ", line=first + 4)
    items = await lsp.completion(uri, after_arrow)
    nodes = sorted(i.label for i in items if i.kind != t.CompletionItemKind.Module)
    assert nodes == sorted(["n1", "n2", "n3", "Shop.n1", "Shop.n2", "Shop.n3", "Billing.n4", "Billing.n5"])
    [n2] = [i for i in items if i.label == "n2"]
    shown = n2.documentation.value if isinstance(n2.documentation, t.MarkupContent) else n2.documentation
    assert shown == "`rectangle` in lane `ShopCopy` (商店 🛒 Shop)"
