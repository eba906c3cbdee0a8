"""`parse_line`: every statement kind, with its spans, and what a broken line still yields."""

from __future__ import annotations

import pytest

from fz_lsp.syntax.parser import parse_line
from fz_lsp.syntax.statements import (
    Attribute,
    Blank,
    Comment,
    Edge,
    Endpoint,
    Handle,
    LaneClose,
    LaneHeader,
    Loop,
    Name,
    NodeDecl,
    Ref,
    SyntaxProblem,
    Text,
    Unparsed,
)


def N(text: str, start: int) -> Name:
    return Name(text, start, start + len(text))


# --- each statement kind ----------------------------------------------------------------------


@pytest.mark.parametrize("line", ["", " ", "\t\t", " \f\v ", "\ufeff"])
def test_blank(line: str) -> None:
    assert parse_line(line) == Blank()


def test_lane_header() -> None:
    assert parse_line("Orders {") == LaneHeader(N("Orders", 0), N("{", 7), None)


def test_lane_header_with_label() -> None:
    statement = parse_line("  Orders{ #  订单 Handling ")
    assert statement == LaneHeader(N("Orders", 2), N("{", 8), N("#  订单 Handling ", 10))
    assert isinstance(statement, LaneHeader) and statement.display_label == "订单 Handling"


def test_lane_close() -> None:
    assert parse_line("\t}") == LaneClose(N("}", 1))


def test_node_with_every_key() -> None:
    line = 'n3: taskbox label:"Review" owner:"Ops" description:"Check stock" system:"ERP"'
    assert parse_line(line) == NodeDecl(
        N("n3", 0),
        N("taskbox", 4),
        (
            Attribute(N("label", 12), N(":", 17), Text('"Review"', "Review", 18, 26)),
            Attribute(N("owner", 27), N(":", 32), Text('"Ops"', "Ops", 33, 38)),
            Attribute(N("description", 39), N(":", 50), Text('"Check stock"', "Check stock", 51, 64)),
            Attribute(N("system", 65), N(":", 71), Text('"ERP"', "ERP", 72, 77)),
        ),
    )


def test_node_without_attributes() -> None:
    statement = parse_line("n12: diamond")
    assert statement == NodeDecl(N("n12", 0), N("diamond", 5), ())
    assert isinstance(statement, NodeDecl) and statement.label is None


def test_node_label_property_unescapes() -> None:
    statement = parse_line(r'n1: circle label:"say \"hi\" to C:\\temp"')
    assert isinstance(statement, NodeDecl)
    assert statement.label == 'say "hi" to C:\\temp'
    assert statement.attributes[0].value == Text(r'"say \"hi\" to C:\\temp"', 'say "hi" to C:\\temp', 17, 41)


def test_escaped_backslash_before_the_closing_quote() -> None:
    statement = parse_line(r'n1: circle label:"ends in \\" owner:"x"')
    assert isinstance(statement, NodeDecl)
    assert [a.value.value for a in statement.attributes] == ["ends in \\", "x"]


def test_label_with_free_text() -> None:
    statement = parse_line('n1: rectangle label:"& ! ? / : ( ) < > = $ # // -> [x] {y} 订单 é"')
    assert isinstance(statement, NodeDecl) and statement.problem is None
    assert statement.label == "& ! ? / : ( ) < > = $ # // -> [x] {y} 订单 é"


def test_edge() -> None:
    line = "n1.handle(right) -> n2.handle(left)"
    assert parse_line(line) == Edge(
        Endpoint(Ref(None, N("n1", 0)), Handle(N("handle", 3), N("right", 10), 2, 16), 0, 16),
        N("->", 17),
        Endpoint(Ref(None, N("n2", 20)), Handle(N("handle", 23), N("left", 30), 22, 35), 20, 35),
        None,
        35,
        35,
    )


def test_edge_with_prefix_and_label() -> None:
    line = 'n2.handle(bottom) -> Billing.n4.handle(top) [label="Charge 💳"]'
    statement = parse_line(line)
    assert statement == Edge(
        Endpoint(Ref(None, N("n2", 0)), Handle(N("handle", 3), N("bottom", 10), 2, 17), 0, 17),
        N("->", 18),
        Endpoint(Ref(N("Billing", 21), N("n4", 29)), Handle(N("handle", 32), N("top", 39), 31, 43), 21, 43),
        Attribute(N("label", 45), N("=", 50), Text('"Charge 💳"', "Charge 💳", 51, 61)),
        44,
        62,
    )
    assert isinstance(statement, Edge) and (statement.start, statement.end) == (0, 62)


def test_edge_without_spaces() -> None:
    statement = parse_line("n1.handle(right)->n2.handle(left)")
    assert isinstance(statement, Edge) and statement.problem is None
    assert statement.arrow == N("->", 16)


def test_edge_without_handles() -> None:
    statement = parse_line("Orders.n1 -> n2")
    assert statement == Edge(
        Endpoint(Ref(N("Orders", 0), N("n1", 7)), None, 0, 9),
        N("->", 10),
        Endpoint(Ref(None, N("n2", 13)), None, 13, 15),
        None,
        15,
        15,
    )


def test_loop() -> None:
    statement = parse_line("loop [retry: up to 3 times] n1 Billing.n4  n2")
    assert statement == Loop(
        N("loop", 0),
        N("[retry: up to 3 times]", 5),
        (Ref(None, N("n1", 28)), Ref(N("Billing", 31), N("n4", 39)), Ref(None, N("n2", 43))),
    )
    assert isinstance(statement, Loop) and statement.end == 45


def test_loop_without_members() -> None:
    statement = parse_line("loop []")
    assert statement == Loop(N("loop", 0), N("[]", 5), ())
    assert isinstance(statement, Loop) and statement.end == 7


@pytest.mark.parametrize(("line", "start"), [("# note", 0), ("  // note: x", 2), ("#", 0), ("//", 0)])
def test_comment(line: str, start: int) -> None:
    assert parse_line(line) == Comment(line.strip(), start, len(line))


def test_tabs_count_as_one_column() -> None:
    statement = parse_line('\tn1:\tcircle\tlabel:\t"x"')
    assert statement == NodeDecl(
        N("n1", 1), N("circle", 5), (Attribute(N("label", 12), N(":", 17), Text('"x"', "x", 19, 22)),)
    )


def test_byte_order_mark_is_skipped_but_counted() -> None:
    # The BOM stays in the line (the client counts it), so columns are one further on.
    assert parse_line("\ufeffOrders { # O") == LaneHeader(N("Orders", 1), N("{", 8), N("# O", 10))


# --- what is parsed leniently, to be diagnosed ----------------------------------------------------


def test_wrong_separators_parse() -> None:
    node = parse_line('n1: circle label="x"')
    assert isinstance(node, NodeDecl) and node.problem is None
    assert node.attributes[0].separator == N("=", 16)
    edge = parse_line('n1.handle(right) -> n2.handle(left) [label:"x"]')
    assert isinstance(edge, Edge) and edge.problem is None and edge.label is not None
    assert edge.label.separator == N(":", 42)


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ('n1: Circle label:"x"', N("Circle", 4)),
        ('n1: RECTANGLE Label:"x"', N("RECTANGLE", 4)),
        ("n1.Handle(Right) -> n2.handle(left)", N("Handle", 3)),
        ("LOOP [x] n1 n2", N("LOOP", 0)),
    ],
)
def test_wrong_case_parses(line: str, word: Name) -> None:
    statement = parse_line(line)
    assert statement.problem is None
    if isinstance(statement, NodeDecl):
        assert statement.shape == word
    elif isinstance(statement, Edge):
        assert statement.source.handle is not None and statement.source.handle.keyword == word
        assert statement.source.handle.direction == N("Right", 10)
    else:
        assert isinstance(statement, Loop) and statement.keyword == word


# --- broken lines ---------------------------------------------------------------------------------


def test_unterminated_string_keeps_what_reads_before_it() -> None:
    line = 'n1: circle owner:"Ops" label:"Start'
    assert parse_line(line) == NodeDecl(
        N("n1", 0),
        N("circle", 4),
        (Attribute(N("owner", 11), N(":", 16), Text('"Ops"', "Ops", 17, 22)),),
        SyntaxProblem("FZ002", 'unterminated string: a closing `"` is missing', 29, 35),
    )


def test_unterminated_edge_label_keeps_the_edge() -> None:
    statement = parse_line('n1.handle(right) -> n2.handle(left) [label="Next')
    assert isinstance(statement, Edge)
    assert statement.problem == SyntaxProblem("FZ002", 'unterminated string: a closing `"` is missing', 43, 48)
    assert (statement.source.ref.node.text, statement.target.ref.node.text, statement.label) == ("n1", "n2", None)


def test_half_typed_handle_keeps_the_edge_to_its_target() -> None:
    # What reads before the error is cut back before a space, `.`, `(` or `[`: here `n1.handle(right) -> n2`,
    # so that the target still resolves (and go-to-definition works) while the handle is being typed.
    statement = parse_line("n1.handle(right) -> n2.handle(")
    assert isinstance(statement, Edge)
    assert statement.problem == SyntaxProblem(
        "FZ001", "line ends early: expected a direction: left, right, top or bottom", 29, 30
    )
    assert (statement.source.ref.node, statement.target.ref.node, statement.target.handle) == (
        N("n1", 0),
        N("n2", 20),
        None,
    )


def test_missing_colon_after_a_node_id_keeps_the_node() -> None:
    statement = parse_line('n7 rectangle label:"订单"')
    assert isinstance(statement, NodeDecl)
    assert statement.problem == SyntaxProblem("FZ001", "expected `:` after the node ID: `n7: rectangle`", 2, 3)
    assert (statement.node, statement.shape, statement.label) == (N("n7", 0), N("rectangle", 3), "订单")
    assert parse_line("Orders rectangle").problem == SyntaxProblem(
        "FZ001", "unexpected `rectangle`: expected `(`, `->`, `.`, `:`, `[text]` or `{`", 7, 16
    )


def test_half_typed_node_keeps_the_node() -> None:
    statement = parse_line("n4: rectangle label:")
    assert isinstance(statement, NodeDecl)
    assert (statement.node, statement.shape, statement.attributes) == (N("n4", 0), N("rectangle", 4), ())
    assert statement.problem is not None and statement.problem.code == "FZ001"


def test_half_typed_header_keeps_the_header() -> None:
    statement = parse_line("Orders { x")
    assert isinstance(statement, LaneHeader)
    assert statement.lane == N("Orders", 0)
    assert statement.problem == SyntaxProblem("FZ001", "unexpected `x`: expected `# display label`", 9, 10)


def test_header_that_cannot_be_read_still_opens_a_lane() -> None:
    statement = parse_line("  Order Handling { # Orders")
    assert statement == LaneHeader(
        N("Order Handling", 2),
        N("{", 17),
        N("# Orders", 19),
        SyntaxProblem("FZ001", "unexpected `Handling`: expected `(`, `->`, `.`, `:`, `[text]` or `{`", 8, 16),
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            "{",
            SyntaxProblem(
                "FZ001",
                "unexpected `{`: expected a lane header (`Lane {`), a node (`n1: rectangle`), an edge, a loop or `}`",
                0,
                1,
            ),
        ),
        ("n1", SyntaxProblem("FZ001", "line ends early: expected `(`, `->`, `.`, `:`, `[text]` or `{`", 0, 2)),
        (
            "-> n2.handle(left)",
            SyntaxProblem(
                "FZ001",
                "unexpected `->`: expected a lane header (`Lane {`), a node (`n1: rectangle`), an edge, a loop or `}`",
                0,
                2,
            ),
        ),
        (
            '"label"',
            SyntaxProblem(
                "FZ001",
                'unexpected `"label"`: expected a lane header (`Lane {`), a node '
                "(`n1: rectangle`), an edge, a loop or `}`",
                0,
                7,
            ),
        ),
    ],
)
def test_unparsed(line: str, problem: SyntaxProblem) -> None:
    assert parse_line(line) == Unparsed(problem)


@pytest.mark.parametrize(
    ("line", "message", "start", "end"),
    [
        # Something missing is shown on the last token before the spot, never as an empty range.
        ("n1:", "line ends early: expected a shape: circle, rectangle, diamond or taskbox", 2, 3),
        (
            "n1: circle label",
            'line ends early: expected `:` and a quoted value after the attribute name (`label:"..."`)',
            11,
            16,
        ),
        (
            "n1.handle(right) -> n2.handle(left) [",
            'line ends early: expected `label="..."` inside the edge\'s brackets',
            36,
            37,
        ),
        ("n1(right) -> n2.handle(left)", "expected `n1.handle(...)`: `n1(` is not a handle", 0, 2),
        ("n1.handle -> n2.handle(left)", "expected `(` and a direction after `handle`", 3, 9),
        (
            'n1.handle(right) -> n2.handle(left) [label="x"] [label="y"]',
            'unexpected `[label="y"]`: expected the end of the line',
            48,
            59,
        ),
        ("n1.handle(left right) -> n2.handle(left)", "unexpected `right`: expected `)`", 15, 20),
        ("loop", "line ends early: expected `(`, `->`, `.`, `:`, `[text]` or `{`", 0, 4),
        ("Orders.loop [x] n1 n2", "unexpected `[`: expected `->`", 12, 13),
        ("node [x] n1 n2", "unexpected `[` after `node`: only `loop` takes `[...]`", 5, 6),
    ],
)
def test_syntax_messages(line: str, message: str, start: int, end: int) -> None:
    assert parse_line(line).problem == SyntaxProblem("FZ001", message, start, end)


def test_parse_line_is_memoised() -> None:
    line = 'n77: rectangle label:"memo"'
    assert parse_line(line) is parse_line(line)


@pytest.mark.parametrize("line", ["n1\x00: circle", "\x00", 'n1: circle label:"\x00"', "}\x00", "\ud800 {"])
def test_odd_characters_never_raise(line: str) -> None:
    statement = parse_line(line)
    assert statement is not None
