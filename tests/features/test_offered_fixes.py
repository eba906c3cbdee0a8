"""Which fixes are offered, and how fix-all makes many of them at once."""

from __future__ import annotations

import re

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.config import Settings
from fz_lsp.analysis.diagnostics import Severity
from fz_lsp.fixing import fix_all, offered_fix, shown_by

SHOP = """\
Shop { # 商店 🛒
n1: circle label:"开始 🚀"
n2: rectangle label:"付款 💳"
n3: rectangle label:"发货 📦"
n1.handle(right) -> n2.handle(left)
n1.handle(right) -> n12.handle(left)
n2.handle(right) -> n19.handle(left)
loop [重试 🔁] n2 n3 n9
}
Billing { # 账单
n4: circle label:"完成 🎉"
n3.handle(bottom) -> Shop.n4.handle(top)
}
"""


def _offers(text: str) -> list[tuple[str, int, int, str | None, str | None]]:
    model = analyze_text(text)
    return [
        (
            d.code,
            d.line,
            d.start,
            d.fix.title if d.fix else None,
            (offered_fix(model, d) or d.fix).title if offered_fix(model, d) else None,
        )
        for d in model.diagnostics
        if d.fix is not None
    ]


def test_a_guess_that_redraws_an_edge_or_repeats_a_loop_member_is_not_offered() -> None:
    assert _offers(SHOP) == [
        # n12 -> n2 would draw `n1 -> n2` a second time (n1, the other end, is never guessed).
        ("FZ101", 5, 20, "Change to `n2`", None),
        ("FZ101", 6, 20, "Change to `n1`", "Change to `n1`"),
        # n9 -> n3 would list n3 twice in the loop.
        ("FZ101", 7, 18, "Change to `n3`", None),
        ("FZ103", 11, 21, "Remove the prefix `Shop.`", "Remove the prefix `Shop.`"),
    ]


LANES = """\
Front { # 前台
n1: circle label:"来客 🚪"
n2: rectangle label:"登记"
n1.handle(right) -> n2.handle(left)
}
FrontCopy { # 前台
n1: circle label:"来客 🚪"
n2: rectangle label:"登记"
}
Back { # 后台
n3: rectangle label:"Assign room"
n3.handle(top) -> Front.n2.handle(bottom)
n3.handle(bottom) -> FrontCopy.n1.handle(top)
}
"""


def test_renumbering_a_copied_node_that_nothing_refers_to_is_not_offered() -> None:
    model = analyze_text(LANES)
    found = [(d.code, d.line, d.fix.title if d.fix else None, offered_fix(model, d)) for d in model.diagnostics]
    found = [f for f in found if f[0] != "FZ212"]  # the door emoji, in both lanes
    assert [(code, line, title) for code, line, title, _ in found] == [
        ("FZ201", 6, "Rename this `n1` to `n4`, the next free number"),
        ("FZ201", 7, "Rename this `n2` to `n4`, the next free number"),
    ]
    # FrontCopy.n1 is an edge's target: renumbered with its reference. FrontCopy.n2 has none:
    # renumbering it would only leave an orphan n4 (FZ501), so it keeps its FZ201 without a fix.
    assert [fix is not None for *_, fix in found] == [True, False]
    fixed, applied = fix_all(LANES, shown_by(Settings()))
    assert [a.title for a in applied] == ["Rename this `n1` to `n4`, the next free number"]
    assert "n4: circle" in fixed and "FrontCopy.n4.handle(top)" in fixed
    assert [d.code for d in analyze_text(fixed).diagnostics] == ["FZ212", "FZ212", "FZ201"]


def test_fix_all_renumbers_every_node_of_a_large_pasted_lane_at_once() -> None:
    body = [f'n{k}: rectangle label:"步骤 {k} 🚚"' for k in range(1, 121)]
    body += [f"n{k}.handle(right) -> n{k + 1}.handle(left)" for k in range(1, 120)]
    lane = "Big { # 大\n" + "\n".join(body) + "\n}\n"
    text = lane + lane.replace("Big {", "BigCopy {")
    keep = shown_by(Settings(severities={"FZ212": Severity.OFF}))
    fixed, applied = fix_all(text, keep)
    # Each copied node gets its own next free number, with the references in the copy.
    assert [a.title for a in applied] == [
        f"Rename this `n{k}` to `n{k + 120}`, the next free number" for k in range(1, 121)
    ]
    assert (
        fixed
        == lane
        + "\n".join(
            line.replace("Big {", "BigCopy {") if line.startswith("Big") else _shifted(line)
            for line in lane.splitlines()
        )
        + "\n"
    )
    assert [d.code for d in analyze_text(fixed).diagnostics if keep(d)] == []
    assert fix_all(fixed, keep) == (fixed, [])


def _shifted(line: str) -> str:
    """A line of the copy with every node ID moved up by 120 (labels keep their numbers)."""
    head, quote, rest = line.partition('"')
    return re.sub(r"\bn(\d+)\b", lambda m: f"n{int(m.group(1)) + 120}", head) + quote + rest
