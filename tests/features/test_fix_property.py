"""Every quick fix, applied alone, makes its file better: the property that holds everywhere.

Over the examples, the broken example and a generated set of realistic mistakes, each
fixable diagnostic's fix is applied to the text by itself. It must (a) remove that
diagnostic, (b) bring no diagnostic code that was not there before, and (c) not raise
the number of diagnostics. Then every safe fix at once (`fix_all`) must do the same for
the whole file, and be idempotent.
"""

from __future__ import annotations

from collections import Counter

import pytest
from mistakes import BROKEN, EXAMPLES, generated

from fz_lsp.analysis.config import Settings
from fz_lsp.analysis.diagnostics import Diagnostic, Fix
from fz_lsp.fixing import analysed, apply_changes, changes, diagnostics_of, fix_all, offered_fix, shown_by

EVERYTHING = shown_by(Settings(), None)  # default severities: what a user sees
GENERATED = generated()
CORPUS = [(p.name, p.read_text(encoding="utf-8")) for p in [*EXAMPLES, *BROKEN]] + GENERATED


def _moved_line(diagnostic: Diagnostic, fix: Fix) -> int:
    """Where the diagnostic's line is after its own fix (fixes may insert line breaks above it)."""
    return diagnostic.line + sum(
        c.new_text.count("\n")
        for c in changes(diagnostic, fix)
        if c.line < diagnostic.line or (c.line == diagnostic.line and c.end <= diagnostic.start)
    )


def violations(text: str) -> tuple[int, list[str]]:
    """How many fixes were tried on `text`, and a line for each that broke the property."""
    model, before = analysed(text, EVERYTHING)
    codes = Counter(d.code for d in before)
    problems = []
    tried = 0
    for diagnostic in before:
        fix = offered_fix(model, diagnostic)
        if fix is None:
            continue
        tried += 1
        after = diagnostics_of(apply_changes(text, changes(diagnostic, fix)), EVERYTHING)
        where = f"{diagnostic.code} at {diagnostic.line + 1}:{diagnostic.start + 1} ({fix.title})"
        line = _moved_line(diagnostic, fix)
        still = [d for d in after if d.code == diagnostic.code and d.line == line and d.message == diagnostic.message]
        after_codes = Counter(d.code for d in after)
        if still or after_codes[diagnostic.code] >= codes[diagnostic.code]:
            problems.append(f"{where}: not removed")
        new = sorted(set(after_codes) - set(codes))
        if new:
            found = [f"{d.code} {d.line + 1}:{d.start + 1} {d.message}" for d in after if d.code in new]
            problems.append(f"{where}: brings {', '.join(new)}: {found}")
        if len(after) > len(before):
            problems.append(f"{where}: {len(before)} diagnostics became {len(after)}")
    return tried, problems


def test_the_corpus_is_large_enough_and_has_fixes_to_check() -> None:
    assert len(GENERATED) >= 200
    assert {name.split(":")[1] for name, _ in GENERATED} == {
        "lane-copy",
        "deleted-node",
        "renamed-lane",
        "prefix-typo",
        "half-typed-edge",
        "pasted-edge",
        "quote-in-label",
    }
    tried = sum(violations(text)[0] for _, text in CORPUS)
    assert tried >= 200, tried


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=[name for name, _ in CORPUS])
def test_each_quick_fix_alone_makes_the_file_better(name: str, text: str) -> None:
    _, problems = violations(text)
    assert problems == []


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=[name for name, _ in CORPUS])
def test_fix_all_makes_the_file_better_and_is_idempotent(name: str, text: str) -> None:
    before = diagnostics_of(text, EVERYTHING)
    fixed, applied = fix_all(text, EVERYTHING)
    after = diagnostics_of(fixed, EVERYTHING)
    if applied:
        assert len(after) < len(before)
    else:
        assert fixed == text
    assert {d.code for d in after} <= {d.code for d in before}
    assert fix_all(fixed, EVERYTHING) == (fixed, [])
