"""Each diagram in `marked/` gives exactly the diagnostics marked under its lines.

Exact code, line, columns and message (or message prefix) of each, and nothing unmarked:
what a user sees with the default settings (FZ504/FZ505 are off, so not looked for). The
mark syntax is described in `marked_diagnostics.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from marked_diagnostics import BadMark, as_mark, compare, is_mark, split_marks

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.diagnostics import RULES, Diagnostic, Severity

MARKED = sorted((Path(__file__).parent / "marked").glob("*.fz"))


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # exactly as written: line endings too


def _problems(marked: str) -> list[str]:
    text, marks = split_marks(marked)
    model = analyze_text(text)
    return compare(marks, list(model.diagnostics), model.lines)


@pytest.mark.parametrize("path", MARKED, ids=[path.name for path in MARKED])
def test_marked_diagram(path: Path) -> None:
    problems = _problems(_read(path))
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_every_rule_on_by_default_has_a_marked_trigger() -> None:
    marked = set()
    for path in MARKED:
        _, marks = split_marks(_read(path))
        marked |= {mark.code for mark in marks}
    # A new rule gets a trigger here; FZ504/FZ505 are off unless asked for, so never shown here.
    assert sorted(code for code, rule in RULES.items() if rule.severity is not Severity.OFF) == sorted(marked)


DIAGRAM = 'Kitchen { # 厨房\nn1: circle label:"开始 🍳"\n}\n'
EMOJI = " " * 23 + "^^ FZ212 emoji U+1F373 in a label: FlowZap does not allow emoji or control characters\n"
ORPHAN = "^^ FZ501 …\n"


def _with(*marks: str) -> str:
    """DIAGRAM with `marks` under its node line."""
    head, node, close = DIAGRAM.splitlines(keepends=True)
    return head + node + "".join(marks) + close


def test_marks_are_removed_before_analysis_and_keep_the_line_numbers() -> None:
    text, marks = split_marks(_with(EMOJI, ORPHAN))
    assert text == DIAGRAM
    assert [(m.code, m.line, m.start, m.end, m.written_at) for m in marks] == [
        ("FZ212", 1, 21, 22, 3),
        ("FZ501", 1, 0, 2, 4),
    ]
    assert not any(is_mark(line) for line in text.splitlines())
    assert _problems(_with(EMOJI, ORPHAN)) == []


NODE_LINE = "under line 2 'n1: circle label:\"开始 🍳\"'"
UNMARKED_EMOJI = f"reported, not marked, {NODE_LINE}:\n" + EMOJI.rstrip("\n")
UNMARKED_ORPHAN = f"reported, not marked, {NODE_LINE}:\n^^ FZ501 node `n1` takes part in no edge"


@pytest.mark.parametrize(
    ("marks", "problems"),
    [
        pytest.param((EMOJI,), [UNMARKED_ORPHAN], id="missing"),
        pytest.param(
            (EMOJI[3:], ORPHAN),
            [
                "marked on line 3, not reported: FZ212 at line 2 code points 19-20: "
                + EMOJI.split(" FZ212 ")[1].rstrip(),
                UNMARKED_EMOJI,
            ],
            id="column",
        ),
        pytest.param(
            (EMOJI, "^^^ FZ501 …\n"),
            ["marked on line 4, not reported: FZ501 at line 2 code points 0-3: …", UNMARKED_ORPHAN],
            id="width",
        ),
        pytest.param(
            (EMOJI, "^^ FZ502 …\n"),
            ["marked on line 4, not reported: FZ502 at line 2 code points 0-2: …", UNMARKED_ORPHAN],
            id="code",
        ),
        pytest.param(
            (EMOJI, "^^ FZ501 node `n1` takes part in no edges\n"),
            [
                "marked on line 4, not reported: FZ501 at line 2 code points 0-2: node `n1` takes part in no edges",
                UNMARKED_ORPHAN,
            ],
            id="message",
        ),
        pytest.param(
            (EMOJI, "^^ FZ501 node `n2` …\n"),
            ["marked on line 4, not reported: FZ501 at line 2 code points 0-2: node `n2` …", UNMARKED_ORPHAN],
            id="prefix",
        ),
        pytest.param(
            (EMOJI, ORPHAN, ORPHAN),
            ["marked on line 5, not reported: FZ501 at line 2 code points 0-2: …"],
            id="twice",
        ),
    ],
)
def test_a_wrong_or_missing_mark_fails(marks: tuple[str, ...], problems: list[str]) -> None:
    assert _problems(_with(*marks)) == problems


@pytest.mark.parametrize(
    ("marked", "problem"),
    [
        pytest.param("^^ FZ501 x\n" + DIAGRAM, "line 1: a mark before the first line", id="first-line"),
        pytest.param(_with("^^ orphan\n"), "line 3: not `<carets> FZnnn <message>`", id="no-code"),
        pytest.param(_with("^^ FZ501\n"), "line 3: not `<carets> FZnnn <message>`", id="no-message"),
        pytest.param(_with("^^FZ501 x\n"), "line 3: not `<carets> FZnnn <message>`", id="no-space"),
        pytest.param(_with(" " * 26 + "^ FZ501 x\n"), "line 3: the carets run past the end", id="past-the-end"),
        pytest.param(_with(" " + EMOJI), "line 3: the carets split a wide character", id="half-an-emoji"),
        pytest.param(_with(" " * 19 + "^ FZ501 x\n"), "line 3: the carets split a wide character", id="half-a-hanzi"),
    ],
)
def test_a_mark_that_cannot_be_read_is_an_error(marked: str, problem: str) -> None:
    with pytest.raises(BadMark, match="^" + re.escape(problem)):
        split_marks(marked)


def test_every_diagnostic_written_as_a_mark_reads_back() -> None:
    text = 'A { # a\n\tn1: circle label:"订单 ✅"\n \t n1.handle(right) -> n9.handle(left)\n}\n'
    model = analyze_text(text)
    lines = text.splitlines(keepends=True)
    found: list[Diagnostic] = list(model.diagnostics)
    assert [(d.code, d.line) for d in found] == [("FZ212", 1), ("FZ101", 2)]
    assert as_mark(found[1], lines[2]) == " \t " + " " * 20 + "^^ FZ101 `n9` is not declared"  # the tab is kept
    marked = "".join(
        line + "".join(as_mark(d, line) + "\n" for d in found if d.line == i) for i, line in enumerate(lines)
    )
    assert _problems(marked) == []
