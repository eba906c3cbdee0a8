"""One identifier pattern: features read lane and node IDs with `fz_lsp.syntax.statements.IDENTIFIER`,
the pattern the parser reads them with, instead of keeping a copy that can drift from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from fz_lsp.features.rename import LANE_ID
from fz_lsp.syntax.parser import parse_line
from fz_lsp.syntax.statements import IDENTIFIER, LaneHeader


def _parsed_as_lane_id(word: str) -> bool:
    """The parser reads `word {` as a lane header without a syntax error (it recovers broken ones)."""
    statement = parse_line(f"{word} {{ # 标签 🚀")
    return isinstance(statement, LaneHeader) and statement.problem is None and statement.lane.text == word


FEATURES = Path(__file__).resolve().parents[2] / "fz_lsp" / "features"


def test_no_feature_writes_its_own_identifier_pattern() -> None:
    copies = {
        path.name: node.lineno
        for path in sorted(FEATURES.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and r"[^\W\d]" in node.value
    }
    assert copies == {}


@pytest.mark.parametrize("word", ["Shop", "商店", "订单_2", "a-b", "x", "ÉtéLane", "lane_", "n12", "a--b"])
def test_a_rename_takes_as_lane_id_what_the_parser_reads_as_one(word: str) -> None:
    assert re.fullmatch(IDENTIFIER, word)
    assert LANE_ID.match(word)
    assert _parsed_as_lane_id(word)


@pytest.mark.parametrize("word", ["a-", "9a", "-a", "a.b", "a b", "🚀", "商店🚀", ""])
def test_a_rename_refuses_what_the_parser_does_not_read_as_a_lane_id(word: str) -> None:
    assert not re.fullmatch(IDENTIFIER, word)
    assert not LANE_ID.match(word)
    assert not _parsed_as_lane_id(word)
