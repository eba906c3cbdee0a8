"""Formatting and range formatting over stdio, in each client's encoding."""

from __future__ import annotations

import asyncio

from lsp_support import Session
from lsprotocol import types as t
from reshape_support import apply

from fz_lsp.features.formatting import format_text

# Chinese and emoji before every token that moves; no final newline, so the last edit ends
# mid-line and its end column is in the client's units.
MESSY = (
    "Shop {   #  商店 🛒\n"
    'n1:circle label:"开始 🚀"   \n'
    'n2: rectangle label:"库存 📦"\n'
    '  n1.handle(right)->n2.handle(left) [label="下单 📦"]\n'
    "}\n"
    "// 完成 🎉 "
)


async def formatting(lsp: Session, uri: str, rng: t.Range | None = None) -> list[t.TextEdit] | None:
    options = t.FormattingOptions(tab_size=8, insert_spaces=True)
    if rng is None:
        result = await lsp.client.text_document_formatting_async(
            t.DocumentFormattingParams(t.TextDocumentIdentifier(uri), options)
        )
    else:
        result = await lsp.client.text_document_range_formatting_async(
            t.DocumentRangeFormattingParams(t.TextDocumentIdentifier(uri), rng, options)
        )
    return None if result is None else list(result)


async def test_formatting_edits_changed_lines_in_client_units(lsp: Session) -> None:
    assert lsp.result.capabilities.document_formatting_provider
    assert lsp.result.capabilities.document_range_formatting_provider
    uri = lsp.open(MESSY)
    doc = lsp.doc(MESSY)
    edits = await formatting(lsp, uri)
    # Lines 0-3 change (merged into one edit), `}` stays, a blank line comes before the comment.
    assert edits == [
        t.TextEdit(
            t.Range(t.Position(0, 0), t.Position(4, 0)),
            'Shop { # 商店 🛒\n  n1: circle label:"开始 🚀"\n  n2: rectangle label:"库存 📦"\n'
            '  n1.handle(right) -> n2.handle(left) [label="下单 📦"]\n',
        ),
        t.TextEdit(t.Range(t.Position(5, 0), doc.at(5, len("// 完成 🎉 "))), "\n// 完成 🎉\n"),
    ]
    assert apply(MESSY, edits, lsp.encoding) == format_text(MESSY)


async def test_range_formatting_touches_the_selected_lines_only(lsp: Session) -> None:
    uri = lsp.open(MESSY)
    doc = lsp.doc(MESSY)
    # From inside line 1 to the start of line 3: lines 1 and 2.
    edits = await formatting(lsp, uri, t.Range(doc.at(1, 3), t.Position(3, 0)))
    assert edits == [
        t.TextEdit(
            t.Range(t.Position(1, 0), t.Position(3, 0)),
            '  n1: circle label:"开始 🚀"\n  n2: rectangle label:"库存 📦"\n',
        )
    ]
    # Inside the last line: its edit ends at the end of the line, in the client's units.
    last = await formatting(lsp, uri, t.Range(doc.at(5, 3), doc.at(5, 4)))
    assert last == [t.TextEdit(t.Range(t.Position(5, 0), doc.at(5, len("// 完成 🎉 "))), "\n// 完成 🎉\n")]


async def test_formatting_refuses_on_a_syntax_error_with_a_message(lsp: Session) -> None:
    text = 'Shop { # 商店 🛒\n  n1: circle label:"开始 🚀"  \nn1.handle(up -> \n}\n'
    uri = lsp.open(text)
    assert await formatting(lsp, uri) is None
    for _ in range(200):
        if lsp.client.messages:
            break
        await asyncio.sleep(0.01)
    message = lsp.client.messages.pop()
    assert message.type == t.MessageType.Warning
    assert message.message == "fz-lsp: not formatted: syntax error on line 3; fix it first"
    # Lines away from the error still format.
    edits = await formatting(lsp, uri, t.Range(t.Position(1, 0), t.Position(2, 0)))
    assert edits == [t.TextEdit(t.Range(t.Position(1, 0), t.Position(2, 0)), '  n1: circle label:"开始 🚀"\n')]


async def test_indent_setting(lsp: Session) -> None:
    uri = lsp.open('A {\nn1: circle label:"😀"\n}\n')
    await lsp.change_configuration({"fz-lsp": {"debounceMs": 0, "format": {"indent": 0}}})
    try:
        assert await formatting(lsp, uri) == []
        await lsp.change_configuration({"fz-lsp": {"debounceMs": 0, "format": {"indent": 4}}})
        edits = await formatting(lsp, uri)
        assert edits == [t.TextEdit(t.Range(t.Position(1, 0), t.Position(2, 0)), '    n1: circle label:"😀"\n')]
    finally:
        await lsp.change_configuration({"fz-lsp": {"debounceMs": 0}})
