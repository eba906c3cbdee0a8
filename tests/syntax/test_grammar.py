"""The lark grammar itself: conflict-free under lark's strict mode, and its terminals."""

from __future__ import annotations

from pathlib import Path

import pytest
from lark import Lark, Token, Tree
from lark.exceptions import GrammarError, LexError, UnexpectedInput

from fz_lsp.syntax.parser import GRAMMAR_NAME, grammar_text, lark_parser, parse_line
from fz_lsp.syntax.statements import NodeDecl

GRAMMAR_FILE = Path(__file__).resolve().parents[2] / "grammar" / GRAMMAR_NAME


def test_grammar_builds_in_strict_mode() -> None:
    # strict=True makes lark fail on shift/reduce conflicts and on terminals whose
    # regular expressions can collide (checked with interegular).
    parser = lark_parser(strict=True)
    assert parser.options.strict is True
    assert isinstance(parser.parse("n1: circle"), Tree)


def test_strict_mode_does_catch_conflicts() -> None:
    # The check above can fail: lark builds these grammars, but not in strict mode.
    dangling_else = 'start: "if" start ("else" start)? | "x"\n%ignore " "'
    Lark(dangling_else, parser="lalr", lexer="contextual")  # shift/reduce, resolved by shifting
    with pytest.raises(GrammarError, match="Shift/Reduce"):
        Lark(dangling_else, parser="lalr", lexer="contextual", strict=True)
    colliding = "start: A | B\nA: /a+/\nB: /a+b?/"
    Lark(colliding, parser="lalr", lexer="contextual")
    with pytest.raises(LexError, match=r"Collision between Terminals [AB] and [AB]"):
        Lark(colliding, parser="lalr", lexer="contextual", strict=True)


def test_grammar_is_read_from_the_one_source_file() -> None:
    assert grammar_text() == GRAMMAR_FILE.read_text(encoding="utf-8")


def test_parser_is_built_once() -> None:
    assert lark_parser() is lark_parser()
    assert lark_parser(strict=True) is lark_parser(strict=True)


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Orders {", "lane_header"),
        ("Orders { # Order Handling", "lane_header"),
        ("}", "lane_close"),
        ('n1: circle label:"Start"', "node"),
        ("n1.handle(right) -> n2.handle(left)", "edge"),
        ('n1.handle(right) -> B.n2.handle(left) [label="x"]', "edge"),
        ("loop [until done] n1 n2", "loop"),
        ("# a comment", "comment"),
        ("// a comment", "comment"),
    ],
)
def test_statement_rules(line: str, rule: str) -> None:
    tree = lark_parser(trees=True).parse(line)
    assert isinstance(tree, Tree)
    assert tree.data == rule


def _tokens(line: str) -> list[tuple[str, str]]:
    return [(t.type, str(t)) for t in lark_parser().lex(line) if isinstance(t, Token)]


def test_name_terminal_takes_unicode_letters_digits_and_hyphens() -> None:
    tree = lark_parser(trees=True).parse("Équipe_订单-2 {")
    assert isinstance(tree, Tree)
    first = tree.children[0]
    assert isinstance(first, Token) and (first.type, str(first)) == ("NAME", "Équipe_订单-2")


def test_name_does_not_swallow_the_arrow() -> None:
    # `n1->n2` must show its arrow: a name does not end in `-`.
    tree = lark_parser(trees=True).parse("n1.handle(right)->n2.handle(left)")
    assert isinstance(tree, Tree) and tree.data == "edge"
    arrow = [c for c in tree.children if isinstance(c, Token)]
    assert [(a.type, str(a)) for a in arrow] == [("ARROW", "->")]


@pytest.mark.parametrize(
    "string",
    ['"plain"', '""', '"say \\"hi\\""', '"C:\\\\path\\\\"', '"& ! ? / : ( ) < > = $ # // ]"', '"订单 ✓"'],
)
def test_string_terminal(string: str) -> None:
    # The common spelling lexes as one ATTRIBUTE token; a space before the key's value
    # quote is still that token, and `key = value` spelled out token by token ends in STRING.
    tree = lark_parser(trees=True).parse(f"n1: circle label:{string}")
    assert isinstance(tree, Tree)
    attribute = tree.children[-1]
    assert isinstance(attribute, Tree)
    [token] = attribute.children
    assert isinstance(token, Token) and (token.type, str(token)) == ("ATTRIBUTE", f"label:{string}")
    statement = parse_line(f"n1: circle label:{string}")
    assert isinstance(statement, NodeDecl) and statement.attributes[0].value.raw == string


@pytest.mark.parametrize(
    "line", ['n1: circle label:"open', 'n1: circle label:"ends in escape\\"', "n1: circle label:'x'"]
)
def test_string_terminal_rejects(line: str) -> None:
    with pytest.raises(UnexpectedInput):
        lark_parser(trees=True).parse(line)


def test_lane_label_takes_the_rest_of_the_line() -> None:
    tree = lark_parser(trees=True).parse("Orders { # Orders # and more {} [x]")
    assert isinstance(tree, Tree)
    label = tree.children[-1]
    assert isinstance(label, Token) and (label.type, str(label)) == ("LANE_LABEL", "# Orders # and more {} [x]")


def test_loop_text_stops_at_the_first_closing_bracket() -> None:
    tree = lark_parser(trees=True).parse("loop [a [b] n1 n2")
    assert isinstance(tree, Tree)
    text = tree.children[1]
    assert isinstance(text, Token) and (text.type, str(text)) == ("LOOP_TEXT", "[a [b]")


@pytest.mark.parametrize("space", [" ", "\t", "\f", "\v", "\ufeff", " \t "])
def test_ignored_whitespace(space: str) -> None:
    tree = lark_parser(trees=True).parse(f'{space}n1:{space}circle{space}label{space}:{space}"x"{space}')
    assert isinstance(tree, Tree) and tree.data == "node"


def test_either_separator_parses() -> None:
    # Nodes take `:` and edge labels `=`; the other one parses so that it can be diagnosed.
    assert isinstance(lark_parser(trees=True).parse('n1: circle label="x"'), Tree)
    assert isinstance(lark_parser(trees=True).parse('n1.handle(right) -> n2.handle(left) [label:"x"]'), Tree)
