"""The differential edit fuzzer in the test suite: about a minute over every example, all three encodings.

In process (session and features, fast) for most of the time, then over stdio against
a real server per encoding. Seeds are consecutive and the time is bounded, so the run
is reproducible and cannot hang; `FZ_FUZZ_SECONDS` lengthens the in-process part.
"""

from __future__ import annotations

import os
import random

import pytest
from edit_fuzz import ENCODINGS, Edit, Finding, apply, corpus, fuzz, fuzz_stdio, minimise, run_sequence

IN_PROCESS_SECONDS = float(os.environ.get("FZ_FUZZ_SECONDS", "48"))
STDIO_SECONDS = 4.0


def test_incremental_answers_equal_a_fresh_analysis() -> None:
    documents = len(corpus())
    counts = fuzz(ENCODINGS, IN_PROCESS_SECONDS, min_sequences=documents * len(ENCODINGS))
    print(f"in process: {counts.sequences} sequences, {counts.edits} edits, {counts.comparisons} comparisons")
    assert [finding.repro() for finding in counts.findings] == []
    assert counts.sequences >= documents * len(ENCODINGS)


@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_a_server_edited_incrementally_answers_as_a_fresh_analysis(encoding: str) -> None:
    counts = await fuzz_stdio(encoding, STDIO_SECONDS)
    print(f"stdio {encoding}: {counts.sequences} sequences, {counts.edits} edits, {counts.comparisons} comparisons")
    assert [finding.problem for finding in counts.findings] == []
    assert counts.edits >= 20


def test_the_edits_the_issue_found_crashing() -> None:
    """Two references with one lane prefix on a line no other line shares; then `right` -> `up`."""
    text = 'A {\nn1: circle label:"a"\nn2: circle label:"b"\nA.n1.handle(right) -> A.n2.handle(left)\n}\n'
    column = text.split("\n")[3].index("right")
    for encoding in ENCODINGS:
        edits = [Edit(3, column, 3, column + len("right"), "up")]
        assert run_sequence(text, edits, encoding, 4, random.Random(0), None) is None
    looped = text.replace("A.n1.handle(right) -> A.n2.handle(left)", "loop [retry] A.n1 A.n2")
    edits = [Edit(3, 6, 3, 11, "再试")]
    assert run_sequence(looped, edits, "utf-16", 4, random.Random(0), None) is None


def test_minimising_keeps_only_what_the_failure_needs() -> None:
    """A stand-in failure (a rocket after a lane brace) shrinks to the one edit and the one line it needs."""
    text = 'Shop { # 商店\nn1: circle label:"a"\nn2: circle label:"b"\n}\n'
    edits = [Edit(1, 0, 1, 0, "x"), Edit(0, 6, 0, 6, "🚀"), Edit(2, 3, 2, 5, ""), Edit(1, 1, 1, 2, "é")]

    def fails(start: str, trial: list[Edit]) -> str | None:
        lines = start.split("\n")
        for edit in trial:
            lines = apply(lines, edit)[0]
        return "rocket after a brace" if any("{🚀" in line for line in lines) else None

    found = minimise(Finding("stand-in", "utf-16", text, edits, "rocket after a brace"), fails)
    assert (found.text, found.edits) == ("Shop { # 商店", [Edit(0, 6, 0, 6, "🚀")])
