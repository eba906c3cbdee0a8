"""The LSP form of diagnostics reused across publishes equals the one converted afresh.

`Converted` keeps each diagnostic's LSP form between publishes; these tests change
everything that form depends on (line numbers, the text before a column, severities,
the position encoding, the uri) and compare with a conversion that has no cache.
"""

from __future__ import annotations

import json
import random
from typing import Any

from lsprotocol import types

from fz_lsp.analysis.config import Settings
from fz_lsp.analysis.diagnostics import Severity
from fz_lsp.features.diagnostics import lsp_diagnostics
from fz_lsp.features.positions import UTF8, UTF16, UTF32, Positions
from fz_lsp.features.state import DocumentState
from fz_lsp.server import server

UNSTRUCTURE = server.protocol._converter.unstructure  # the server's own converter, with its hooks

URI = "file:///diagrams/desk.fz"
DIAGRAM = """\
Front { # 前台 Front desk 😀
n1: circle label:"来客 😀"
n2: rectangle label:"Check in"
n1.handle(right) -> n2.handle(left)
n2.handle(bottom) -> Back.n9.handle(top) [label="登记"]
n2: rectangle label:"重复"
}
Back { # 后台
n3: rectangle label:"Assign room"
n3.handle(right) -> n4.handle(left)
}
"""


def published(
    state: DocumentState, settings: Settings, encoding: str = UTF16, uri: str = URI
) -> list[types.Diagnostic]:
    """Converted with the document's cache, after checking it against a conversion without one."""
    positions = Positions(state.lines, encoding)
    cached = lsp_diagnostics(state.model, settings, positions, uri, state.converted)
    assert cached == lsp_diagnostics(state.model, settings, positions, uri)
    assert len(state.converted) == len(cached)  # only what the last publish sent is kept
    assert json.loads(state.converted.json(UNSTRUCTURE)) == UNSTRUCTURE(cached)
    return cached


def where(diagnostics: list[types.Diagnostic]) -> list[tuple[str, int, int, int]]:
    return [(str(d.code), d.range.start.line, d.range.start.character, d.range.end.character) for d in diagnostics]


def test_reused_forms_follow_every_change_they_depend_on() -> None:
    state = DocumentState(URI, DIAGRAM, 1)
    settings = Settings()
    first = published(state, settings)
    assert where(first) == [
        ("FZ212", 0, 24, 26),  # UTF-16: each CJK character is one unit, the emoji two
        ("FZ212", 1, 21, 23),
        ("FZ101", 4, 26, 28),
        ("FZ201", 5, 0, 2),
        ("FZ101", 9, 20, 22),
    ]
    fz101 = first[2]
    assert fz101.related_information is not None
    assert fz101.related_information[0].location == types.Location(URI, _range(8, 0, 8, 2))
    assert fz101.data == {
        "fix": {"title": "Change to `n3`", "edits": [{"range": _json(4, 26, 4, 28), "newText": "n3"}]}
    }

    # A keystroke that changes no diagnostic: every form is the one sent before.
    state.replace((3, 35), (3, 35), ' [label="好"]')
    again = published(state, settings)
    assert len(again) == len(first) and all(a is b for a, b in zip(again, first, strict=True))
    written: list[Any] = []

    def counted(item: Any) -> Any:
        written.append(item)
        return UNSTRUCTURE(item)

    assert json.loads(state.converted.json(counted)) == UNSTRUCTURE(first) and written == []  # nothing written again

    # A line inserted above moves every diagnostic, and every related place, one line down.
    state.replace((0, 0), (0, 0), "\n")
    moved = published(state, settings)
    assert where(moved) == [(code, line + 1, start, end) for code, line, start, end in where(first)]
    assert moved[2].related_information is not None
    assert moved[2].related_information[0].location.range == _range(9, 0, 9, 2)

    # Text before a column changes its UTF-16 column but not the model's diagnostic:
    # `𠀀` is one code point and two UTF-16 units, where `前` was one of each.
    header = state.lines[1]
    at = header.index("前")
    state.replace((1, at), (1, at + 1), "𠀀")
    shifted = published(state, settings)
    assert where(shifted)[0] == ("FZ212", 1, 25, 27)
    assert where(published(state, settings, UTF8))[0] == ("FZ212", 1, 29, 33)
    assert where(published(state, settings, UTF32))[0] == ("FZ212", 1, 24, 25)
    assert where(published(state, settings, UTF16))[0] == ("FZ212", 1, 25, 27)

    # Severities come from the settings of each publish.
    quieter = Settings(severities={"FZ212": Severity.OFF, "FZ101": Severity.HINT})
    hushed = published(state, quieter)
    assert [(d.code, d.severity) for d in hushed] == [
        ("FZ101", types.DiagnosticSeverity.Hint),
        ("FZ201", types.DiagnosticSeverity.Error),
        ("FZ101", types.DiagnosticSeverity.Hint),
    ]
    assert [d.severity for d in published(state, settings)][2] == types.DiagnosticSeverity.Error

    # Related places name the document: another uri gives other locations.
    renamed = published(state, settings, uri="file:///diagrams/%E5%89%8D.fz")
    assert renamed[2].related_information is not None
    assert renamed[2].related_information[0].location.uri == "file:///diagrams/%E5%89%8D.fz"


def test_random_edits_and_switches_match_a_fresh_conversion() -> None:
    """Typing, deleting, replacing one character by another of another width, and line breaks anywhere,
    with the settings and encoding switched now and then: the reused forms always equal fresh ones."""
    rng = random.Random(20261129)
    alphabet = ["a", "n", "2", " ", '"', "前", "😀", "𠀀", "\n", ".", "-", ">", "{", "}"]
    severities = [
        Settings(),
        Settings(severities={"FZ212": Severity.OFF}),
        Settings(severities={"FZ101": Severity.INFO}),
    ]
    for round_number in range(4):
        state = DocumentState(URI, DIAGRAM * (1 + round_number), 1)
        settings, encoding = Settings(), UTF16
        for _ in range(150):
            lines = state.lines
            line = rng.randrange(len(lines))
            column = rng.randrange(len(lines[line]) + 1)
            choice = rng.random()
            if choice < 0.4 or not lines[line]:
                state.replace((line, column), (line, column), rng.choice(alphabet))
            elif choice < 0.7 and column < len(lines[line]):
                # One character for another: the code-point columns after it stay, the client's may not.
                state.replace((line, column), (line, column + 1), rng.choice(alphabet[:8]))
            else:
                end = min(len(lines[line]), column + rng.randrange(1, 4))
                state.replace((line, column), (line, end), "")
            if rng.random() < 0.1:
                settings = rng.choice(severities)
            if rng.random() < 0.1:
                encoding = rng.choice([UTF8, UTF16, UTF32])
            published(state, settings, encoding)


def _range(line: int, start: int, end_line: int, end: int) -> types.Range:
    return types.Range(types.Position(line, start), types.Position(end_line, end))


def _json(line: int, start: int, end_line: int, end: int) -> dict[str, dict[str, int]]:
    return {"start": {"line": line, "character": start}, "end": {"line": end_line, "character": end}}
