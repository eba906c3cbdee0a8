"""The one-token spellings (HANDLE, ATTRIBUTE, EDGE_LABEL) read exactly like the long rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark, Tree

from fz_lsp.syntax import parser
from fz_lsp.syntax.statements import Statement

ROOT = Path(__file__).resolve().parents[2]


def _long_form_parser() -> Lark:
    text = parser.grammar_text()
    text = text.replace(" | ATTRIBUTE", "").replace(" | HANDLE", "").replace(" | EDGE_LABEL", "")
    text = re.sub(r"^(HANDLE|ATTRIBUTE|EDGE_LABEL)\.2:.*$", "", text, flags=re.MULTILINE)
    assert "HANDLE" not in text and "ATTRIBUTE" not in text and "EDGE_LABEL" not in text
    return Lark(text, parser="lalr", lexer="contextual", transformer=parser._Build())


LONG = _long_form_parser()


def _both(line: str) -> tuple[Statement, Statement]:
    short, long = parser.lark_parser().parse(line), LONG.parse(line)
    assert not isinstance(short, Tree) and not isinstance(long, Tree)
    return short, long  # type: ignore[return-value]


def _example_lines() -> list[str]:
    lines = []
    for path in sorted((ROOT / "examples").glob("*.fz")):
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if "handle" in line or ":" in line]
    return lines


@pytest.mark.parametrize("line", _example_lines())
def test_example_lines_read_the_same(line: str) -> None:
    short, long = _both(line)
    assert short == long


names = st.from_regex(r"[A-Za-z_订][A-Za-z0-9_订]{0,6}", fullmatch=True)
spaces = st.sampled_from(["", " ", "\t", "  "])
values = st.text(st.characters(blacklist_characters='"\\\n\r', blacklist_categories=("Cs",)), max_size=8)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(names, names, names, names, spaces, spaces, values)
def test_generated_edges_read_the_same(a: str, b: str, d1: str, d2: str, s1: str, s2: str, label: str) -> None:
    line = f'{a}.handle({s1}{d1}{s2}) -> Lane.{b}.{s1}handle({d2}) [{s2}label{s1}={s2}"{label}"{s1}]'
    short, long = _both(line)
    assert short == long


@settings(max_examples=300, deadline=None, derandomize=True)
@given(names, names, spaces, values, st.sampled_from([":", "="]))
def test_generated_nodes_read_the_same(node: str, key: str, space: str, value: str, separator: str) -> None:
    line = f'{node}: rectangle {key}{space}{separator}{space}"{value}" owner:"x"'
    short, long = _both(line)
    assert short == long
