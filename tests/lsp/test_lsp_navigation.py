"""Definition, declaration, references and highlights across lanes."""

from __future__ import annotations

from lsp_support import LOOP_LINE, MAIN, Doc, Session
from lsprotocol import types as t

Kind = t.DocumentHighlightKind


def node_uses(doc: Doc, node: str) -> list[t.Range]:
    """Every reference to `node` in edges and loops of MAIN, found by scanning the text."""
    found = []
    for number, line in enumerate(doc.lines):
        if line.startswith(f"{node}:") or ("->" not in line and not line.startswith("loop")):
            continue
        body = line.split("[label=")[0]
        if line.startswith("loop"):
            body = " " * (line.index("]") + 1) + line[line.index("]") + 1 :]
        start = body.find(node)
        while start >= 0:
            end = start + len(node)
            if (start == 0 or not body[start - 1].isalnum()) and (end == len(body) or not body[end].isalnum()):
                found.append(doc.line_range(number, start, end))
            start = body.find(node, end)
    return found


async def test_definition_from_every_kind_of_reference(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    declarations = {node: doc.range(f"{node}:", length=len(node)) for node in ("n1", "n2", "n3", "n4", "n5")}
    checked = 0
    for node, declaration in declarations.items():
        for use in node_uses(doc, node):
            for position in (use.start, use.end):  # either edge of the word
                assert await lsp.definition(uri, position) == [t.Location(uri, declaration)], (node, position)
                assert await lsp.declaration(uri, position) == [t.Location(uri, declaration)], (node, position)
                checked += 1
        # On the declaration itself: the declaration.
        assert await lsp.definition(uri, declaration.start) == [t.Location(uri, declaration)]
    assert checked == 2 * 12  # edge sources and targets, prefixed or not, and loop members


async def test_definition_of_lane_prefixes_and_dangling_names(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    billing = t.Location(uri, doc.range("Billing {", length=len("Billing")))
    shop = t.Location(uri, doc.range("Shop"))
    for occurrence in range(3):  # two edge targets and a loop member
        assert await lsp.definition(uri, doc.pos("Billing.", occurrence=occurrence, delta=2)) == [billing]
    assert await lsp.definition(uri, doc.pos("Shop.n3")) == [shop]
    assert await lsp.declaration(uri, doc.pos("Shop.n3", delta=4)) == [shop]  # at the dot: still the prefix
    assert await lsp.definition(uri, doc.pos("n33", delta=1)) == []
    assert await lsp.declaration(uri, doc.pos("n33", delta=1)) == []
    assert await lsp.definition(uri, doc.pos("rectangle")) == []
    assert await lsp.definition(uri, doc.pos("重试")) == []


async def test_forward_references_across_lanes(lsp: Session) -> None:
    # The target lane and node are declared after the edge that names them.
    text = """\
Api { # 接口
n1: circle label:"Go"
n1.handle(right) -> Db.n2.handle(left)
}
Db { # 数据库 🗄
n2: circle label:"Stored"
}
"""
    uri = lsp.open(text)
    doc = lsp.doc(text)
    assert await lsp.definition(uri, doc.pos("n2")) == [t.Location(uri, doc.range("n2:", length=2))]
    assert await lsp.definition(uri, doc.pos("Db")) == [t.Location(uri, doc.range("Db {", length=2))]


async def test_references_with_and_without_declaration(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    n4 = doc.range("n4:", length=2)
    uses = node_uses(doc, "n4")
    assert len(uses) == 4
    for position in (n4.start, uses[0].start, uses[-1].end):
        assert await lsp.references(uri, position, True) == [t.Location(uri, r) for r in sorted_ranges([n4, *uses])]
        assert await lsp.references(uri, position, False) == [t.Location(uri, r) for r in uses]

    billing = doc.range("Billing {", length=len("Billing"))
    prefixes = [doc.range("Billing", occurrence=n) for n in range(3)]
    assert await lsp.references(uri, doc.pos("Billing", line=LOOP_LINE), True) == [
        t.Location(uri, r) for r in [*prefixes, billing]
    ]
    assert await lsp.references(uri, billing.start, False) == [t.Location(uri, r) for r in prefixes]

    # A dangling name has uses but no declaration.
    n33 = [t.Location(uri, doc.range("n33"))]
    assert await lsp.references(uri, doc.pos("n33"), True) == n33
    assert await lsp.references(uri, doc.pos("n33"), False) == n33
    assert await lsp.references(uri, doc.pos("circle"), True) == []


async def test_document_highlights(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    n2 = doc.range("n2:", length=2)
    expected = [t.DocumentHighlight(n2, Kind.Write)] + [t.DocumentHighlight(r, Kind.Read) for r in node_uses(doc, "n2")]
    assert len(expected) == 4
    assert await lsp.highlights(uri, doc.pos("n2", line=LOOP_LINE)) == expected
    assert await lsp.highlights(uri, n2.end) == expected

    shop = doc.range("Shop")
    assert await lsp.highlights(uri, doc.pos("Shop.n3")) == [
        t.DocumentHighlight(shop, Kind.Write),
        t.DocumentHighlight(doc.range("Shop.n3", length=4), Kind.Read),
    ]
    assert await lsp.highlights(uri, doc.pos("n33")) == [t.DocumentHighlight(doc.range("n33"), Kind.Read)]
    assert await lsp.highlights(uri, doc.pos("label")) == []


def sorted_ranges(ranges: list[t.Range]) -> list[t.Range]:
    return sorted(ranges, key=lambda r: (r.start.line, r.start.character))
