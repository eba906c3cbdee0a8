"""Hover: nodes (declared or referenced), lanes, edge labels, FlowZap words, dangling names."""

from __future__ import annotations

from lsp_support import LOOP_LINE, MAIN, Session
from lsprotocol import types as t

SHOP_LANE = "`Shop` (商店 🛒 Shop)"
BILLING_LANE = "`Billing` (账单 🧾)"

N1 = f"""\
**n1 开始 🚀**

`circle` in lane {SHOP_LANE}

Outgoing:
- n1 开始 🚀 → n2 Validate order "下单 📦\""""

N2 = f"""\
**n2 Validate order**

`rectangle` in lane {SHOP_LANE}

Outgoing:
- n2 Validate order → Billing.n4 Charge card "Charge 💳"

Incoming:
- n1 开始 🚀 → n2 Validate order "下单 📦\""""

N3 = f"""\
**n3 库存够吗？**

`diamond` in lane {SHOP_LANE}

Outgoing:
- n3 库存够吗？ → Billing.n5 完成 🎉

Incoming:
- n4 Charge card → Shop.n3 库存够吗？ "Paid ✅\""""

N4 = f"""\
**n4 Charge card**

`taskbox` in lane {BILLING_LANE}
- owner: 财务 👩\u200d💼
- description: 扣款
- system: Stripe

Outgoing:
- n4 Charge card → n5 完成 🎉 "ok"
- n4 Charge card → Shop.n3 库存够吗？ "Paid ✅"

Incoming:
- n2 Validate order → Billing.n4 Charge card "Charge 💳\""""

SHOP = "**Lane `Shop`**: 商店 🛒 Shop\n\n3 nodes; 2 edges out of the lane, 1 edge into it"
BILLING = "**Lane `Billing`**: 账单 🧾\n\n2 nodes; 1 edge out of the lane, 2 edges into it"


async def hover_at(lsp: Session, uri: str, position: t.Position) -> tuple[str, t.Range | None]:
    result = await lsp.hover(uri, position)
    assert result is not None, f"no hover at {position}"
    assert isinstance(result.contents, t.MarkupContent) and result.contents.kind == t.MarkupKind.Markdown
    return result.contents.value, result.range


async def test_node_hover_on_declarations_and_references(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    edge_to_n4 = doc.line_of("-> Billing.n4")
    edge_to_n3 = doc.line_of("-> Shop.n3")
    cases = [
        (doc.pos("n1"), N1, doc.range("n1")),  # declaration
        (doc.pos("开始"), N1, doc.range("n1")),  # inside its label: still the node
        (doc.pos("n1", occurrence=1, delta=1), N1, doc.range("n1", occurrence=1)),  # edge source
        (doc.end("n2", line=4), N2, doc.range("n2", line=4)),  # edge target, at the word's end
        (doc.pos("n2", line=LOOP_LINE), N2, doc.range("n2", line=LOOP_LINE)),  # loop member after emoji
        (doc.pos("n4", line=edge_to_n4), N4, doc.range("n4", line=edge_to_n4)),  # prefixed target
        (doc.pos("n4", line=LOOP_LINE, delta=2), N4, doc.range("n4", line=LOOP_LINE)),  # prefixed loop member
        (doc.pos("n4:"), N4, doc.range("n4:", length=2)),  # taskbox declaration
        (doc.pos("n3", line=edge_to_n3), N3, doc.range("n3", line=edge_to_n3)),  # prefixed, other lane
    ]
    for position, text, rng in cases:
        assert await hover_at(lsp, uri, position) == (text, rng), position


async def test_lane_hover_on_header_and_prefixes(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    header = doc.range("Billing {", length=len("Billing"))
    assert await hover_at(lsp, uri, doc.pos("Shop")) == (SHOP, doc.range("Shop"))
    assert await hover_at(lsp, uri, doc.pos("账单")) == (BILLING, header)  # on the display label
    assert await hover_at(lsp, uri, doc.pos("Billing", line=LOOP_LINE, delta=3)) == (
        BILLING,
        doc.range("Billing", line=LOOP_LINE),
    )
    assert await hover_at(lsp, uri, doc.pos("Shop.n3")) == (SHOP, doc.range("Shop.n3", length=4))


async def test_edge_label_hover(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    bracket = '[label="Charge 💳"]'
    expected = 'Edge: n2 Validate order → Billing.n4 Charge card "Charge 💳"'
    assert await hover_at(lsp, uri, doc.pos("💳", delta=1)) == (expected, doc.range(bracket))
    paid = '[label="Paid ✅"]'
    assert await hover_at(lsp, uri, doc.pos("Paid")) == (
        'Edge: n4 Charge card → Shop.n3 库存够吗？ "Paid ✅"',
        doc.range(paid),
    )


async def test_words_have_one_line_hovers(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    words = [
        (doc.range("circle"), "`circle`: a start or end point of the flow."),
        (doc.range("diamond"), "`diamond`: a decision; its outgoing edges are the choices."),
        (doc.range("taskbox"), "`taskbox`: a task assigned to someone (`owner`, `description`, `system`)."),
        (doc.range("right"), "`right`: the handle on the node's right side."),
        (doc.range("top"), "`top`: the handle on the node's top side."),
        (doc.range("handle"), "`handle(direction)`: the side of the node an edge attaches to."),
        (doc.range("->"), "`->`: an edge from the handle on the left to the handle on the right."),
        (doc.range("loop"), "`loop [text] n1 n2 ...`: a repeated part of the flow, with its condition in brackets."),
        (doc.range("owner"), "`owner`: who a taskbox is assigned to."),  # after an emoji-free label
        (doc.range("system"), "`system`: the system a taskbox is done in."),  # after a ZWJ emoji
    ]
    for rng, text in words:
        assert await hover_at(lsp, uri, rng.start) == (text, rng)
        assert "\n" not in text


async def test_dangling_names_hover_with_a_suggestion(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    assert await hover_at(lsp, uri, doc.pos("n33", delta=2)) == (
        "`n33` is not declared. Did you mean `n3` (库存够吗？)?",
        doc.range("n33"),
    )
    text = MAIN.replace("-> Billing.n5", "-> Bliling.n5")
    other = lsp.open(text)
    doc = lsp.doc(text)
    assert await hover_at(lsp, other, doc.pos("Bliling")) == (
        "`Bliling` is not a lane of this file. Did you mean `Billing`?",
        doc.range("Bliling"),
    )
    # The node after a wrong prefix still resolves by its ID.
    assert (await hover_at(lsp, other, doc.pos("n5", line=doc.line_of("Bliling"))))[0].startswith("**n5 完成 🎉**")


async def test_node_without_edges(lsp: Session) -> None:
    text = 'Solo { # 独奏 🎻\nn1: rectangle label:"只有我"\n}\n'
    uri = lsp.open(text)
    doc = lsp.doc(text)
    assert await hover_at(lsp, uri, doc.pos("n1")) == (
        "**n1 只有我**\n\n`rectangle` in lane `Solo` (独奏 🎻)\n\nNo edges.",
        doc.range("n1"),
    )
    assert await hover_at(lsp, uri, doc.pos("Solo")) == (
        "**Lane `Solo`**: 独奏 🎻\n\n1 node; 0 edges out of the lane, 0 edges into it",
        doc.range("Solo"),
    )
    assert await lsp.hover(uri, doc.pos("{")) is None
    assert await lsp.hover(uri, doc.pos("}")) is None
