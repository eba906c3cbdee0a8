"""Inlay hints, call hierarchy and code lens over stdio, in each client's encoding."""

from __future__ import annotations

import warnings

from lsp_support import Session
from lsprotocol import types as t

TEXT = """\
Shop { # 商店 🛒
n1: circle label:"开始 🚀"
n2: rectangle label:"A label that is far longer than twenty-four"
n1.handle(right) -> n2.handle(left) [label="下单 📦"]
n2.handle(bottom) -> 账单.n3.handle(top)
loop [重试 🔁] n1 账单.n3 n9
}
账单 {
n3: circle label:"完成 🎉"
n3.handle(top) -> Shop.n1.handle(bottom)
n3.handle(right) -> Shop.n2.handle(left)
}
"""


async def hints(lsp: Session, uri: str, first: int = 0, last: int = 20) -> list[t.InlayHint]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the VS Code preset predates inlay hints in its capabilities
        result = await lsp.client.text_document_inlay_hint_async(
            t.InlayHintParams(t.TextDocumentIdentifier(uri), t.Range(t.Position(first, 0), t.Position(last, 0)))
        )
    return list(result or [])


async def test_inlay_hints_after_references(lsp: Session) -> None:
    uri = lsp.open(TEXT)
    doc = lsp.doc(TEXT)
    long = "A label that is far longer than twenty-four"
    expected = [
        (doc.end("n1", line=3), "‹开始 🚀›", None),
        (doc.end("n2", line=3), "‹A label that is far lon…›", long),
        (doc.end("n2", line=4), "‹A label that is far lon…›", long),
        (doc.end("账单.n3", line=4), "‹完成 🎉›", None),
        (doc.end("n1", line=5), "‹开始 🚀›", None),
        (doc.end("账单.n3", line=5), "‹完成 🎉›", None),  # `n9` is undeclared: no hint
        (doc.end("n3", line=9), "‹完成 🎉›", None),
        (doc.end("Shop.n1", line=9), "‹开始 🚀›", None),
        (doc.end("n3", line=10), "‹完成 🎉›", None),
        (doc.end("Shop.n2", line=10), "‹A label that is far lon…›", long),
    ]
    found = await hints(lsp, uri)
    assert [(h.position, h.label, h.tooltip) for h in found] == expected
    assert all(h.padding_left for h in found)
    assert [h.position for h in await hints(lsp, uri, 4, 5)] == [e[0] for e in expected[2:6]]


async def test_inlay_hint_settings(lsp: Session) -> None:
    uri = lsp.open(TEXT)
    await lsp.change_configuration({"fz-lsp": {"debounceMs": 0, "inlayHints": {"maxLength": 6}}})
    try:
        assert [h.label for h in await hints(lsp, uri, 3, 3)] == ["‹开始 🚀›", "‹A lab…›"]
        await lsp.change_configuration({"fz-lsp": {"debounceMs": 0, "inlayHints": {"labels": False}}})
        assert await hints(lsp, uri) == []
    finally:
        await lsp.change_configuration({"fz-lsp": {"debounceMs": 0}})
    assert len(await hints(lsp, uri)) == 10


async def test_call_hierarchy_along_edges(lsp: Session) -> None:
    uri = lsp.open(TEXT)
    doc = lsp.doc(TEXT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # eglot's capabilities do not declare call hierarchy
        items = await lsp.client.text_document_prepare_call_hierarchy_async(
            t.CallHierarchyPrepareParams(t.TextDocumentIdentifier(uri), doc.pos("账单.n3", delta=4))
        )
        assert items is not None and len(items) == 1
        [n3] = items
        assert (n3.name, n3.detail, n3.selection_range) == ("n3", "完成 🎉 · 账单", doc.range("n3:", length=2))
        incoming = await lsp.client.call_hierarchy_incoming_calls_async(t.CallHierarchyIncomingCallsParams(n3))
        outgoing = await lsp.client.call_hierarchy_outgoing_calls_async(t.CallHierarchyOutgoingCallsParams(n3))
    edge = doc.lines[4]
    assert [(c.from_.name, list(c.from_ranges)) for c in incoming or []] == [("n2", [doc.line_range(4, 0, len(edge))])]
    assert [(c.to.name, list(c.from_ranges)) for c in outgoing or []] == [
        ("n1", [doc.line_range(9, 0, len(doc.lines[9]))]),
        ("n2", [doc.line_range(10, 0, len(doc.lines[10]))]),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nothing = await lsp.client.text_document_prepare_call_hierarchy_async(
            t.CallHierarchyPrepareParams(t.TextDocumentIdentifier(uri), doc.pos("n9", delta=1))
        )
    assert not nothing


async def test_code_lens_is_off_by_default_and_counts_lane_edges(lsp: Session) -> None:
    uri = lsp.open(TEXT)
    doc = lsp.doc(TEXT)

    async def lenses() -> list[t.CodeLens]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = await lsp.client.text_document_code_lens_async(t.CodeLensParams(t.TextDocumentIdentifier(uri)))
        return list(found or [])

    assert await lenses() == []
    await lsp.change_configuration({"fz-lsp": {"debounceMs": 0, "codeLens": True}})
    try:
        found = await lenses()
    finally:
        await lsp.change_configuration({"fz-lsp": {"debounceMs": 0}})
    assert [(lens.range, lens.command.title if lens.command else None) for lens in found] == [
        (doc.range("Shop"), "2 nodes · 2 edges in · 1 out"),
        (doc.range("账单 {", length=2), "1 node · 1 edge in · 2 out"),
    ]
