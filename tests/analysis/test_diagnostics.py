"""Every diagnostic code, FZ001 to FZ505: one document that triggers it and one near miss.

Each trigger asserts the whole diagnostic (code, line, code-point range, message,
related information, fix) and the text its range covers, so a range that drifts by one
column or a message that changes fails here. Each near miss is a document one step
away from the trigger that must come out clean.
"""

from __future__ import annotations

import pytest

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.diagnostics import RULES, Diagnostic, Fix, Related, Replacement, Severity

# A clean two-lane document; the tests below change a line or two of it.
BASE = [
    "Orders { # Order Handling",  # 0
    'n1: circle label:"Start"',  # 1
    'n2: rectangle label:"Create order"',  # 2
    "n1.handle(right) -> n2.handle(left)",  # 3
    'n2.handle(bottom) -> Billing.n3.handle(top) [label="Charge"]',  # 4
    "}",  # 5
    "Billing { # Billing",  # 6
    'n3: rectangle label:"Charge card"',  # 7
    'n3.handle(top) -> Orders.n2.handle(bottom) [label="Paid"]',  # 8
    "}",  # 9
]


def doc(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def base(**changes: str) -> str:
    """BASE with some lines replaced: `base(l4="...")`; `"\x00"` drops the line, `""` blanks it."""
    lines = list(BASE)
    for key, text in changes.items():
        lines[int(key[1:])] = text
    return doc(*[line for line in lines if line != "\x00"])


def diagnostics(text: str) -> list[Diagnostic]:
    return analyze_text(text).diagnostics


def covered(text: str, d: Diagnostic) -> str:
    return text.splitlines()[d.line][d.start : d.end]


def only(text: str) -> Diagnostic:
    """The one diagnostic of `text`, checked to carry its code's default severity from the catalogue."""
    found = diagnostics(text)
    assert len(found) == 1, found
    assert found[0].default_severity is DEFAULTS[found[0].code]
    return found[0]


def test_base_document_is_clean() -> None:
    assert diagnostics(doc(*BASE)) == []


# --- the catalogue --------------------------------------------------------------------------

DEFAULTS = {
    "FZ001": Severity.ERROR,
    "FZ002": Severity.ERROR,
    "FZ003": Severity.ERROR,
    "FZ004": Severity.ERROR,
    "FZ005": Severity.ERROR,
    "FZ101": Severity.ERROR,
    "FZ102": Severity.ERROR,
    "FZ103": Severity.ERROR,
    "FZ104": Severity.ERROR,
    "FZ105": Severity.ERROR,
    "FZ106": Severity.ERROR,
    "FZ201": Severity.ERROR,
    "FZ202": Severity.ERROR,
    "FZ203": Severity.ERROR,
    "FZ204": Severity.WARNING,
    "FZ205": Severity.ERROR,
    "FZ206": Severity.WARNING,
    "FZ207": Severity.ERROR,
    "FZ208": Severity.ERROR,
    "FZ209": Severity.WARNING,
    "FZ210": Severity.WARNING,
    "FZ211": Severity.WARNING,
    "FZ212": Severity.WARNING,
    "FZ301": Severity.WARNING,
    "FZ302": Severity.WARNING,
    "FZ303": Severity.WARNING,
    "FZ304": Severity.WARNING,
    "FZ401": Severity.WARNING,
    "FZ402": Severity.WARNING,
    "FZ501": Severity.WARNING,
    "FZ502": Severity.WARNING,
    "FZ503": Severity.INFO,
    "FZ504": Severity.OFF,
    "FZ505": Severity.OFF,
}


def test_catalogue_codes_and_default_severities() -> None:
    assert {code: rule.severity for code, rule in RULES.items()} == DEFAULTS
    assert list(RULES) == sorted(DEFAULTS)


def test_diagnostic_reports_its_default_severity() -> None:
    d = only(base(l2='n2: rect label:"Create order"'))
    assert d.default_severity is Severity.ERROR


# --- FZ0xx: structure -------------------------------------------------------------------------


class TestFZ001SyntaxError:
    def test_missing_direction(self) -> None:
        text = base(l4='n2.handle(bottom) -> Billing.n3.handle() [label="Charge"]')
        d = only(text)
        assert d == Diagnostic("FZ001", 4, 39, 40, "unexpected `)`: expected a direction: left, right, top or bottom")
        assert covered(text, d) == ")"

    def test_line_ends_early_after_arrow(self) -> None:
        text = base(l3="n1.handle(right) ->")
        assert only(text) == Diagnostic(
            "FZ001",
            3,
            17,
            19,
            "line ends early: expected the edge's target, such as `n2.handle(left)` or `Lane.n2.handle(left)`",
        )

    def test_wrong_arrow(self) -> None:
        text = base(l3="n1.handle(right) => n2.handle(left)")
        d = only(text)
        assert d == Diagnostic("FZ001", 3, 17, 18, "unexpected `=`: expected `->` or `[`")

    def test_chained_edge(self) -> None:
        text = base(l3="n1.handle(right) -> n2.handle(left) -> n1.handle(top)")
        assert only(text) == Diagnostic(
            "FZ001", 3, 36, 38, "an edge joins two endpoints: write `a -> b -> c` as two edges"
        )

    def test_shape_missing(self) -> None:
        text = base(l2='n2: label:"Create order"')
        d = only(text)
        # `label` reads as the shape; the `:` after it is what cannot follow.
        assert d == Diagnostic("FZ001", 2, 9, 10, "unexpected `:`: expected a name")

    def test_handle_in_wrong_case_has_a_fix(self) -> None:
        text = base(l3="n1.Handle(right) -> n2.handle(left)")
        d = only(text)
        assert d == Diagnostic(
            "FZ001",
            3,
            3,
            9,
            "`handle` is written in lowercase, not `Handle`",
            (),
            Fix("Change to `handle`", (Replacement(0, 3, 9, "handle"),)),
        )
        assert covered(text, d) == "Handle"

    def test_misspelt_handle(self) -> None:
        text = base(l3="n1.handel(right) -> n2.handle(left)")
        assert only(text) == Diagnostic("FZ001", 3, 3, 9, "expected `handle`, not `handel`")

    def test_loop_in_wrong_case_has_a_fix(self) -> None:
        text = base(l5="Loop [retry] n1 n2", l6="}\nBilling { # Billing")
        d = only(text)
        assert d == Diagnostic(
            "FZ001",
            5,
            0,
            4,
            "`loop` is written in lowercase, not `Loop`",
            (),
            Fix("Change to `loop`", (Replacement(0, 0, 4, "loop"),)),
        )

    def test_edge_bracket_key_other_than_label(self) -> None:
        text = base(l4='n2.handle(bottom) -> Billing.n3.handle(top) [Label="Charge"]')
        d = only(text)
        assert d == Diagnostic(
            "FZ001",
            4,
            45,
            50,
            'an edge\'s brackets take `label="..."`, not `Label`',
            (),
            Fix("Change to `label`", (Replacement(0, 45, 50, "label"),)),
        )
        text = base(l4='n2.handle(bottom) -> Billing.n3.handle(top) [text="Charge"]')
        assert only(text) == Diagnostic("FZ001", 4, 45, 49, 'an edge\'s brackets take `label="..."`, not `text`')

    def test_node_outside_every_lane(self) -> None:
        text = doc(*BASE, 'n4: circle label:"Loose"', "n4.handle(right) -> n1.handle(left)")
        found = diagnostics(text)
        assert found == [
            Diagnostic("FZ001", 10, 0, 2, "node `n4` is outside every lane: declare it inside `Lane { ... }`"),
            Diagnostic("FZ304", 11, 0, 35, "edge outside every lane: write it inside its source node's lane"),
        ]

    def test_text_after_closing_brace(self) -> None:
        text = base(l9="} x")
        assert only(text) == Diagnostic("FZ001", 9, 2, 3, "unexpected `x`: expected the end of the line")

    def test_unexpected_character_at_line_start(self) -> None:
        text = base(l3="*n1.handle(right) -> n2.handle(left)")
        assert only(text) == Diagnostic(
            "FZ001",
            3,
            0,
            1,
            "unexpected character `*`: expected a lane header (`Lane {`), a node (`n1: rectangle`), "
            "an edge, a loop or `}`",
        )

    def test_range_after_chinese_text(self) -> None:
        # The error comes after a Chinese label: columns count code points, not bytes.
        text = base(l2='n2: rectangle label:"创建订单" ]')
        d = only(text)
        assert (d.code, d.line, d.start, d.end) == ("FZ001", 2, 27, 28)
        assert covered(text, d) == "]"

    def test_near_miss_every_statement_kind_parses(self) -> None:
        text = base(l5="loop [retry] n1 n2\n}", l3="n1.handle(right)->n2.handle(left)")
        assert diagnostics(text) == []


class TestFZ002UnterminatedString:
    def test_node_label(self) -> None:
        text = base(l2='n2: rectangle label:"Create order')
        d = only(text)
        assert d == Diagnostic("FZ002", 2, 20, 33, 'unterminated string: a closing `"` is missing')
        assert covered(text, d) == '"Create order'

    def test_range_after_chinese_and_emoji(self) -> None:
        # From the quote to the end of the line, in code points (the emoji is one).
        text = base(l4='n2.handle(bottom) -> Billing.n3.handle(top) [label="收费 🚚')
        d = only(text)
        assert (d.code, d.line, d.start, d.end) == ("FZ002", 4, 51, 56)
        assert covered(text, d) == '"收费 🚚'

    def test_escaped_quote_does_not_close(self) -> None:
        text = base(l2='n2: rectangle label:"Create \\"order\\"')
        assert only(text) == Diagnostic("FZ002", 2, 20, 37, 'unterminated string: a closing `"` is missing')

    def test_near_miss_escapes(self) -> None:
        text = base(l2='n2: rectangle label:"Create \\"order\\" in C:\\\\orders"')
        assert diagnostics(text) == []
        assert analyze_text(text).node_table["n2"].label == 'Create "order" in C:\\orders'


class TestFZ003LaneNotClosed:
    def test_before_the_next_lane(self) -> None:
        text = base(l5="\x00")
        d = only(text)
        assert d == Diagnostic(
            "FZ003",
            0,
            0,
            6,
            "lane `Orders` is not closed before the next lane `Billing`: add `}`",
            (),
            Fix("Close the lane", (Replacement(5, 0, 0, "}\n"),)),
        )
        assert covered(text, d) == "Orders"
        # The nodes after the missing brace still belong to the next lane.
        model = analyze_text(text)
        assert model.node_table["n3"].lane is not None and model.node_table["n3"].lane.id == "Billing"

    def test_before_the_end_of_the_file(self) -> None:
        text = base(l9="\x00")
        d = only(text)
        assert d == Diagnostic("FZ003", 6, 0, 7, "lane `Billing` is not closed before the end of the file: add `}`")
        assert covered(text, d) == "Billing"

    def test_near_miss_closing_brace_with_spaces(self) -> None:
        assert diagnostics(base(l9="  }  ")) == []


REMOVE_BRACE = Fix("Remove the `}`", (Replacement(0, 0, 1, ""),))


class TestFZ004StrayBrace:
    def test_brace_without_open_lane(self) -> None:
        text = doc(*BASE, "}")
        d = only(text)
        assert d == Diagnostic("FZ004", 10, 0, 1, "`}` closes no lane", (), REMOVE_BRACE)

    def test_indented(self) -> None:
        fix = Fix("Remove the `}`", (Replacement(0, 1, 2, ""),))
        assert only(doc("\t}", *BASE)) == Diagnostic("FZ004", 0, 1, 2, "`}` closes no lane", (), fix)

    def test_brace_typed_mid_lane_is_the_one_mistake(self) -> None:
        # `}` typed inside Orders, whose statements go on to its own `}`: that brace is the extra
        # one. Its lines stay in the lane: no FZ001 per node, no FZ304 per edge, no FZ004 below.
        text = doc(
            "Orders { # 订单",
            'n1: circle label:"开始"',
            "  }",
            'n2: rectangle label:"创建订单"',
            "n1.handle(right) -> n2.handle(left)",
            'n2.handle(bottom) -> Billing.n3.handle(top) [label="付款"]',
            "}",
            *BASE[6:],
        )
        d = only(text)
        assert d == Diagnostic(
            "FZ004",
            2,
            2,
            3,
            "extra `}` in lane `Orders`: its statements go on below, to the lane's last `}`",
            (Related(6, 0, 1, "lane `Orders` closes here"),),
            Fix("Remove the extra `}`", (Replacement(0, 2, 3, ""),)),
        )
        assert covered(text, d) == "}"
        model = analyze_text(text)
        orders = model.lanes[0]
        assert (orders.line, orders.end_line, orders.closed) == (0, 6, True)
        assert [node.lane is orders for node in model.nodes[:2]] == [True, True]
        fixed = text.split("\n")
        fixed[2] = "  "
        assert diagnostics("\n".join(fixed)) == []

    def test_each_extra_brace_is_one_mistake(self) -> None:
        text = doc(BASE[0], BASE[1], "}", BASE[2], "}", *BASE[3:])
        found = diagnostics(text)
        assert [(d.code, d.line, d.related[0].line) for d in found] == [("FZ004", 2, 4), ("FZ004", 4, 7)]

    def test_nothing_between_two_braces_makes_the_second_stray(self) -> None:
        # A comment or a blank line between them is not a statement of the lane.
        text = doc(*BASE[:6], "// 备注", "", "}", *BASE[6:])
        found = diagnostics(text)
        assert [(d.code, d.line) for d in found] == [("FZ302", 6), ("FZ004", 8)]
        assert found[1].message == "`}` closes no lane"

    def test_near_miss(self) -> None:
        assert diagnostics(doc(*BASE[:-1], "\t}")) == []


class TestFZ005NestedLane:
    def test_header_inside_a_lane(self) -> None:
        text = doc(
            "Orders { # Order Handling",
            'n1: circle label:"Start"',
            "n1.handle(right) -> Billing.n2.handle(left)",
            "  Billing { # Billing",
            '  n2: rectangle label:"Charge"',
            "  n2.handle(left) -> Orders.n1.handle(right)",
            "  }",
            "}",
        )
        d = only(text)
        assert d == Diagnostic(
            "FZ005",
            3,
            2,
            9,
            "lane `Billing` is declared inside lane `Orders`; lanes do not nest",
            (Related(0, 0, 6, "lane `Orders` opens here"),),
        )
        assert covered(text, d) == "Billing"

    def test_near_miss_siblings(self) -> None:
        assert diagnostics(doc(*BASE)) == []


# --- FZ1xx: references -------------------------------------------------------------------------


class TestFZ101DanglingHandle:
    def test_edge_target_with_suggestion(self) -> None:
        text = base(l3="n1.handle(right) -> n22.handle(left)")
        d = only(text)
        assert d == Diagnostic(
            "FZ101",
            3,
            20,
            23,
            '`n22` is not declared; did you mean `n2` "Create order"?',
            (Related(2, 0, 2, "`n2` is declared here"),),
            Fix("Change to `n2`", (Replacement(0, 20, 23, "n2"),)),
        )
        assert covered(text, d) == "n22"

    def test_suggests_by_number_when_no_name_is_close(self) -> None:
        # `n57` looks like none of n1..n3 by spelling: the nearest two numbers are offered,
        # the one in the edge's own lane first, the other written with its lane.
        text = base(l3="n1.handle(right) -> n57.handle(left)")
        d = only(text)
        assert d == Diagnostic(
            "FZ101",
            3,
            20,
            23,
            '`n57` is not declared; did you mean `n2` "Create order" or `Billing.n3` "Charge card"?',
            (Related(2, 0, 2, "`n2` is declared here"),),
            Fix("Change to `n2`", (Replacement(0, 20, 23, "n2"),)),
        )

    def test_suggests_by_spelling(self) -> None:
        text = base(l3="n1.handle(right) -> n9.handle(left)")
        d = only(text)
        assert d.message == (
            # n1 is the edge's other end: a self-loop is never suggested.
            '`n9` is not declared; did you mean `n2` "Create order" or `Billing.n3` "Charge card"?'
        )

    def test_loop_member(self) -> None:
        text = base(l5="loop [retry] n1 n7\n}")
        d = only(text)
        assert (d.code, d.line, d.start, d.end) == ("FZ101", 5, 16, 18)

    def test_prefixed_target_range_is_the_node_id(self) -> None:
        text = base(l4='n2.handle(bottom) -> Billing.n30.handle(top) [label="Charge"]')
        d = only(text)
        assert (d.code, d.start, d.end) == ("FZ101", 29, 32)
        assert covered(text, d) == "n30"

    def test_no_suggestion_without_nodes(self) -> None:
        text = doc("Orders { # O", "n1.handle(right) -> Zed.handle(left)", "}")
        found = diagnostics(text)
        assert [(d.code, d.start, d.end, d.message, d.fix) for d in found] == [
            ("FZ101", 0, 2, "`n1` is not declared", None),
            ("FZ101", 20, 23, "`Zed` is not declared", None),
        ]

    def test_near_miss_forward_reference(self) -> None:
        # n3 is declared after the edge that names it, in another lane.
        assert diagnostics(doc(*BASE)) == []


class TestFZ102UnknownLane:
    def test_misspelt_prefix(self) -> None:
        text = base(l4='n2.handle(bottom) -> Bliling.n3.handle(top) [label="Charge"]')
        d = only(text)
        assert d == Diagnostic(
            "FZ102",
            4,
            21,
            28,
            "no lane is called `Bliling`; did you mean `Billing`?",
            (),
            Fix("Change to `Billing`", (Replacement(0, 21, 28, "Billing"),)),
        )
        assert covered(text, d) == "Bliling"

    def test_suggests_the_lane_the_node_lives_in_first(self) -> None:
        text = base(l4='n2.handle(bottom) -> Orderz.n3.handle(top) [label="Charge"]')
        d = only(text)
        assert d.message == "no lane is called `Orderz`; did you mean `Billing`?"
        assert d.fix == Fix("Change to `Billing`", (Replacement(0, 21, 27, "Billing"),))

    def test_lane_ids_are_case_sensitive(self) -> None:
        text = base(l4='n2.handle(bottom) -> billing.n3.handle(top) [label="Charge"]')
        assert only(text).message == "no lane is called `billing`; did you mean `Billing`?"

    def test_near_miss(self) -> None:
        assert diagnostics(doc(*BASE)) == []


class TestFZ103WrongLanePrefix:
    def test_prefix_names_another_lane(self) -> None:
        text = base(l8='n3.handle(top) -> Billing.n2.handle(bottom) [label="Paid"]')
        d = only(text)
        assert d == Diagnostic(
            "FZ103",
            8,
            18,
            25,
            "`n2` is in lane `Orders`, not `Billing`",
            (Related(2, 0, 2, "`n2` is declared in lane `Orders`"),),
            Fix("Change to `Orders`", (Replacement(0, 18, 25, "Orders"),)),
        )
        assert covered(text, d) == "Billing"

    def test_wrong_prefix_on_a_local_node_offers_to_remove_it(self) -> None:
        text = base(l3="n1.handle(right) -> Billing.n2.handle(left)")
        d = only(text)
        assert (d.code, d.line, d.start, d.end) == ("FZ103", 3, 20, 27)
        assert d.fix == Fix("Remove the prefix `Billing.`", (Replacement(0, 20, 28, ""),))

    def test_on_the_source(self) -> None:
        text = base(l3="Billing.n1.handle(right) -> n2.handle(left)")
        d = only(text)
        assert (d.code, d.start, d.end, d.message) == ("FZ103", 0, 7, "`n1` is in lane `Orders`, not `Billing`")

    def test_near_miss_prefix_on_a_local_node_is_allowed(self) -> None:
        assert diagnostics(base(l3="Orders.n1.handle(right) -> Orders.n2.handle(left)")) == []

    def test_near_miss_lane_declared_twice_is_one_lane(self) -> None:
        # The second `Billing` lane is FZ202; references into it are not also FZ103/FZ104/FZ303.
        text = doc(
            *BASE,
            "Billing { # Billing again",
            'n4: rectangle label:"Refund"',
            "n4.handle(top) -> Orders.n1.handle(bottom)",
            "n3.handle(right) -> Billing.n4.handle(left)",
            "n4.handle(left) -> n3.handle(right)",
            "}",
        )
        assert [d.code for d in diagnostics(text)] == ["FZ202"]


class TestFZ104MissingPrefix:
    def test_cross_lane_target_without_prefix(self) -> None:
        text = base(l4='n2.handle(bottom) -> n3.handle(top) [label="Charge"]')
        d = only(text)
        assert d == Diagnostic(
            "FZ104",
            4,
            21,
            23,
            "`n3` is in lane `Billing`: a cross-lane target needs its prefix, `Billing.n3`",
            (Related(7, 0, 2, "`n3` is declared in lane `Billing`"),),
            Fix("Add the prefix `Billing.`", (Replacement(0, 21, 21, "Billing."),)),
        )
        assert covered(text, d) == "n3"

    def test_after_a_chinese_label(self) -> None:
        text = base(
            l2='n2: rectangle label:"创建订单"',
            l3='n1.handle(right) -> n2.handle(left) [label="下单"]\nn2.handle(right) -> n3.handle(left)',
        )
        d = only(text)
        assert (d.code, d.line, d.start, d.end) == ("FZ104", 4, 20, 22)

    def test_near_miss_source_and_loop_members_need_no_prefix(self) -> None:
        text = base(l9="loop [settle] n3 n2\n}")
        assert diagnostics(text) == []


class TestFZ105NotADirection:
    def test_alias(self) -> None:
        text = base(l3="n1.handle(up) -> n2.handle(left)")
        d = only(text)
        assert d == Diagnostic(
            "FZ105",
            3,
            10,
            12,
            "`up` is not a direction; did you mean `top`? Directions are left, right, top and bottom",
            (),
            Fix("Change to `top`", (Replacement(0, 10, 12, "top"),)),
        )
        assert covered(text, d) == "up"

    def test_wrong_case(self) -> None:
        text = base(l3="n1.handle(right) -> n2.handle(Left)")
        d = only(text)
        assert (d.start, d.end) == (30, 34)
        assert d.fix == Fix("Change to `left`", (Replacement(0, 30, 34, "left"),))

    def test_no_suggestion(self) -> None:
        text = base(l3="n1.handle(sideways) -> n2.handle(left)")
        d = only(text)
        assert d == Diagnostic(
            "FZ105", 3, 10, 18, "`sideways` is not a direction. Directions are left, right, top and bottom"
        )

    @pytest.mark.parametrize("direction", ["left", "right", "top", "bottom"])
    def test_near_miss(self, direction: str) -> None:
        assert diagnostics(base(l3=f"n1.handle({direction}) -> n2.handle({direction})")) == []


class TestFZ106MissingHandle:
    def test_both_ends(self) -> None:
        text = base(l3="n1 -> n2")
        assert diagnostics(text) == [
            Diagnostic(
                "FZ106",
                3,
                0,
                2,
                "the edge's source needs a handle: `n1.handle(right)`",
                (),
                Fix("Add `.handle(right)`", (Replacement(0, 2, 2, ".handle(right)"),)),
            ),
            Diagnostic(
                "FZ106",
                3,
                6,
                8,
                "the edge's target needs a handle: `n2.handle(left)`",
                (),
                Fix("Add `.handle(left)`", (Replacement(0, 8, 8, ".handle(left)"),)),
            ),
        ]

    def test_prefixed_endpoint_is_the_whole_range(self) -> None:
        text = base(l4='n2.handle(bottom) -> Billing.n3 [label="Charge"]')
        d = only(text)
        assert (d.code, d.start, d.end) == ("FZ106", 21, 31)
        assert covered(text, d) == "Billing.n3"
        assert d.message == "the edge's target needs a handle: `Billing.n3.handle(left)`"

    def test_near_miss(self) -> None:
        assert diagnostics(base(l3="n1.handle(right)   ->   n2.handle(left)")) == []


# --- FZ2xx: declarations ---------------------------------------------------------------------------


class TestFZ201DuplicateNode:
    def test_same_id_in_another_lane(self) -> None:
        text = base(l7='n3: rectangle label:"Charge card"\n  n2: rectangle label:"Copy"')
        d = only(text)
        assert d == Diagnostic(
            "FZ201",
            8,
            2,
            4,
            "node `n2` is already declared in lane `Orders`; node IDs are unique across lanes",
            (Related(2, 0, 2, "first declaration of `n2`"),),
            Fix("Rename this `n2` to `n4`, the next free number", (Replacement(0, 2, 4, "n4"),)),
        )
        assert covered(text, d) == "n2"
        # References resolve to the first declaration.
        node = analyze_text(text).node_table["n2"]
        assert (node.line, node.lane.id if node.lane else None) == (2, "Orders")

    def test_replacing_a_declaration(self) -> None:
        text = base(l7='n2: rectangle label:"Charge card"')
        assert [(d.code, d.line, d.start) for d in diagnostics(text)] == [
            ("FZ101", 4, 29),  # Billing.n3 is gone
            ("FZ201", 7, 0),
            ("FZ101", 8, 0),
        ]

    def test_near_miss(self) -> None:
        assert diagnostics(doc(*BASE)) == []


class TestFZ202DuplicateLane:
    def test_second_header(self) -> None:
        text = doc(
            *BASE, "  Billing { # Refunds", 'n4: circle label:"Refund"', "n4.handle(top) -> n3.handle(bottom)", "}"
        )
        d = only(text)
        assert d == Diagnostic(
            "FZ202",
            10,
            2,
            9,
            "lane `Billing` is declared twice; lane IDs are unique",
            (Related(6, 0, 7, "first declaration of `Billing`"),),
        )

    def test_near_miss_case_differs(self) -> None:
        text = doc(
            *BASE,
            "billing { # Refunds",
            'n4: circle label:"Refund"',
            "n4.handle(top) -> Billing.n3.handle(bottom)",
            "}",
        )
        assert diagnostics(text) == []


class TestFZ203BadNodeId:
    def test_word(self) -> None:
        text = base(l1='start: circle label:"Start"', l3="start.handle(right) -> n2.handle(left)")
        found = diagnostics(text)
        assert found[0] == Diagnostic(
            "FZ203", 1, 0, 5, "node ID `start` is not valid: node IDs are `n` followed by a number (n1, n2, ...)"
        )
        assert covered(text, found[0]) == "start"

    def test_zero(self) -> None:
        text = base(l1='n0: circle label:"Start"', l3="n0.handle(right) -> n2.handle(left)")
        found = diagnostics(text)
        assert found[0] == Diagnostic("FZ203", 1, 0, 2, "node ID `n0` is not valid: node numbers start at 1")

    def test_leading_zero_has_a_fix(self) -> None:
        text = base(l1='n01: circle label:"Start"', l3="n01.handle(right) -> n2.handle(left)")
        found = diagnostics(text)
        assert found[0] == Diagnostic(
            "FZ203",
            1,
            0,
            3,
            "node ID `n01` is not valid: node numbers have no leading zeros",
            (),
            Fix("Change to `n1`", (Replacement(0, 0, 3, "n1"),)),
        )

    def test_near_miss_lane_id_that_looks_like_a_node(self) -> None:
        text = doc(
            "n8nTrigger { # n8n Trigger",
            'n1: circle label:"Webhook"',
            "n1.handle(right) -> Flow.n2.handle(left)",
            "}",
            "Flow { # Flow",
            'n2: rectangle label:"Run"',
            "n2.handle(left) -> n8nTrigger.n1.handle(right)",
            "}",
        )
        assert diagnostics(text) == []


class TestFZ204Numbering:
    def test_number_past_the_end(self) -> None:
        text = base(
            l7='n7: rectangle label:"Charge card"',
            l8='n7.handle(top) -> Orders.n2.handle(bottom) [label="Paid"]',
            l4='n2.handle(bottom) -> Billing.n7.handle(top) [label="Charge"]',
        )
        d = only(text)
        assert d == Diagnostic(
            "FZ204", 7, 0, 2, "node numbers should run n1..n3 with 3 nodes: n7 is past the end and n3 is missing"
        )

    def test_each_id_past_the_gap(self) -> None:
        text = doc(
            "A { # A",
            'n2: circle label:"Two"',
            'n5: circle label:"Five"',
            'n4: circle label:"Four"',
            "n2.handle(right) -> n5.handle(left)",
            "n5.handle(right) -> n4.handle(left)",
            "}",
        )
        assert diagnostics(text) == [
            Diagnostic(
                "FZ204",
                2,
                0,
                2,
                "node numbers should run n1..n3 with 3 nodes: n5 is past the end and n1, n3 are missing",
            ),
            Diagnostic(
                "FZ204",
                3,
                0,
                2,
                "node numbers should run n1..n3 with 3 nodes: n4 is past the end and n1, n3 are missing",
            ),
        ]

    def test_single_node_message_is_singular(self) -> None:
        text = doc("A { # A", 'n2: circle label:"Two"', "n2.handle(right) -> n2.handle(left)", "}")
        assert [d for d in diagnostics(text) if d.code == "FZ204"] == [
            Diagnostic(
                "FZ204", 1, 0, 2, "node numbers should run n1..n1 with 1 node: n2 is past the end and n1 is missing"
            )
        ]

    def test_near_miss_declaration_order_is_free(self) -> None:
        text = base(
            l1='n3: circle label:"Start"',
            l3="n3.handle(right) -> n2.handle(left)",
            l7='n1: rectangle label:"Charge card"',
            l8='n1.handle(top) -> Orders.n2.handle(bottom) [label="Paid"]',
            l4='n2.handle(bottom) -> Billing.n1.handle(top) [label="Charge"]',
        )
        assert diagnostics(text) == []


class TestFZ205UnknownShape:
    def test_alias(self) -> None:
        text = base(l2='n2: rect label:"Create order"')
        d = only(text)
        assert d == Diagnostic(
            "FZ205",
            2,
            4,
            8,
            "unknown shape `rect`; did you mean `rectangle`? Shapes are circle, rectangle, diamond and taskbox",
            (),
            Fix("Change to `rectangle`", (Replacement(0, 4, 8, "rectangle"),)),
        )

    def test_wrong_case(self) -> None:
        d = only(base(l1='n1: Circle label:"Start"'))
        assert (d.code, d.start, d.end) == ("FZ205", 4, 10)
        assert d.fix == Fix("Change to `circle`", (Replacement(0, 4, 10, "circle"),))

    def test_no_suggestion(self) -> None:
        d = only(base(l2='n2: hexagon label:"Create order"'))
        assert d == Diagnostic(
            "FZ205", 2, 4, 11, "unknown shape `hexagon`. Shapes are circle, rectangle, diamond and taskbox"
        )

    @pytest.mark.parametrize("shape", ["circle", "rectangle", "diamond", "taskbox"])
    def test_near_miss(self, shape: str) -> None:
        assert diagnostics(base(l2=f'n2: {shape} label:"Create order"')) == []


class TestFZ206UnknownKey:
    def test_unknown_key(self) -> None:
        text = base(l2='n2: rectangle label:"Create order" priority:"high"')
        d = only(text)
        assert d == Diagnostic(
            "FZ206",
            2,
            35,
            43,
            "unknown attribute `priority`. Nodes take label, owner, description and system",
        )
        assert covered(text, d) == "priority"

    def test_alias_after_emoji_label(self) -> None:
        # The emoji is one code point: the key after it starts at column 30.
        text = base(l2='n2: rectangle label:"🚚 ship" title:"x"')
        assert diagnostics(text) == [
            Diagnostic(
                "FZ212",
                2,
                21,
                22,
                "emoji U+1F69A in a label: FlowZap does not allow emoji or control characters",
            ),
            Diagnostic(
                "FZ206",
                2,
                29,
                34,
                "unknown attribute `title`; did you mean `label`? Nodes take label, owner, description and system",
                (),
                Fix("Change to `label`", (Replacement(0, 29, 34, "label"),)),
            ),
        ]

    def test_near_miss_all_keys(self) -> None:
        text = base(l2='n2: taskbox label:"Create" owner:"Ops" description:"Check stock" system:"ERP"')
        assert diagnostics(text) == []


class TestFZ207NodeAttributeWithEquals:
    def test_equals(self) -> None:
        text = base(l2='n2: rectangle label="Create order"')
        d = only(text)
        assert d == Diagnostic(
            "FZ207",
            2,
            19,
            20,
            'node attributes take `:`, not `=` (`label:"..."`)',
            (),
            Fix("Change `=` to `:`", (Replacement(0, 19, 20, ":"),)),
        )
        assert covered(text, d) == "="

    def test_near_miss(self) -> None:
        assert diagnostics(base(l2='n2: rectangle label : "Create order"')) == []


class TestFZ208EdgeLabelWithColon:
    def test_colon(self) -> None:
        text = base(l4='n2.handle(bottom) -> Billing.n3.handle(top) [label:"Charge"]')
        d = only(text)
        assert d == Diagnostic(
            "FZ208",
            4,
            50,
            51,
            'edge labels take `=`, not `:` (`[label="..."]`)',
            (),
            Fix("Change `:` to `=`", (Replacement(0, 50, 51, "="),)),
        )
        assert covered(text, d) == ":"

    def test_near_miss(self) -> None:
        assert diagnostics(base(l4='n2.handle(bottom) -> Billing.n3.handle(top) [ label = "Charge" ]')) == []


class TestFZ209AttributeTwice:
    def test_second_key(self) -> None:
        text = base(l2='n2: rectangle label:"Create" owner:"Ops" label:"Create order"')
        d = only(text)
        assert d == Diagnostic("FZ209", 2, 41, 46, "`label` is given twice on this node; FlowZap keeps one")

    def test_near_miss(self) -> None:
        assert diagnostics(base(l2='n2: rectangle label:"Create" owner:"Ops"')) == []


class TestFZ210NoLabel:
    def test_rectangle_without_label(self) -> None:
        text = base(l2='n2: rectangle owner:"Ops"')
        d = only(text)
        assert d == Diagnostic(
            "FZ210",
            2,
            0,
            2,
            'node `n2` has no label; add `label:"..."`',
            (),
            Fix("Add a label", (Replacement(0, 13, 13, ' label:""'),)),
        )

    def test_circle_with_description_still_needs_one(self) -> None:
        assert only(base(l1='n1: circle description:"Start"')).code == "FZ210"

    def test_near_miss_taskbox_with_description(self) -> None:
        assert diagnostics(base(l2='n2: taskbox description:"Create the order" owner:"Ops"')) == []


class TestFZ211LongLabel:
    def test_fifty_one_characters(self) -> None:
        label = "x" * 51
        text = base(l2=f'n2: rectangle label:"{label}"')
        d = only(text)
        assert d == Diagnostic("FZ211", 2, 20, 73, "label is 51 characters long; FlowZap warns above 50")
        assert covered(text, d) == f'"{label}"'

    def test_counts_characters_not_bytes(self) -> None:
        text = base(l2=f'n2: rectangle label:"{"订" * 51}"')
        d = only(text)
        assert (d.code, d.start, d.end) == ("FZ211", 20, 73)

    def test_edge_label(self) -> None:
        text = base(l4=f'n2.handle(bottom) -> Billing.n3.handle(top) [label="{"y" * 60}"]')
        d = only(text)
        assert d == Diagnostic("FZ211", 4, 51, 113, "edge label is 60 characters long; FlowZap warns above 50")

    def test_near_miss_fifty_characters_and_escapes(self) -> None:
        assert diagnostics(base(l2=f'n2: rectangle label:"{"订" * 50}"')) == []
        # Fifty characters once the escapes are read: 50 quotes written as \" (100 characters of source).
        assert diagnostics(base(l2='n2: rectangle label:"' + '\\"' * 50 + '"')) == []


class TestFZ212ForbiddenCharacter:
    def test_emoji_after_chinese(self) -> None:
        text = base(l2='n2: rectangle label:"订单已发货 🚚"')
        d = only(text)
        assert d == Diagnostic(
            "FZ212", 2, 27, 28, "emoji U+1F69A in a label: FlowZap does not allow emoji or control characters"
        )
        assert covered(text, d) == "🚚"

    def test_control_character(self) -> None:
        text = base(l2='n2: rectangle label:"Create\torder"')
        assert only(text) == Diagnostic(
            "FZ212",
            2,
            27,
            28,
            "control character U+0009 in a label: FlowZap does not allow emoji or control characters",
        )

    def test_lane_label(self) -> None:
        text = base(l6="Billing { # 账单 💳")
        d = only(text)
        assert d == Diagnostic(
            "FZ212", 6, 15, 16, "emoji U+1F4B3 in a lane label: FlowZap does not allow emoji or control characters"
        )

    def test_edge_label(self) -> None:
        text = base(l4='n2.handle(bottom) -> Billing.n3.handle(top) [label="✅ ok"]')
        d = only(text)
        assert (d.code, d.line, d.start, d.end) == ("FZ212", 4, 52, 53)
        assert d.message == "emoji U+2705 in an edge label: FlowZap does not allow emoji or control characters"

    def test_near_miss_non_ascii_text(self) -> None:
        text = base(
            l2='n2: rectangle label:"Créer la commande → 订单 & <ok>? $5 / (a:b)"', l6="Billing { # Facturación"
        )
        assert diagnostics(text) == []


# --- FZ3xx: placement ----------------------------------------------------------------------------


class TestFZ301LabelOnNextLine:
    def test_hash_line_after_bare_header(self) -> None:
        text = base(l6="Billing {\n# Billing dept")
        d = only(text)
        assert d == Diagnostic(
            "FZ301",
            7,
            0,
            14,
            "the lane's display label belongs on the header line, after `{`",
            (),
            Fix(
                "Move the label onto the header line",
                (Replacement(-1, 9, 9, " # Billing dept"), Replacement(0, 0, 14, "")),
            ),
        )
        lane = analyze_text(text).lane_table["Billing"]
        assert lane.label == "Billing dept"

    def test_near_miss_label_on_header(self) -> None:
        model = analyze_text(doc(*BASE))
        assert model.diagnostics == []
        assert model.lane_table["Billing"].label == "Billing"


class TestFZ302Comment:
    def test_slash_comment(self) -> None:
        text = base(l3="  // link the two\nn1.handle(right) -> n2.handle(left)")
        d = only(text)
        assert d == Diagnostic(
            "FZ302", 3, 2, 17, "FlowZap drops comments; only a lane's `# Display label` on its header line is kept"
        )

    def test_hash_comment_after_labelled_header(self) -> None:
        d = only(base(l6="Billing { # Billing\n# more words"))
        assert (d.code, d.line, d.start, d.end) == ("FZ302", 7, 0, 12)

    def test_near_miss_hash_inside_a_label(self) -> None:
        assert diagnostics(base(l2='n2: rectangle label:"Order #42 // urgent"')) == []


class TestFZ303EdgeInWrongLane:
    def test_source_in_another_lane(self) -> None:
        text = base(l8='Orders.n2.handle(top) -> n3.handle(bottom) [label="Paid"]', l4="")
        # The edge from n2 is now written in Billing (and n3 is its local target).
        d = only(text)
        assert d == Diagnostic(
            "FZ303",
            8,
            0,
            21,
            "this edge starts at `n2` in lane `Orders` but is written in lane `Billing`; write it in `Orders`",
            (Related(2, 0, 2, "`n2` is declared in lane `Orders`"),),
        )
        assert covered(text, d) == "Orders.n2.handle(top)"

    def test_near_miss(self) -> None:
        assert diagnostics(doc(*BASE)) == []


class TestFZ304OutsideEveryLane:
    def test_edge(self) -> None:
        text = doc(*BASE, 'n1.handle(top) -> Billing.n3.handle(top) [label="Top"]')
        assert only(text) == Diagnostic(
            "FZ304", 10, 0, 54, "edge outside every lane: write it inside its source node's lane"
        )

    def test_loop(self) -> None:
        text = doc("  loop [again] n1 n2", *BASE)
        assert only(text) == Diagnostic("FZ304", 0, 2, 20, "loop outside every lane: write it inside a lane")

    def test_near_miss_inside(self) -> None:
        assert diagnostics(base(l5="loop [again] n1 n2\n}")) == []


# --- FZ4xx: loops --------------------------------------------------------------------------------


class TestFZ401ShortLoop:
    def test_one_member(self) -> None:
        text = base(l5="loop [again] n1\n}")
        d = only(text)
        assert d == Diagnostic("FZ401", 5, 0, 4, "loop has one member; a loop takes two or more nodes")
        assert covered(text, d) == "loop"

    def test_no_member(self) -> None:
        assert only(base(l5="  loop [again]\n}")) == Diagnostic(
            "FZ401", 5, 2, 6, "loop has no members; a loop takes two or more nodes"
        )

    def test_near_miss(self) -> None:
        assert diagnostics(base(l5="loop [again] n1 Billing.n3\n}")) == []


class TestFZ402LoopRepeat:
    def test_repeat(self) -> None:
        text = base(l5="loop [again] n1 n2 Orders.n1\n}")
        d = only(text)
        assert d == Diagnostic(
            "FZ402",
            5,
            19,
            28,
            "`n1` is listed twice in this loop",
            (),
            Fix("Remove the repeat", (Replacement(0, 18, 28, ""),)),
        )
        assert covered(text, d) == "Orders.n1"

    def test_near_miss(self) -> None:
        assert diagnostics(base(l5="loop [n1 n1 in the text is free] n1 n2\n}")) == []


# --- FZ5xx: graph ----------------------------------------------------------------------------------


class TestFZ501Orphan:
    def test_orphan(self) -> None:
        text = base(l7='n3: rectangle label:"Charge card"\nn4: circle label:"Unused"')
        d = only(text)
        assert d == Diagnostic("FZ501", 8, 0, 2, "node `n4` takes part in no edge")

    def test_loop_membership_is_not_an_edge(self) -> None:
        text = base(l7='n3: rectangle label:"Charge card"\nn4: circle label:"Unused"', l9="loop [x] n3 n4\n}")
        assert only(text).code == "FZ501"

    def test_near_miss_target_only(self) -> None:
        text = base(
            l7='n3: rectangle label:"Charge card"\nn4: circle label:"Done"',
            l8='n3.handle(top) -> Orders.n2.handle(bottom) [label="Paid"]\nn3.handle(right) -> n4.handle(left)',
        )
        assert diagnostics(text) == []


class TestFZ502DuplicateEdge:
    def test_same_ends_and_handles(self) -> None:
        text = base(
            l3='n1.handle(right) -> n2.handle(left)\nn1.handle(right) -> Orders.n2.handle(left) [label="again"]'
        )
        d = only(text)
        assert d == Diagnostic(
            "FZ502",
            4,
            0,
            58,
            "this edge from `n1` to `n2` is already drawn",
            (Related(3, 0, 35, "the same edge"),),
        )

    def test_near_miss_other_handle(self) -> None:
        text = base(l3="n1.handle(right) -> n2.handle(left)\nn1.handle(bottom) -> n2.handle(left)")
        assert diagnostics(text) == []


class TestFZ503SelfEdge:
    def test_self_edge(self) -> None:
        text = base(l3='n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n2.handle(top) [label="retry"]')
        d = only(text)
        assert d == Diagnostic("FZ503", 4, 0, 50, "edge from `n2` to itself")
        assert d.default_severity is Severity.INFO

    def test_near_miss(self) -> None:
        assert diagnostics(base(l3="n1.handle(right) -> n2.handle(left)")) == []


SEQUENCE = [
    "Client { # Client",
    'n1: circle label:"Order"',
    'n4: circle label:"Done"',
    "n1.handle(bottom) -> Api.n2.handle(top)",  # 3: request Client -> Api
    "n1.handle(right) -> Api.n3.handle(top)",  # 4: another request before the answer
    "}",
    "Api { # API",
    'n2: rectangle label:"Accept"',
    'n3: rectangle label:"Check"',
    "n2.handle(top) -> Client.n4.handle(bottom)",  # 9: the answer
    "n3.handle(right) -> n2.handle(right)",
    "}",
]


class TestFZ504And505SequenceRules:
    """Off by default: not in `diagnostics`, computed on request by `sequence_diagnostics`."""

    def test_fz504_request_without_edge_back(self) -> None:
        model = analyze_text(doc(*SEQUENCE[:9], "n2.handle(right) -> n3.handle(right)", "}"))
        assert model.sequence_diagnostics() == [
            Diagnostic("FZ504", 3, 0, 39, "request from lane `Client` to `Api` has no edge back"),
            Diagnostic("FZ504", 4, 0, 38, "request from lane `Client` to `Api` has no edge back"),
            Diagnostic(
                "FZ505",
                4,
                0,
                38,
                "lane `Client` sends a new request before `Api` answered the previous one",
                (Related(3, 0, 39, "the unanswered request"),),
            ),
        ]

    def test_fz505_ping_pong(self) -> None:
        model = analyze_text(doc(*SEQUENCE))
        assert model.diagnostics == []
        assert [d.default_severity for d in model.sequence_diagnostics()] == [Severity.OFF]
        assert model.sequence_diagnostics() == [
            Diagnostic(
                "FZ505",
                4,
                0,
                38,
                "lane `Client` sends a new request before `Api` answered the previous one",
                (Related(3, 0, 39, "the unanswered request"),),
            ),
        ]

    def test_near_miss_request_answered_before_the_next(self) -> None:
        text = doc(
            "Client { # Client",
            'n1: circle label:"Order"',
            'n4: circle label:"Done"',
            "n1.handle(bottom) -> Api.n2.handle(top)",
            "}",
            "Api { # API",
            'n2: rectangle label:"Accept"',
            'n3: rectangle label:"Check"',
            "n2.handle(top) -> Client.n4.handle(bottom)",
            "n3.handle(right) -> n2.handle(right)",
            "}",
            "Client2 { # Client again",
            'n5: circle label:"Again"',
            "n5.handle(bottom) -> Api.n3.handle(top)",
            "}",
        )
        model = analyze_text(text)
        assert model.diagnostics == []
        assert [d.code for d in model.sequence_diagnostics()] == ["FZ504"]
        # Client -> Api was answered before Client2 asked; FZ505 needs the same lane asking twice.
        assert all(d.code != "FZ505" for d in model.sequence_diagnostics())


# --- one bad line, one diagnostic --------------------------------------------------------------------

BAD_LINES = [
    # (line put in place of BASE[3], the one diagnostic it gives)
    ("n1.handle(right) => n2.handle(left)", ("FZ001", 17, 18)),
    ("n1.handle(right) -> n2.handle(42)", ("FZ001", 30, 31)),
    ("n1.handle(right) -> n2.handle(", ("FZ001", 29, 30)),
    ('n1.handle(right) -> n2.handle(left) [label="unterminated', ("FZ002", 43, 56)),
    ("n1.handle(right) -> -> n2.handle(left)", ("FZ001", 20, 22)),
    ("n1.handle(right) n2.handle(left)", ("FZ001", 17, 19)),
    ("n1.handle(right) -> n2.handle(left) }", ("FZ001", 36, 37)),
    ("n1.handle(right) -> A.B.n2.handle(left)", ("FZ001", 23, 26)),
    ("n1.handle(right) -> n2.handle(left) [label=]", ("FZ001", 43, 44)),
]


@pytest.mark.parametrize(("bad", "expected"), BAD_LINES, ids=[b for b, _ in BAD_LINES])
def test_one_bad_line_gives_one_diagnostic(bad: str, expected: tuple[str, int, int]) -> None:
    # The bad line is the only edge between n1 and n2: no orphan warnings follow from it.
    found = diagnostics(base(l3=bad))
    assert [(d.code, d.line, d.start, d.end) for d in found] == [(expected[0], 3, expected[1], expected[2])]


@pytest.mark.parametrize(
    "bad",
    ["My Orders { # Order Handling", "9Orders { # Order Handling", "Orders! {", "Orders. {"],
)
def test_bad_lane_header_still_opens_its_lane(bad: str) -> None:
    # Its nodes stay inside a lane and its `}` closes it: no FZ001 per node, no FZ304, no FZ004.
    # `Orders.n2` on line 8 names a lane whose ID could not be read: that is FZ102.
    text = base(l0=bad)
    found = diagnostics(text)
    assert [(d.code, d.line) for d in found] == [("FZ001", 0), ("FZ102", 8)]
    model = analyze_text(text)
    assert [node.lane is model.lanes[0] for node in model.nodes[:2]] == [True, True]
    assert model.lanes[0].closed


def test_reference_to_a_node_on_a_broken_line_still_resolves() -> None:
    # n2's line has an unterminated string, but its ID and shape read: edges to it resolve.
    text = base(l2='n2: rectangle label:"Create order')
    model = analyze_text(text)
    assert [d.code for d in model.diagnostics] == ["FZ002"]
    assert "n2" in model.node_table
    assert [r.line for r in model.references_to("n2")] == [3, 4, 8]


def test_lines_after_a_bad_line_are_still_checked() -> None:
    text = base(l3="n1.handle(right) => n2.handle(left)", l7='n3: rect label:"Charge card"')
    assert [(d.code, d.line) for d in diagnostics(text)] == [("FZ001", 3), ("FZ205", 7)]
