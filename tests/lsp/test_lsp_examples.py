"""The shipped examples: clean, and every cross-lane reference leads to its declaration."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from lsp_support import Doc, Session
from lsprotocol import types as t

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = sorted(EXAMPLES.glob("*.fz"))  # `examples/broken/` is deliberately broken: not here

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_HEADER = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*\{")
_DECLARATION = re.compile(r"^\s*(n\d+)\s*:")
_CROSS_LANE = re.compile(r"(?<![\w.])([A-Za-z_][\w-]*)\.(n\d+)\b")


@dataclass(frozen=True)
class Place:
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Scan:
    """What the test reads off the file by itself: declarations and `Lane.nK` references."""

    lanes: dict[str, Place]
    nodes: dict[str, tuple[str, Place]]  # node -> (its lane, where its ID is)
    references: list[tuple[Place, Place]]  # (prefix, node ID)


def scan(text: str) -> Scan:
    lanes: dict[str, Place] = {}
    nodes: dict[str, tuple[str, Place]] = {}
    references: list[tuple[Place, Place]] = []
    lane = ""
    for number, line in enumerate(text.splitlines()):
        if header := _HEADER.match(line):
            lane = header.group(1)
            lanes[lane] = Place(number, header.start(1), header.end(1))
            continue
        if declaration := _DECLARATION.match(line):
            nodes[declaration.group(1)] = (lane, Place(number, declaration.start(1), declaration.end(1)))
            continue
        # Blank out strings and a loop's condition, keeping the columns.
        code = _STRING.sub(lambda m: " " * len(m.group()), line)
        if code.lstrip().startswith("loop"):
            code = re.sub(r"\[[^\]]*\]", lambda m: " " * len(m.group()), code, count=1)
        elif "->" in code:
            code = re.sub(r"\[[^\]]*\]\s*$", "", code)
        else:
            continue
        for match in _CROSS_LANE.finditer(code):
            references.append(
                (Place(number, match.start(1), match.end(1)), Place(number, match.start(2), match.end(2)))
            )
    return Scan(lanes, nodes, references)


def location(uri: str, doc: Doc, place: Place) -> t.Location:
    return t.Location(uri, doc.line_range(place.line, place.start, place.end))


def test_there_are_examples() -> None:
    assert len(FILES) >= 5, FILES


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_example_is_clean_and_navigable(lsp: Session, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    uri = lsp.open(text, uri=path.resolve().as_uri())
    doc = lsp.doc(text)
    assert await lsp.diagnostics(uri, 1) == []

    found = scan(text)
    assert found.references, "an example without a cross-lane reference"
    for prefix, node in found.references:
        lane = doc.lines[prefix.line][prefix.start : prefix.end]
        node_id = doc.lines[node.line][node.start : node.end]
        declared_in, declaration = found.nodes[node_id]
        assert declared_in == lane, f"{path.name}:{node.line + 1}: {lane}.{node_id} is declared in {declared_in}"
        for column in (node.start, node.end):
            position = doc.at(node.line, column)
            assert await lsp.definition(uri, position) == [location(uri, doc, declaration)], (lane, node_id)
        assert await lsp.definition(uri, doc.at(prefix.line, prefix.start)) == [location(uri, doc, found.lanes[lane])]
