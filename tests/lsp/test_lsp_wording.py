"""Small wording: a lane labelled with its own ID is named once; a half-typed end says what is missing."""

from __future__ import annotations

from lsp_support import Session
from lsprotocol import types as t

SAME_LABEL = """\
Shop { # Shop
n1: circle label:"开始 🚀"
n2: rectangle label:"付款 💳"
n1.handle(right) -> n2.handle(left) [label="下单 📦"]
n2.handle(bottom) -> Shop.
}
Billing { # 账单 Billing
n3: circle label:"完成 🎉"
n3.handle(top) -> Shop
}
"""


async def test_a_lane_labelled_with_its_id_is_named_once(lsp: Session) -> None:
    uri = lsp.open(SAME_LABEL)
    doc = lsp.doc(SAME_LABEL)
    symbols = await lsp.document_symbols(uri)
    assert [(s.name, s.detail) for s in symbols] == [("Shop", None), ("Billing (账单 Billing)", "账单 Billing")]
    shown = await lsp.hover_text(uri, doc.pos("n1:"))
    assert shown.split("\n")[2] == "`circle` in lane `Shop`"
    assert (await lsp.hover_text(uri, doc.pos("Shop {"))).split("\n")[0] == "**Lane `Shop`**"
    assert (await lsp.hover_text(uri, doc.pos("n3:"))).split("\n")[2] == "`circle` in lane `Billing` (账单 Billing)"


async def test_hover_on_a_half_typed_end_says_what_is_missing(lsp: Session) -> None:
    uri = lsp.open(SAME_LABEL)
    doc = lsp.doc(SAME_LABEL)
    dotted = doc.pos("Shop.", delta=2)  # after the Chinese and emoji labels above: client units
    result = await lsp.hover(uri, dotted)
    assert result is not None and isinstance(result.contents, t.MarkupContent)
    assert result.contents.value == (
        "**Lane `Shop`**\n\n"
        "2 nodes; 0 edges out of the lane, 0 edges into it\n\n"
        "The node ID after `Shop.` is missing: write one of its nodes, `Shop.n1`, `Shop.n2`."
    )
    assert result.range == doc.range("Shop.", length=4)
    bare = await lsp.hover_text(uri, doc.pos("-> Shop", occurrence=1, delta=4))
    assert bare.endswith("`Shop` is a lane, not a node: write one of its nodes, `Shop.n1`, `Shop.n2`.")
    assert "(undeclared)" not in (await lsp.hover_text(uri, doc.pos("n2:")))
    assert (await lsp.hover_text(uri, doc.pos("n2:"))).endswith(
        'Outgoing:\n- n2 付款 💳 → Shop.… (node ID missing)\n\nIncoming:\n- n1 开始 🚀 → n2 付款 💳 "下单 📦"'
    )
