"""prepareRename and rename over stdio: exact ranges, refusals, new-name checks, round trips."""

from __future__ import annotations

import re

import pytest
from lsp_support import MAIN, Session
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException
from reshape_support import apply, edits_of

REQUEST_FAILED = -32803
# MAIN without its undeclared `n33` and without emoji (FZ212): a diagram with no diagnostics, Chinese kept.
CLEAN = re.sub("[\U0001f300-\U0001faff\u2705\u200d]", "", MAIN.replace(" n33", ""))


async def prepare(lsp: Session, uri: str, position: t.Position) -> t.PrepareRenameResult | None:
    return await lsp.client.text_document_prepare_rename_async(
        t.PrepareRenameParams(t.TextDocumentIdentifier(uri), position)
    )


async def rename(lsp: Session, uri: str, position: t.Position, new_name: str) -> t.WorkspaceEdit | None:
    return await lsp.client.text_document_rename_async(
        t.RenameParams(t.TextDocumentIdentifier(uri), position, new_name)
    )


def prepare_support(lsp: Session) -> bool:
    return lsp.preset != "emacs"  # eglot's capabilities do not declare rename.prepareSupport


def versioned(lsp: Session) -> bool:
    return lsp.preset != "neovim@v0.11.0"  # the presets that declare workspaceEdit.documentChanges


async def renamed(lsp: Session, uri: str, text: str, version: int, position: t.Position, new_name: str) -> str:
    """The text after the rename, applied with the test's own position converter."""
    result = await rename(lsp, uri, position, new_name)
    return apply(text, edits_of(result, uri, version, versioned(lsp)), lsp.encoding)


async def refused(lsp: Session, coroutine: object) -> str:
    with pytest.raises(JsonRpcException) as caught:
        await coroutine  # type: ignore[misc]
    assert caught.value.code == REQUEST_FAILED
    return caught.value.message


async def test_prepare_rename_gives_the_exact_range_and_placeholder(lsp: Session) -> None:
    provider = lsp.result.capabilities.rename_provider
    if not prepare_support(lsp):
        assert provider is True  # a client that cannot send prepareRename is not told about it
        return
    assert provider == t.RenameOptions(prepare_provider=True)
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    cases = [
        (doc.pos("n4:", delta=1), doc.range("n4:", length=2), "n4"),  # a declaration after Chinese text above
        (doc.pos("Billing.n4", delta=9), doc.range("n4", line=doc.line_of("Billing.n4")), "n4"),  # prefixed target
        (doc.pos("Billing.n4", occurrence=1, delta=8), doc.range("n4", line=doc.line_of("loop")), "n4"),  # loop member
        (doc.pos("Billing.n4", delta=2), doc.range("Billing", line=doc.line_of("Billing.n4")), "Billing"),
        (doc.pos("Billing {", delta=7), doc.range("Billing {", length=7), "Billing"),  # the header, at its end
        (doc.pos("Shop.n3", delta=0), doc.range("Shop.n3", length=4), "Shop"),
    ]
    for position, expected, placeholder in cases:
        assert await prepare(lsp, uri, position) == t.PrepareRenamePlaceholder(expected, placeholder), placeholder


async def test_prepare_rename_refuses_with_a_reason(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    label = "labels and comments are text: edit them directly; rename works on node and lane IDs"
    cases = [
        (doc.pos("rectangle", delta=2), "`rectangle` is a shape: only node and lane IDs can be renamed"),
        (doc.pos("handle(right)", delta=1), "`handle` is a keyword: only node and lane IDs can be renamed"),
        (doc.pos("right)", delta=1), "`right` is a direction: only node and lane IDs can be renamed"),
        (doc.pos("loop [", delta=1), "`loop` is a keyword: only node and lane IDs can be renamed"),
        (doc.pos("label:", delta=1), "`label` is an attribute key: only node and lane IDs can be renamed"),
        (doc.pos("开始 🚀", delta=1), label),
        (doc.pos("商店", delta=1), label),
        (doc.pos("n33", delta=1), "`n33` is not declared: there is nothing to rename; declare it first"),
        (doc.pos(" -> ", delta=0), "nothing to rename here: put the cursor on a node ID or a lane ID"),
    ]
    for position, message in cases:
        if prepare_support(lsp):
            assert await refused(lsp, prepare(lsp, uri, position)) == message
        assert await refused(lsp, rename(lsp, uri, position, "n40")) == message


async def test_new_names_are_checked(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    node, lane = doc.pos("n4:"), doc.pos("Billing {")
    cases = [
        (node, "n04", "`n04` is not a node ID: write `n` and a number, like `n12`"),
        (node, "Billing", "`Billing` is not a node ID: write `n` and a number, like `n12`"),
        (node, "n5", f"`n5` is already declared on line {doc.line_of('n5:') + 1}"),
        (lane, "Shop", f"lane `Shop` already exists on line {doc.line_of('Shop {') + 1}"),
        (
            lane,
            "2nd",
            "`2nd` is not a lane ID: letters, digits, `_` and `-`, starting with a letter and not ending in `-`",
        ),
        (
            lane,
            "账 单",
            "`账 单` is not a lane ID: letters, digits, `_` and `-`, starting with a letter and not ending in `-`",
        ),
        (lane, "loop", "`loop` is a FlowZap keyword: choose another lane ID"),
    ]
    for position, new_name, message in cases:
        assert await refused(lsp, rename(lsp, uri, position, new_name)) == message
    # Nothing changed: the document still renames cleanly afterwards.
    assert await renamed(lsp, uri, MAIN, 1, node, "n4") == MAIN


async def test_lane_rename_round_trip_and_clean_diagnostics(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    before = await lsp.diagnostics(uri, 1)
    result = await rename(lsp, uri, doc.pos("Billing.n4", delta=3), "账单Lane")
    edits = edits_of(result, uri, 1, versioned(lsp))
    lines = [doc.line_of("Billing.n4"), doc.line_of("Billing.n5"), doc.line_of("loop"), doc.line_of("Billing {")]
    assert [(e.range, e.new_text) for e in edits] == [
        (doc.range("Billing", line=line), "账单Lane") for line in sorted(lines)
    ]
    text = apply(MAIN, edits, lsp.encoding)
    assert text == MAIN.replace("Billing", "账单Lane")
    lsp.change(uri, 2, t.TextDocumentContentChangeWholeDocument(text))
    after = await lsp.diagnostics(uri, 2)
    assert [d.code for d in after] == [d.code for d in before]
    assert "FZ101" in [d.code for d in after]  # n33, which was there before
    clean = CLEAN
    lsp.change(uri, 3, t.TextDocumentContentChangeWholeDocument(clean))
    assert await lsp.diagnostics(uri, 3) == []
    renamed_clean = await renamed(lsp, uri, clean, 3, lsp.doc(clean).pos("Billing {"), "Zahlung")
    lsp.change(uri, 4, t.TextDocumentContentChangeWholeDocument(renamed_clean))
    assert await lsp.diagnostics(uri, 4) == []
    back = await renamed(lsp, uri, renamed_clean, 4, lsp.doc(renamed_clean).pos("Zahlung.n4", delta=1), "Billing")
    assert back.encode("utf-8") == clean.encode("utf-8")


async def test_node_rename_round_trip_and_only_numbering_after(lsp: Session) -> None:
    clean = CLEAN
    uri = lsp.open(clean)
    doc = lsp.doc(clean)
    assert await lsp.diagnostics(uri, 1) == []
    # From a loop member: the declaration, both edges and the member follow.
    result = await rename(lsp, uri, doc.pos("n2", line=doc.line_of("loop"), delta=1), "n42")
    edits = edits_of(result, uri, 1, versioned(lsp))
    expected = [
        doc.range("n2:", length=2),
        doc.range("n2.handle(left)", length=2),
        doc.range("n2.handle(bottom)", length=2),
    ]
    expected.append(doc.range("n2", line=doc.line_of("loop")))
    assert [(e.range, e.new_text) for e in edits] == [(rng, "n42") for rng in expected]
    # From a prefixed reference in another lane.
    other = await rename(lsp, uri, doc.pos("Shop.n3", delta=6), "n43")
    targets = [
        doc.range("n3:", length=2),
        doc.range("n3.handle", length=2),
        doc.range("n3", line=doc.line_of("Shop.n3")),
    ]
    assert [(e.range, e.new_text) for e in edits_of(other, uri, 1, versioned(lsp))] == [(r, "n43") for r in targets]
    text = apply(clean, edits, lsp.encoding)
    lsp.change(uri, 2, t.TextDocumentContentChangeWholeDocument(text))
    after = await lsp.diagnostics(uri, 2)
    assert [d.code for d in after] == ["FZ204"]
    assert after[0].range == lsp.doc(text).range("n42:", length=3)
    back = await renamed(lsp, uri, text, 2, lsp.doc(text).pos("n42:"), "n2")
    assert back.encode("utf-8") == clean.encode("utf-8")


async def test_rename_in_a_copied_lane_stays_in_the_copy(lsp: Session) -> None:
    """Lane-aware resolution: the copy's `n1` and its unprefixed uses, not the original's."""
    text = (
        'Shop { # 商店 🛒\nn1: circle label:"开始 🚀"\nn2: rectangle label:"b"\nn1.handle(right) -> n2.handle(left)\n}\n'
        'Copy { # 副本 🛒\nn1: circle label:"开始 🚀"\nn2: rectangle label:"b"\nn1.handle(right) -> n2.handle(left)\n'
        "loop [再 🔁] n1 Shop.n1\n}\n"
    )
    uri = lsp.open(text)
    doc = lsp.doc(text)
    result = await rename(lsp, uri, doc.pos("n1.handle", occurrence=1, delta=1), "n3")
    edits = edits_of(result, uri, 1, versioned(lsp))
    expected = [doc.range("n1:", occurrence=1, length=2), doc.range("n1.handle", occurrence=1, length=2)]
    expected.append(doc.range("n1", line=doc.line_of("loop")))
    assert [(e.range, e.new_text) for e in edits] == [(rng, "n3") for rng in expected]
