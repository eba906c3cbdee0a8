"""Completion in every context, called directly on a model (no server): the exact items, the
text each inserts and the range it replaces, in UTF-16 like most clients.

The document has a Chinese lane ID and emoji in labels, so a replaced range after an emoji
is one UTF-16 unit further right than its code-point column.
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from fz_lsp.analysis import analyze_text
from fz_lsp.features.completion import complete, completion
from fz_lsp.features.positions import UTF16, Positions

Kind = types.CompletionItemKind
PLAIN, SNIPPET = types.InsertTextFormat.PlainText, types.InsertTextFormat.Snippet

DOCUMENT = """\
商店 { # 商店 🛒 Shop
n1: circle label:"开始 🚀"
n2: rectangle label:"Validate 订单"
n1.handle(right) -> n2.handle(left) [label="下单 📦"]
SHOP_PROBE
}
Billing { # 账单 💳
n3: rectangle label:"扣款 💳"
n4: circle label:"完成"
n3.handle(right) -> n4.handle(left)
BILLING_PROBE
}
OUTSIDE_PROBE
"""
SHOP_LINE, BILLING_LINE, OUTSIDE_LINE = 4, 10, 12
PROBES = {SHOP_LINE: "SHOP_PROBE", BILLING_LINE: "BILLING_PROBE", OUTSIDE_LINE: "OUTSIDE_PROBE"}

Span = tuple[int, int]  # UTF-16 start and end character on the probe line
Item = tuple[str, str, Span]  # label, inserted text, replaced span


def _complete(typed: str, line: int, snippets: bool = True) -> types.CompletionList:
    """Completion at the end of `typed`, written on probe line `line` (the other probes left empty)."""
    text = DOCUMENT
    for probe_line, probe in PROBES.items():
        text = text.replace(probe, typed if probe_line == line else "")
    model = analyze_text(text)
    assert model.lines[line] == typed
    return complete(model, Positions(model.lines, UTF16), line, len(typed), snippets)


def items(typed: str, line: int = SHOP_LINE, snippets: bool = True) -> list[Item]:
    found: list[Item] = []
    for item in _complete(typed, line, snippets).items:
        edit = item.text_edit
        assert isinstance(edit, types.TextEdit)
        assert edit.range.start.line == edit.range.end.line == line
        assert item.insert_text_format == (SNIPPET if "$" in edit.new_text else PLAIN), item
        found.append((item.label, edit.new_text, (edit.range.start.character, edit.range.end.character)))
    return found


def kinds(typed: str, line: int = SHOP_LINE) -> list[tuple[str, Kind | None]]:
    return [(item.label, item.kind) for item in _complete(typed, line).items]


def test_after_an_arrow_every_node_written_to_resolve_from_here_then_every_lane() -> None:
    # 商店's own nodes bare, the other lane's with their prefix; lanes insert `ID.`.
    end = len("n2.handle(bottom) -> ")
    assert items("n2.handle(bottom) -> ") == [
        ("n1", "n1", (end, end)),
        ("n2", "n2", (end, end)),
        ("Billing.n3", "Billing.n3", (end, end)),
        ("Billing.n4", "Billing.n4", (end, end)),
        ("商店", "商店.", (end, end)),
        ("Billing", "Billing.", (end, end)),
    ]
    assert kinds("n2.handle(bottom) -> ") == [
        ("n1", Kind.Reference),
        ("n2", Kind.Reference),
        ("Billing.n3", Kind.Field),
        ("Billing.n4", Kind.Field),
        ("商店", Kind.Module),
        ("Billing", Kind.Module),
    ]
    # From the other lane, typing: the typed word is replaced, `商店`'s nodes get the Chinese prefix.
    typed = "n3.handle(bottom) -> 商"
    assert items(typed, BILLING_LINE) == [
        ("商店.n1", "商店.n1", (len(typed) - 1, len(typed))),
        ("商店.n2", "商店.n2", (len(typed) - 1, len(typed))),
        ("n3", "n3", (len(typed) - 1, len(typed))),
        ("n4", "n4", (len(typed) - 1, len(typed))),
        ("商店", "商店.", (len(typed) - 1, len(typed))),
        ("Billing", "Billing.", (len(typed) - 1, len(typed))),
    ]


def test_after_a_lane_prefix_the_nodes_of_that_lane() -> None:
    typed = "n3.handle(bottom) -> 商店."
    assert items(typed, BILLING_LINE) == [
        ("n1", "n1", (len(typed), len(typed))),
        ("n2", "n2", (len(typed), len(typed))),
    ]
    typed = "n2.handle(bottom) -> Billing.n"
    assert items(typed) == [
        ("n3", "n3", (len(typed) - 1, len(typed))),
        ("n4", "n4", (len(typed) - 1, len(typed))),
    ]
    shown = _complete(typed, SHOP_LINE).items
    assert [(i.detail, i.filter_text, i.kind) for i in shown] == [
        ("扣款 💳", "n3 扣款 💳", Kind.Reference),
        ("完成", "n4 完成", Kind.Reference),
    ]


def test_after_a_node_or_a_prefixed_node_the_handle() -> None:
    assert items("n1.") == [("handle(", "handle($1)", (3, 3))]
    assert items("n1.han") == [("handle(", "handle($1)", (3, 6))]
    assert items("n1.han", snippets=False) == [("handle(", "handle(", (3, 6))]
    typed = "n3.handle(right) -> 商店.n1."
    assert items(typed, BILLING_LINE) == [("handle(", "handle($1)", (len(typed), len(typed)))]
    # A half-written ID ending in `-` is read as one before the dot, as completion always did.
    assert items("n1-.") == [("handle(", "handle($1)", (4, 4))]
    # An unknown word before the dot is no lane: the handle, not nodes.
    assert items("n2.handle(bottom) -> Nowhere.") == [("handle(", "handle($1)", (29, 29))]


def test_inside_handle_brackets_the_four_directions() -> None:
    assert items("n1.handle(") == [(d, d, (10, 10)) for d in ("left", "right", "top", "bottom")]
    assert items("n1.handle( ri") == [(d, d, (11, 13)) for d in ("left", "right", "top", "bottom")]
    typed = "n1.handle(right) -> 商店.n2.Handle(to"
    assert items(typed) == [(d, d, (len(typed) - 2, len(typed))) for d in ("left", "right", "top", "bottom")]


def test_after_a_node_id_and_colon_the_shapes() -> None:
    shapes = ("circle", "rectangle", "diamond", "taskbox")
    assert items("n5: ") == [(s, s, (4, 4)) for s in shapes]
    assert items("  n5 :ci") == [(s, s, (6, 8)) for s in shapes]
    assert kinds("n5: ")[0] == ("circle", Kind.Class)
    assert items("n5-:") == [(s, s, (4, 4)) for s in shapes]  # a half-written ID too


def test_after_a_shape_the_attributes_not_yet_given() -> None:
    typed = 'n5: circle label:"你好 🚀" '
    end = len(typed) + 1  # the emoji is two UTF-16 units
    assert items(typed) == [
        ("owner", 'owner:"$1"', (end, end)),
        ("description", 'description:"$1"', (end, end)),
        ("system", 'system:"$1"', (end, end)),
    ]
    typed = 'n5: circle owner:"小明 😀" label:"开始" sy'
    end = len(typed) + 1
    assert items(typed, snippets=False) == [
        ("description", 'description:""', (end - 2, end)),
        ("system", 'system:""', (end - 2, end)),
    ]
    # A word typed after the attributes is a key being written: the items replace it.
    typed = 'n1: circle label:"开始 🚀" owner'
    end = len(typed) + 1
    assert [label for label, _, _ in items(typed)] == ["owner", "description", "system"]
    assert {span for _, _, span in items(typed)} == {(end - 5, end)}
    assert items("n5: taskbox ") == [(k, f'{k}:"$1"', (12, 12)) for k in ("label", "owner", "description", "system")]


def test_in_an_edge_s_bracket_the_label() -> None:
    typed = "n1.handle(right) -> n2.handle(left) ["
    assert items(typed) == [("label", 'label="$1"', (len(typed), len(typed)))]
    typed = "n3.handle(right) -> 商店.n1.handle(left) [ la"
    assert items(typed, BILLING_LINE, snippets=False) == [("label", 'label=""', (len(typed) - 2, len(typed)))]


def test_after_a_loop_s_text_the_nodes() -> None:
    typed = "loop [重试 🔁] n1 "
    end = len(typed) + 1  # after the emoji
    assert items(typed) == [
        ("n1", "n1", (end, end)),
        ("n2", "n2", (end, end)),
        ("n3", "n3", (end, end)),
        ("n4", "n4", (end, end)),
    ]
    typed = "LOOP [重试 🔁] n1 商店.n2 n"
    end = len(typed) + 1
    assert [(label, span) for label, _, span in items(typed, BILLING_LINE)] == [
        ("n1", (end - 1, end)),
        ("n2", (end - 1, end)),
        ("n3", (end - 1, end)),
        ("n4", (end - 1, end)),
    ]


def test_at_a_line_start_in_a_lane_new_statements_then_nodes() -> None:
    assert items("") == [
        ("n5: node", 'n5: ${1|rectangle,circle,diamond,taskbox|} label:"$2"', (0, 0)),
        ("n2 -> edge", "n2.handle(${1|right,bottom,left,top|}) -> $0", (0, 0)),
        ("loop", "loop [${1:condition}] $0", (0, 0)),
        ("n1", "n1", (0, 0)),
        ("n2", "n2", (0, 0)),
        ("n3", "n3", (0, 0)),
        ("n4", "n4", (0, 0)),
    ]
    assert items("  n", BILLING_LINE, snippets=False) == [
        ("n5: node", 'n5: rectangle label:""', (2, 3)),
        ("n4 -> edge", "n4.handle(right) -> ", (2, 3)),
        ("loop", "loop [] ", (2, 3)),
        ("n1", "n1", (2, 3)),
        ("n2", "n2", (2, 3)),
        ("n3", "n3", (2, 3)),
        ("n4", "n4", (2, 3)),
    ]


def test_at_a_line_start_outside_every_lane_a_new_lane() -> None:
    assert items("", OUTSIDE_LINE) == [("lane", "${1:Lane} { # ${2:Display label}\n$0\n}", (0, 0))]
    assert items("La", OUTSIDE_LINE, snippets=False) == [("lane", "Lane { # Lane\n}", (0, 2))]


def test_an_empty_document_offers_a_lane() -> None:
    model = analyze_text("")
    [item] = completion(model, Positions(model.lines, UTF16), 0, 0)
    assert (item.label, item.kind, item.sort_text) == ("lane", Kind.Snippet, "0")


def _at(text: str, line: int, column: int) -> list[types.CompletionItem]:
    model = analyze_text(text)
    return completion(model, Positions(model.lines, UTF16), line, column)


def test_on_a_lane_header_or_its_brace_nothing() -> None:
    # The header line at any column of its ID, after it, in its label; the closing brace.
    for column in (0, 1, 2, 3, 4, 6, 8, len("商店 { # 商店 🛒 Shop")):
        assert _at(DOCUMENT, 0, column) == [], column
    assert _at(DOCUMENT, 5, 0) == []
    assert _at(DOCUMENT, 5, 1) == []


@pytest.mark.parametrize(
    "typed",
    [
        'n5: circle label:"你好',  # in a string
        'n5: circle label:"say \\"hi\\" 🚀',  # escaped quotes keep the string open
        'n1.handle(right) -> n2.handle(left) [label="下单 ',  # in an edge label
        "# 注释 n1.handle(",  # in a comment
        "// 注释 n1 -> ",  # in a comment FlowZap drops
        "loop [重试 n1.",  # in a loop's text
        "n1.handle(right) -> n2.handle(left) ",  # after a whole edge
    ],
)
def test_where_the_grammar_allows_nothing_nothing(typed: str) -> None:
    assert items(typed) == []


def test_out_of_range_lines_and_columns() -> None:
    model = analyze_text(DOCUMENT)
    positions = Positions(model.lines, UTF16)
    assert completion(model, positions, len(model.lines), 0) == []
    assert completion(model, positions, -1, 0) == []
    # A column past the end is the end of the line: after the `[label="下单 📦"]` edge, nothing.
    assert completion(model, positions, 3, 10_000) == []
    assert [i.label for i in completion(model, positions, 1, 4 + 100)] == []  # after `label:"开始 🚀"`


def test_the_list_is_complete_in_a_small_file() -> None:
    assert _complete("n2.handle(bottom) -> ", SHOP_LINE).is_incomplete is False
