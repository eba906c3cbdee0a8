"""Every problem on a line with text covers at least one character of it (issue: empty ranges).

An empty range at the end of a half-typed line is painted by some editors from there to
the next `}`; the last token before the spot is what the user is looking at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.statement_checks import findings_for_line
from fz_lsp.syntax.parser import parse_line

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.fz"))

LANE = 'Shop { # 商店\nn8: circle label:"开始 😀"\nn30: circle label:"结束"\nn2: circle label:"付款"\n{}\n}\n'


@pytest.mark.parametrize(
    ("line", "covered", "message"),
    [
        ("n8.handle(bottom) -> n30.handle(", "(", "line ends early: expected a direction: left, right, top or bottom"),
        ("n8.handle(bottom) -> Shop.", ".", "line ends early: expected a name"),
        ("n2.handle -> n30.handle(top)", "handle", "expected `(` and a direction after `handle`"),
        ("n8.handle(bottom) -> n30.handle(top", "top", "line ends early: expected `)`"),
        ('n8.handle(bottom) -> n30.handle(top) [label="开始 go"', '"开始 go"', "line ends early: expected `]`"),
        ('n8: circle label:"开始 😀" owner:', ":", 'line ends early: expected a quoted string ("...")'),
        ("loop", "loop", "line ends early: expected `(`, `->`, `.`, `:`, `[text]` or `{`"),
    ],
)
def test_something_missing_is_shown_on_the_last_token(line: str, covered: str, message: str) -> None:
    text = LANE.replace("{}", line, 1)
    found = [d for d in analyze_text(text).diagnostics if d.line == 4]
    assert [(d.code, line[d.start : d.end], d.message) for d in found] == [("FZ001", covered, message)]
    [d] = found
    # The token is the last one before the spot (the first `handle` in `n2.handle -> ...`).
    start = line.index(covered) if covered == "handle" else line.rindex(covered)
    assert (d.start, d.end) == (start, start + len(covered))


def test_no_prefix_of_any_example_line_gets_an_empty_range() -> None:
    seen = 0
    for path in EXAMPLES:
        for full in path.read_text(encoding="utf-8").splitlines():
            for cut in range(1, len(full) + 1):
                line = full[:cut]
                if not line.strip():
                    continue
                statement = parse_line(line)
                spans = [(f.start, f.end) for f in findings_for_line(line, statement)]
                if statement.problem is not None:
                    spans.append((statement.problem.start, statement.problem.end))
                for start, end in spans:
                    assert 0 <= start < end <= len(line), (line, start, end)
                    seen += 1
    assert seen > 1000
