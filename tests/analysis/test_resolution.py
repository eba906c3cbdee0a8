"""Lane-aware resolution, the one query features use, and suggestions that resolve from where they stand."""

from __future__ import annotations

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.diagnostics import Diagnostic, Fix, Related, Replacement
from fz_lsp.analysis.model import Lane, Model, Node
from fz_lsp.features.state import DocumentState

# Two lanes declare n1 and n2 (the second is a copy); 订单 labels before every token.
COPY = "\n".join(
    [
        "Shop { # 商店",  # 0
        'n1: circle label:"开始"',  # 1
        'n2: rectangle label:"下单"',  # 2
        'n1.handle(right) -> n2.handle(left) [label="去"]',  # 3
        "}",  # 4
        "Shop2 { # 复制",  # 5
        'n1: circle label:"开始"',  # 6
        'n2: rectangle label:"下单"',  # 7
        'n1.handle(right) -> n2.handle(left) [label="去"]',  # 8
        "n2.handle(bottom) -> Shop.n1.handle(top)",  # 9
        "loop [重试] Shop2.n1 n2",  # 10
        "}",  # 11
    ]
)


def test_unprefixed_resolves_in_its_own_lane_and_prefixed_in_the_named_lane() -> None:
    model = analyze_text(COPY)
    shop, shop2 = model.lanes
    site = next(e for e in model.edges if e.line == 8)
    assert site.source.node is not None and site.source.node.lane is shop2 and site.source.node.line == 6
    assert site.target.node is not None and site.target.node.lane is shop2 and site.target.node.line == 7
    back = next(e for e in model.edges if e.line == 9)
    assert back.target.node is not None and back.target.node.line == 1 and back.target.lane is shop
    [loop] = model.loops
    assert [m.node.line for m in loop.members if m.node] == [6, 7]
    # Only the copies are reported, each once, with the lowest free number as the fix.
    assert model.diagnostics == [
        Diagnostic(
            "FZ201",
            6,
            0,
            2,
            "node `n1` is already declared in lane `Shop`; node IDs are unique across lanes",
            (Related(1, 0, 2, "first declaration of `n1`"),),
            Fix(
                "Rename this `n1` to `n3`, the next free number",
                (
                    Replacement(0, 0, 2, "n3"),
                    Replacement(2, 0, 2, "n3"),
                    Replacement(4, 16, 18, "n3"),
                ),
            ),
        ),
        Diagnostic(
            "FZ201",
            7,
            0,
            2,
            "node `n2` is already declared in lane `Shop`; node IDs are unique across lanes",
            (Related(2, 0, 2, "first declaration of `n2`"),),
            Fix(
                "Rename this `n2` to `n3`, the next free number",
                (
                    Replacement(0, 0, 2, "n3"),
                    Replacement(1, 20, 22, "n3"),
                    Replacement(2, 0, 2, "n3"),
                    Replacement(3, 19, 21, "n3"),
                ),
            ),
        ),
    ]


def test_a_name_in_a_lane_without_it_falls_back_to_the_first_declaration() -> None:
    text = COPY.replace(
        "Shop2 { # 复制", 'Other { # 其他\nn3: circle label:"x"\nn3.handle(right) -> n1.handle(left)\n}\nShop2 { # 复制'
    )
    model = analyze_text(text)
    site = next(e for e in model.edges if e.line == 7)
    assert site.target.node is not None and site.target.node.line == 1  # Shop's n1, the first one
    assert [(d.code, d.line) for d in model.diagnostics if d.code != "FZ201"] == [("FZ104", 7)]


def test_symbol_at_and_occurrences() -> None:
    model = analyze_text(COPY)
    shop, shop2 = model.lanes
    column = COPY.split("\n")[8].index("n2")
    here = model.symbol_at(8, column + 2)  # the cursor right after the ID counts
    assert here is not None and (here.kind, here.line, here.declaration) == ("node", 8, False)
    assert isinstance(here.target, Node) and here.target.line == 7
    places = [(o.line, o.name.start, o.declaration) for o in model.occurrences(here)]
    assert places == [(7, 0, True), (8, column, False), (9, 0, False), (10, 19, False)]
    assert [(o.line, o.name.start) for o in model.occurrences(model.nodes[1])] == [(2, 0), (3, 20)]
    lane = model.symbol_at(10, 10)
    assert lane is not None and (lane.kind, lane.target, lane.name.text) == ("lane", shop2, "Shop2")
    assert [(o.line, o.name.start, o.declaration) for o in model.occurrences(shop2)] == [(5, 0, True), (10, 10, False)]
    assert [(o.line, o.name.start) for o in model.occurrences(shop)] == [(0, 0), (9, 21)]
    header = model.symbol_at(5, 0)
    assert header is not None and header.declaration and isinstance(header.target, Lane)
    assert model.symbol_at(3, 5) is None  # `.handle` is no ID
    assert model.symbol_at(99, 0) is None


def test_occurrences_of_an_undeclared_id() -> None:
    text = COPY.replace("n2.handle(bottom) -> Shop.n1", "n7.handle(bottom) -> Shop.n7")
    model = analyze_text(text)
    here = model.symbol_at(9, 0)
    assert here is not None and here.target is None
    assert [(o.line, o.name.start) for o in model.occurrences(here)] == [(9, 0), (9, 26)]
    prefix = model.symbol_at(9, 22)
    assert prefix is not None and prefix.kind == "lane" and prefix.target is model.lanes[0]


def test_a_suggestion_from_another_lane_carries_its_prefix() -> None:
    text = "\n".join(
        [
            "Orders { # 订单",
            'n1: circle label:"开始"',
            "n1.handle(right) -> n22.handle(left)",
            "}",
            "Billing { # 账单",
            'n2: rectangle label:"付款"',
            "n2.handle(top) -> Orders.n1.handle(bottom)",
            "}",
        ]
    )
    [d] = analyze_text(text).diagnostics
    assert d == Diagnostic(
        "FZ101",
        2,
        20,
        23,
        '`n22` is not declared; did you mean `Billing.n2` "付款"?',
        (Related(5, 0, 2, "`n2` is declared here"),),
        Fix("Change to `Billing.n2`", (Replacement(0, 20, 23, "Billing.n2"),)),
    )
    fixed = text.replace("-> n22", "-> Billing.n2")
    assert analyze_text(fixed).diagnostics == []


def test_the_same_lane_closest_match_comes_first() -> None:
    text = "\n".join(
        [
            "A { # 甲",
            'n1: circle label:"一"',
            'n2: circle label:"二"',
            "n1.handle(right) -> n2.handle(left)",
            "n2.handle(right) -> n4.handle(left)",
            "}",
            "B { # 乙",
            'n3: circle label:"三"',
            "n3.handle(top) -> A.n1.handle(bottom)",
            "}",
        ]
    )
    [d] = analyze_text(text).diagnostics
    # n3 is the nearest number, but it lives in another lane: the lane's own nodes come first;
    # n2, the edge's other end, would make a self-loop and is not offered.
    assert d.message == '`n4` is not declared; did you mean `n1` "一" or `B.n3` "三"?'
    assert d.fix == Fix("Change to `n1`", (Replacement(0, 20, 22, "n1"),))


def test_a_source_is_only_fixed_to_a_node_of_its_own_lane() -> None:
    text = "\n".join(
        [
            "A { # 甲",
            'n1: circle label:"一"',
            "n1.handle(right) -> B.n2.handle(left)",
            "n3.handle(right) -> B.n2.handle(left)",
            "}",
            "B { # 乙",
            'n2: circle label:"二"',
            "}",
        ]
    )
    [d] = analyze_text(text).diagnostics
    assert d.message == '`n3` is not declared; did you mean `n1` "一"?'
    assert d.fix == Fix("Change to `n1`", (Replacement(0, 0, 2, "n1"),))
    # When only other lanes have a match, it is named but not offered: the edge would start elsewhere.
    text = "\n".join(
        [
            "A { # 甲",
            'n1: circle label:"一"',
            "n1.handle(right) -> B.n2.handle(left)",
            "n4.handle(right) -> n1.handle(left)",
            "}",
            "B { # 乙",
            'n2: circle label:"二"',
            'n3: circle label:"三"',
            "n2.handle(right) -> n3.handle(left)",
            "}",
        ]
    )
    [d] = analyze_text(text).diagnostics
    assert (d.code, d.line, d.start, d.end) == ("FZ101", 3, 0, 2)
    assert d.message == '`n4` is not declared; did you mean `B.n3` "三" or `B.n2` "二"?'
    assert d.fix is None


def test_a_wrong_prefix_is_one_diagnostic_not_three() -> None:
    # `Shop.n1` written in Shop2 where Shop2 declares n1 too: it means Shop's n1 (no FZ103).
    model = analyze_text(COPY)
    assert {d.code for d in model.diagnostics} == {"FZ201"}
    # A misspelt prefix on an edge's source says just that (no FZ303 besides).
    text = COPY.replace("n2.handle(bottom) -> Shop.n1", "Shpo.n2.handle(bottom) -> Shop.n1")
    found = [(d.code, d.line) for d in analyze_text(text).diagnostics if d.code != "FZ201"]
    assert found == [("FZ102", 9)]


def test_edits_keep_resolution_equal_to_a_fresh_analysis() -> None:
    state = DocumentState("file:///t.fz", COPY)
    assert state.model.diagnostics
    steps = [
        ((7, 0), (7, 2), "n3"),  # rename the copy's n2: the edges in the copy now dangle
        ((8, 20), (8, 22), "n3"),
        ((2, 0), (2, 0), "\n"),  # a line above everything moves every fix's lines
        ((0, 0), (0, 0), "\n"),
        ((8, 0), (9, 0), ""),
        ((3, 25), (3, 25), "x"),  # a label keystroke in a node the suggestions name
    ]
    for start, end, new in steps:
        state.replace(start, end, new)
        fresh = analyze_text(state.source.text)
        assert state.model.diagnostics == fresh.diagnostics
        assert _resolved(state.model) == _resolved(fresh)


def _resolved(model: Model) -> list[tuple[int, int, int | None]]:
    return sorted(
        (r.line, r.ref.node.start, r.node.line if r.node else None) for refs in model.node_refs.values() for r in refs
    )
