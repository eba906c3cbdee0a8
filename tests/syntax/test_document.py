"""`SourceText`: lines, endings and statements of one file, and single edits to it."""

from __future__ import annotations

import pytest

from fz_lsp.analysis import analyze_text
from fz_lsp.syntax.document import SourceText, split_lines
from fz_lsp.syntax.parser import parse_line
from fz_lsp.syntax.statements import Blank, Edge, LaneClose, LaneHeader, NodeDecl

TEXT = (
    'Orders { # Orders\nn1: circle label:"Start"\nn2: rectangle label:"订单"\nn1.handle(right) -> n2.handle(left)\n}\n'
)


@pytest.mark.parametrize(
    ("text", "lines", "endings"),
    [
        ("", [""], [""]),
        ("a", ["a"], [""]),
        ("a\n", ["a", ""], ["\n", ""]),
        ("a\r\nb\rc\nd", ["a", "b", "c", "d"], ["\r\n", "\r", "\n", ""]),
        ("\r\n\r\n", ["", "", ""], ["\r\n", "\r\n", ""]),
        ("\n\r", ["", "", ""], ["\n", "\r", ""]),
        ("\r\r\n", ["", "", ""], ["\r", "\r\n", ""]),
        ("a\u2028b\x85c", ["a\u2028b\x85c"], [""]),  # only LF, CRLF and CR break lines
    ],
)
def test_split_lines(text: str, lines: list[str], endings: list[str]) -> None:
    assert split_lines(text) == (lines, endings)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_endings_are_kept(ending: str) -> None:
    text = TEXT.replace("\n", ending)
    source = SourceText(text)
    assert source.text == text
    assert source.endings == [ending] * 5 + [""]
    assert [type(s) for s in source.statements] == [LaneHeader, NodeDecl, NodeDecl, Edge, LaneClose, Blank]


def test_byte_order_mark_stays_in_the_text() -> None:
    source = SourceText("\ufeff" + TEXT)
    assert source.lines[0] == "\ufeffOrders { # Orders"
    header = source.statements[0]
    assert isinstance(header, LaneHeader) and (header.lane.start, header.lane.end) == (1, 7)
    assert analyze_text("\ufeff" + TEXT).diagnostics == []


def test_statements_come_from_the_line_parser() -> None:
    source = SourceText(TEXT)
    assert all(s is parse_line(line) for s, line in zip(source.statements, source.lines, strict=True))


@pytest.mark.parametrize(
    ("position", "clamped"),
    [((-1, 5), (0, 0)), ((0, -3), (0, 0)), ((1, 999), (1, 24)), ((99, 0), (5, 0)), ((2, 3), (2, 3))],
)
def test_clamp(position: tuple[int, int], clamped: tuple[int, int]) -> None:
    assert SourceText(TEXT).clamp(*position) == clamped


def test_replace_within_a_line() -> None:
    source = SourceText(TEXT)
    untouched = list(source.statements)
    change = source.replace((2, 21), (2, 23), "Order")
    assert (change.first, change.removed_count, change.added_count) == (2, 1, 1)
    assert source.lines[2] == 'n2: rectangle label:"Order"'
    assert source.text == TEXT.replace("订单", "Order")
    assert [a is b for a, b in zip(source.statements, untouched, strict=True)] == [True, True, False, True, True, True]


def test_replace_inserting_lines() -> None:
    source = SourceText(TEXT)
    change = source.replace((3, 0), (3, 0), 'n3: diamond label:"Ok?"\n')
    assert (change.first, change.removed_count, change.added_count) == (3, 1, 2)
    assert source.lines[3:5] == ['n3: diamond label:"Ok?"', "n1.handle(right) -> n2.handle(left)"]
    assert source.endings[3:5] == ["\n", "\n"]
    assert isinstance(source.statements[3], NodeDecl)


def test_replace_joining_lines() -> None:
    source = SourceText(TEXT)
    change = source.replace((1, 24), (2, 0), " ")
    assert (change.first, change.removed_count, change.added_count) == (1, 2, 1)
    assert source.lines[1] == 'n1: circle label:"Start" n2: rectangle label:"订单"'
    assert len(source.lines) == 5
    assert source.statements[1].problem is not None


def test_replace_with_reversed_range() -> None:
    a, b = SourceText(TEXT), SourceText(TEXT)
    a.replace((1, 0), (3, 0), "")
    b.replace((3, 0), (1, 0), "")
    assert a.text == b.text == TEXT.replace('n1: circle label:"Start"\nn2: rectangle label:"订单"\n', "")


def test_replace_past_the_end_is_clamped() -> None:
    source = SourceText(TEXT)
    source.replace((40, 0), (50, 9), "x")
    assert source.text == TEXT + "x"


def test_lf_typed_after_cr_joins_into_crlf() -> None:
    source = SourceText("a\rb")
    # Typing "\n" at the start of line 1 completes the "\r" before it: still two lines.
    change = source.replace((1, 0), (1, 0), "\n")
    assert (change.first, change.removed_count, change.added_count) == (0, 2, 2)
    assert (source.lines, source.endings) == (["a", "b"], ["\r\n", ""])
    assert source.text == "a\r\nb"


def test_cr_typed_before_lf_joins_into_crlf() -> None:
    source = SourceText("a\nb")
    source.replace((0, 1), (0, 1), "\r")
    assert (source.lines, source.endings) == (["a", "b"], ["\r\n", ""])


def test_deleting_the_cr_of_crlf() -> None:
    source = SourceText("a\r\nb")
    # Positions are within lines: the "\r" is not addressable on its own, only the break as a whole.
    source.replace((0, 1), (1, 0), "")
    assert (source.lines, source.endings) == (["ab"], [""])


def test_replace_everything() -> None:
    source = SourceText(TEXT)
    source.replace((0, 0), (5, 0), "A {\r\n}")
    assert (source.lines, source.endings) == (["A {", "}"], ["\r\n", ""])
    assert [type(s) for s in source.statements] == [LaneHeader, LaneClose]
