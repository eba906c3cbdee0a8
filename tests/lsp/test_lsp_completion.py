"""Completion: what the grammar allows at the cursor, with edits that replace the typed word."""

from __future__ import annotations

from lsp_support import Session
from lsprotocol import types as t

Kind = t.CompletionItemKind
PLAIN, SNIPPET = t.InsertTextFormat.PlainText, t.InsertTextFormat.Snippet

BASE = """\
Shop { # 商店 🛒 Shop
n1: circle label:"开始 🚀"
n2: rectangle label:"Validate 订单"
n1.handle(right) -> n2.handle(left) [label="下单 📦"]
SHOP_PROBE
}
Billing { # 账单
n3: rectangle label:"扣款 💳"
n4: circle label:"完成"
n3.handle(right) -> n4.handle(left)
BILLING_PROBE
}
OUTSIDE_PROBE
"""
LABELS = {"n1": "开始 🚀", "n2": "Validate 订单", "n3": "扣款 💳", "n4": "完成"}


class Probe:
    """A document with `typed` on one probe line, and completion at its end."""

    def __init__(self, lsp: Session, typed: str, where: str = "SHOP_PROBE") -> None:
        self.lsp = lsp
        self.typed = typed
        self.text = BASE.replace(where, typed)
        for other in ("SHOP_PROBE", "BILLING_PROBE", "OUTSIDE_PROBE"):
            self.text = self.text.replace(other, "")
        self.doc = lsp.doc(self.text)
        self.line = BASE.split("\n").index(where)  # the probe adds no line

    async def items(self) -> list[t.CompletionItem]:
        uri = self.lsp.open(self.text)
        items = await self.lsp.completion(uri, self.doc.at(self.line, len(self.typed)))
        self.lsp.close(uri)
        return items

    def replaced(self, word: str) -> t.Range:
        """The range of the partly typed `word` at the cursor."""
        end = len(self.typed)
        assert self.typed.endswith(word)
        return self.doc.line_range(self.line, end - len(word), end)


def edits(items: list[t.CompletionItem]) -> list[tuple[str, str, t.Range, t.InsertTextFormat | None]]:
    out = []
    for item in items:
        assert isinstance(item.text_edit, t.TextEdit), item
        out.append((item.label, item.text_edit.new_text, item.text_edit.range, item.insert_text_format))
    return out


def by_sort_text(items: list[t.CompletionItem]) -> list[str]:
    """Labels in the order a client shows them."""
    return [i.label for i in sorted(items, key=lambda i: i.sort_text or i.label)]


def node_view(items: list[t.CompletionItem]) -> list[tuple[str, Kind | None, str | None, str | None]]:
    return [(i.label, i.kind, i.detail, i.filter_text) for i in items]


async def test_after_arrow_every_node_and_lane(lsp: Session) -> None:
    for typed, word in (("n2.handle(bottom) -> ", ""), ("n2.handle(bottom) -> Bil", "Bil")):
        probe = Probe(lsp, typed)
        items = await probe.items()
        rng = probe.replaced(word)
        assert node_view(items) == [
            ("n1", Kind.Reference, LABELS["n1"], "n1 开始 🚀"),
            ("n2", Kind.Reference, LABELS["n2"], "n2 Validate 订单"),
            ("Billing.n3", Kind.Field, LABELS["n3"], "Billing.n3 扣款 💳"),
            ("Billing.n4", Kind.Field, LABELS["n4"], "Billing.n4 完成"),
            ("Shop", Kind.Module, "商店 🛒 Shop", None),
            ("Billing", Kind.Module, "账单", None),
        ]
        assert edits(items) == [
            ("n1", "n1", rng, PLAIN),
            ("n2", "n2", rng, PLAIN),
            ("Billing.n3", "Billing.n3", rng, PLAIN),
            ("Billing.n4", "Billing.n4", rng, PLAIN),
            ("Shop", "Shop.", rng, PLAIN),
            ("Billing", "Billing.", rng, PLAIN),
        ]
        # Same-lane nodes sort first, then other lanes' nodes, then lanes.
        assert by_sort_text(items) == ["n1", "n2", "Billing.n3", "Billing.n4", "Billing", "Shop"]


async def test_after_arrow_in_the_other_lane(lsp: Session) -> None:
    probe = Probe(lsp, "n4.handle(top) -> n", where="BILLING_PROBE")
    items = await probe.items()
    assert by_sort_text(items) == ["n3", "n4", "Shop.n1", "Shop.n2", "Billing", "Shop"]
    assert all(isinstance(i.text_edit, t.TextEdit) and i.text_edit.new_text == i.label for i in items[:4])
    assert [i.kind for i in items] == [Kind.Field, Kind.Field, Kind.Reference, Kind.Reference, Kind.Module, Kind.Module]
    assert all(isinstance(i.text_edit, t.TextEdit) and i.text_edit.range == probe.replaced("n") for i in items)


async def test_after_a_lane_prefix_only_that_lanes_nodes(lsp: Session) -> None:
    for typed, word in (("n2.handle(bottom) -> Billing.", ""), ("n2.handle(bottom) -> Billing.n", "n")):
        probe = Probe(lsp, typed)
        items = await probe.items()
        rng = probe.replaced(word)
        assert node_view(items) == [
            ("n3", Kind.Reference, LABELS["n3"], "n3 扣款 💳"),
            ("n4", Kind.Reference, LABELS["n4"], "n4 完成"),
        ]
        assert edits(items) == [("n3", "n3", rng, PLAIN), ("n4", "n4", rng, PLAIN)]


async def test_after_a_node_handle_then_directions(lsp: Session) -> None:
    probe = Probe(lsp, "n2.handle(bottom) -> Billing.n3.")
    [handle] = await probe.items()
    expected = ("handle(", "handle($1)", SNIPPET) if lsp.snippets else ("handle(", "handle(", PLAIN)
    assert (
        handle.label,
        handle.text_edit.new_text if handle.text_edit else None,
        handle.insert_text_format,
    ) == expected
    assert handle.kind == Kind.Method

    for typed, word in (("n2.handle(bottom) -> Billing.n3.handle(", ""), ("n1.handle(to", "to")):
        probe = Probe(lsp, typed)
        items = await probe.items()
        rng = probe.replaced(word)
        assert edits(items) == [(d, d, rng, PLAIN) for d in ("left", "right", "top", "bottom")]
        assert {i.kind for i in items} == {Kind.EnumMember}


async def test_shapes_after_a_node_id(lsp: Session) -> None:
    for typed, word in (("n5: ", ""), ("n5: rect", "rect")):
        probe = Probe(lsp, typed)
        items = await probe.items()
        rng = probe.replaced(word)
        assert edits(items) == [(s, s, rng, PLAIN) for s in ("circle", "rectangle", "diamond", "taskbox")]


async def test_attribute_keys_after_a_shape(lsp: Session) -> None:
    def key_edit(key: str, rng: t.Range) -> tuple[str, str, t.Range, t.InsertTextFormat]:
        return (key, f'{key}:"$1"', rng, SNIPPET) if lsp.snippets else (key, f'{key}:""', rng, PLAIN)

    probe = Probe(lsp, "n5: diamond ")
    assert edits(await probe.items()) == [
        key_edit(k, probe.replaced("")) for k in ("label", "owner", "description", "system")
    ]
    # After a label with Chinese and emoji: the keys not given yet, replacing the typed part.
    for typed, word in (('n5: taskbox label:"复核 🔍" ', ""), ('n5: taskbox label:"复核 🔍" ow', "ow")):
        probe = Probe(lsp, typed)
        items = await probe.items()
        assert edits(items) == [key_edit(k, probe.replaced(word)) for k in ("owner", "description", "system")]
        assert {i.kind for i in items} == {Kind.Property}


async def test_label_key_in_an_edge_bracket(lsp: Session) -> None:
    probe = Probe(lsp, "n2.handle(bottom) -> Billing.n3.handle(top) [")
    expected = ("label", 'label="$1"', SNIPPET) if lsp.snippets else ("label", 'label=""', PLAIN)
    assert [(label, text, fmt) for label, text, _, fmt in edits(await probe.items())] == [expected]


async def test_loop_members(lsp: Session) -> None:
    for typed, word in (("loop [重试 🔁] n1 ", ""), ("loop [重试 🔁] n1 n", "n")):
        probe = Probe(lsp, typed)
        items = await probe.items()
        rng = probe.replaced(word)
        assert node_view(items) == [(n, Kind.Reference, LABELS[n], f"{n} {LABELS[n]}") for n in LABELS]
        assert edits(items) == [(n, n, rng, PLAIN) for n in LABELS]


async def test_line_start_snippets_in_a_lane(lsp: Session) -> None:
    for where, last in (("SHOP_PROBE", "n2"), ("BILLING_PROBE", "n4")):
        for typed in ("", "n"):
            probe = Probe(lsp, typed, where=where)
            items = await probe.items()
            rng = probe.replaced(typed)
            if lsp.snippets:
                snippets = [
                    ("n5: node", 'n5: ${1|rectangle,circle,diamond,taskbox|} label:"$2"', rng, SNIPPET),
                    (f"{last} -> edge", f"{last}.handle(${{1|right,bottom,left,top|}}) -> $0", rng, SNIPPET),
                    ("loop", "loop [${1:condition}] $0", rng, SNIPPET),
                ]
            else:
                snippets = [
                    ("n5: node", 'n5: rectangle label:""', rng, PLAIN),
                    (f"{last} -> edge", f"{last}.handle(right) -> ", rng, PLAIN),
                    ("loop", "loop [] ", rng, PLAIN),
                ]
            assert edits(items) == [*snippets, *((n, n, rng, PLAIN) for n in LABELS)], (where, typed)
            assert {i.kind for i in items[:3]} == {Kind.Snippet}


async def test_lane_snippet_outside_lanes(lsp: Session) -> None:
    probe = Probe(lsp, "Pay", where="OUTSIDE_PROBE")
    rng = probe.replaced("Pay")
    if lsp.snippets:
        expected = ("lane", "${1:Lane} { # ${2:Display label}\n$0\n}", rng, SNIPPET)
    else:
        expected = ("lane", "Lane { # Lane\n}", rng, PLAIN)
    assert edits(await probe.items()) == [expected]


async def test_nothing_inside_strings_and_display_labels(lsp: Session) -> None:
    quiet = [
        'n5: circle label:"开',  # a node label
        'n5: taskbox label:"x" owner:"财务 ',  # another attribute's value
        'n2.handle(bottom) -> Billing.n3.handle(top) [label="下单 ',  # an edge label
        "loop [重试 ",  # a loop's condition
    ]
    for typed in quiet:
        assert await Probe(lsp, typed).items() == [], typed
    uri = lsp.open(BASE)
    doc = lsp.doc(BASE)
    for needle in ("商店 🛒 Shop", "账单"):  # lane display labels
        assert await lsp.completion(uri, doc.end(needle)) == [], needle
        assert await lsp.completion(uri, doc.pos(needle, delta=1)) == [], needle
