"""The renderer draws whatever a half-typed file holds, never fails, and stays deterministic."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from render_checks import check

from fz_lsp.analysis import analyze_text
from fz_lsp.render import layout, layout_json, to_svg
from fz_lsp.render.text import text_width, wrap

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "examples").glob("*.fz")) + sorted((REPO / "examples" / "broken").glob("*.fz"))
PIECES = ("}", "{", "n1", ".handle(", "top)", " -> ", '[label="', '"', "loop [", "]", "n99", "Lane.", "🎉", "审")


def _mutate(lines: list[str], rng: random.Random) -> list[str]:
    lines = list(lines)
    for _ in range(rng.randint(1, 6)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        roll = rng.random()
        if roll < 0.25:
            del lines[i]
        elif roll < 0.45:
            lines.insert(rng.randrange(len(lines) + 1), lines[i])
        elif roll < 0.7:
            cut = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:cut]
        else:
            cut = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:cut] + rng.choice(PIECES) + lines[i][cut:]
    return lines


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_mutated_files_still_draw(path: Path) -> None:
    rng = random.Random(path.stem)
    original = path.read_text(encoding="utf-8").splitlines()
    for _ in range(40):
        text = "\n".join(_mutate(original, rng)) + "\n"
        lay = layout(analyze_text(text))
        found = check(lay)
        assert {k: v for k, v in found.hard().items() if v} == {}, text
        ET.fromstring(to_svg(lay, "dark"))
        layout_json(lay)


def test_same_text_same_picture() -> None:
    text = (REPO / "examples" / "serverless-step-functions.fz").read_text(encoding="utf-8")
    assert to_svg(layout(analyze_text(text))) == to_svg(layout(analyze_text(text)))


def test_self_loops_and_duplicate_ids_draw() -> None:
    text = (
        "A { # A\n"
        'n1: rectangle label:"Self"\n'
        "n1.handle(right) -> n1.handle(right)\n"
        "n1.handle(bottom) -> n1.handle(top)\n"
        'n1.handle(left) -> n1.handle(left) [label="again"]\n'
        "}\n"
        "B { # B\n"
        'n1: rectangle label:"Copy"\n'
        "n1.handle(top) -> A.n1.handle(bottom)\n"
        "}\n"
    )
    lay = layout(analyze_text(text))
    assert [(n.id, n.lane) for n in lay.nodes] == [("n1", "A"), ("n1", "B")]
    assert len(lay.edges) == 4
    found = check(lay)
    assert {k: v for k, v in found.hard().items() if v} == {}
    assert found.through_box == [] and found.labels == []


def test_wrapping_measures_wide_characters() -> None:
    assert text_width("审核", 10) == 20
    assert text_width("🎉", 10) == 10
    assert text_width("iiii", 10) < text_width("WWWW", 10)
    assert wrap("审核申请支付处理发送通知", 60, 10) == ("审核申请支付", "处理发送通知")
    assert wrap("Validate the order now", 80, 10) == ("Validate the", "order now")
    assert wrap("Supercalifragilistic", 50, 10) == ("Supercali", "fragilistic")
    assert wrap("   ", 50, 10) == ()
    for line in wrap("Ship 🎉🎉🎉 & bill 审核 every order twice", 70, 13):
        assert text_width(line, 13) <= 70
