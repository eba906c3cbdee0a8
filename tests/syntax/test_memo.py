"""The per-line memos are bounded by the bytes they hold, not by their number of entries."""

from __future__ import annotations

import tracemalloc

from fz_lsp.analysis.statement_checks import findings_for_line
from fz_lsp.syntax.memo import TextMemo
from fz_lsp.syntax.parser import _parse_line, parse_line

KINDS = [
    'n{0}: rectangle label:"步骤 {0}"',
    "n{0}.handle(right) -> n{0}.handle(left)",
    "x{0}",
    'n{0}.handle(bottom) -> Billing.n{0}.handle(top) [label="付款 {0}"]',
    'n{0}: circle label:"x" owner:"y" description:"z" system:"w"',
]


def test_the_estimate_covers_what_an_entry_really_holds() -> None:
    # If the estimate fell short, a budget in bytes would hold more than it says.
    for kind in KINDS:
        lines = [kind.format(i) for i in range(500)]
        memo = TextMemo(_parse_line, budget=1 << 40, entry_cost=parse_line.entry_cost, per_char=parse_line.per_char)
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for line in lines:
                memo(line)
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        estimated = sum(memo.cost(line) for line in lines)
        assert held <= 1.5 * estimated, (kind, held, estimated)


def test_many_short_lines_stay_within_the_budget() -> None:
    memo = TextMemo(_parse_line, budget=200_000, entry_cost=parse_line.entry_cost, per_char=parse_line.per_char)
    for i in range(3000):
        memo(f"x{i}")
        assert memo.used <= memo.budget
    assert 0 < len(memo.known) < 3000
    assert "x2999" in memo.known  # the newest lines stay
    assert memo.used == sum(memo.cost(line) for line in memo.known)


def test_the_shared_memos_have_byte_budgets() -> None:
    assert parse_line.budget == 128 << 20 and findings_for_line.budget == 16 << 20
    line = "n1.handle(right) -> n2.handle(left)"
    assert parse_line(line) is parse_line(line)
    assert findings_for_line(line) is findings_for_line(line)


def test_a_50k_line_document_stays_within_the_parse_budget() -> None:
    # Resending a large document's whole text must find every line in the memo.
    edge = 'n{0}.handle(bottom) -> Billing.n{0}.handle(top) [label="付款 {0}"]'
    assert sum(parse_line.cost(edge.format(i)) for i in range(50_000)) < parse_line.budget
