"""Realistic mistakes made to well-formed diagrams: the corpus quick fixes are checked on.

Each maker takes a diagram and a seeded `random.Random` and returns the diagram with one
mistake a user really makes (a pasted lane, a deleted node, a renamed lane, a typo in a
prefix, a half-typed edge, an edge pasted from another diagram, a quote inside a label), or None when the diagram
offers no place for it. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.fz"))
BROKEN = sorted((ROOT / "examples" / "broken").glob("*.fz"))

_HEADER = re.compile(r"^\s*([^\W\d][\w-]*)\s*\{")
_CLOSE = re.compile(r"^\s*\}\s*$")
_NODE = re.compile(r"^\s*(n\d+)\s*:")
_EDGE = re.compile(r"->")
_PREFIX = re.compile(r"\b([^\W\d][\w-]*)\.(n\d+)\b")

# Text of another diagram that people paste edges from: its nodes and lanes are not ours.
FOREIGN_EDGES = (
    "n41.handle(right) -> n42.handle(left)",
    'n2.handle(bottom) -> Payments.n7.handle(top) [label="支付 💳"]',
    "n1.handle(right) -> Warehouse.n3.handle(left)",
    'n5.handle(top) -> n1.handle(bottom) [label="retry"]',
)


@dataclass(frozen=True)
class LaneSpan:
    id: str
    header: int
    close: int  # the line of its `}`


def lanes(lines: list[str]) -> list[LaneSpan]:
    """Closed lanes of a well-formed diagram, header to brace."""
    found: list[LaneSpan] = []
    open_lane: tuple[str, int] | None = None
    for index, line in enumerate(lines):
        if (match := _HEADER.match(line)) is not None and open_lane is None:
            open_lane = (match.group(1), index)
        elif _CLOSE.match(line) and open_lane is not None:
            found.append(LaneSpan(open_lane[0], open_lane[1], index))
            open_lane = None
    return found


def _join(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _fresh_lane_id(lines: list[str], base: str) -> str:
    taken = {lane.id for lane in lanes(lines)}
    candidate = f"{base}Copy"
    number = 2
    while candidate in taken:
        candidate = f"{base}Copy{number}"
        number += 1
    return candidate


def copy_lane(text: str, lane_id: str) -> str:
    """The whole lane `lane_id` pasted again right below itself under a new lane ID."""
    lines = text.splitlines()
    span = next(lane for lane in lanes(lines) if lane.id == lane_id)
    new_id = _fresh_lane_id(lines, lane_id)
    block = lines[span.header : span.close + 1]
    block[0] = block[0].replace(lane_id, new_id, 1)
    return _join(lines[: span.close + 1] + block + lines[span.close + 1 :])


def lane_copy(text: str, rng: random.Random) -> str | None:
    spans = lanes(text.splitlines())
    return copy_lane(text, rng.choice(spans).id) if spans else None


def deleted_node(text: str, rng: random.Random) -> str | None:
    lines = text.splitlines()
    candidates = [i for i, line in enumerate(lines) if _NODE.match(line)]
    if not candidates:
        return None
    del lines[rng.choice(candidates)]
    return _join(lines)


def renamed_lane(text: str, rng: random.Random) -> str | None:
    """A lane's ID changed in its header only, as if the user forgot its prefixes."""
    lines = text.splitlines()
    spans = lanes(lines)
    if not spans:
        return None
    span = rng.choice(spans)
    new_id = rng.choice([f"{span.id}s", f"{span.id}Team", span.id.lower(), f"New{span.id}"])
    lines[span.header] = lines[span.header].replace(span.id, new_id, 1)
    return _join(lines)


def _typo(word: str, rng: random.Random) -> str:
    index = rng.randrange(len(word))
    kind = rng.randrange(4)
    if kind == 0 and len(word) > 2:  # a letter left out
        return word[:index] + word[index + 1 :]
    if kind == 1 and index + 1 < len(word):  # two letters swapped
        return word[:index] + word[index + 1] + word[index] + word[index + 2 :]
    if kind == 2:  # a letter doubled
        return word[: index + 1] + word[index:]
    return word[:index] + rng.choice("aeiloust") + word[index + 1 :]  # a wrong letter


def prefix_typo(text: str, rng: random.Random) -> str | None:
    lines = text.splitlines()
    candidates = [(i, m) for i, line in enumerate(lines) for m in _PREFIX.finditer(line) if "->" in line]
    if not candidates:
        return None
    index, match = rng.choice(candidates)
    lane = match.group(1)
    typo = _typo(lane, rng)
    if typo == lane:
        typo = lane + "x"
    line = lines[index]
    lines[index] = line[: match.start(1)] + typo + line[match.end(1) :]
    return _join(lines)


def half_typed_edge(text: str, rng: random.Random) -> str | None:
    """An edge line cut off where typing stopped (`n8.handle(bottom) -> n30.handle(`)."""
    lines = text.splitlines()
    candidates = [i for i, line in enumerate(lines) if _EDGE.search(line)]
    if not candidates:
        return None
    index = rng.choice(candidates)
    line = lines[index]
    cuts = [m.end() for m in re.finditer(r"->\s*|\.|\(|handle", line)]
    cut = rng.choice(cuts) if cuts else len(line) // 2
    lines[index] = line[:cut].rstrip() if rng.random() < 0.3 else line[:cut]
    return _join(lines)


def pasted_edge(text: str, rng: random.Random) -> str | None:
    lines = text.splitlines()
    spans = lanes(lines)
    if not spans:
        return None
    span = rng.choice(spans)
    at = rng.randrange(span.header + 1, span.close + 1)
    lines.insert(at, rng.choice(FOREIGN_EDGES))
    return _join(lines)


def quote_in_label(text: str, rng: random.Random) -> str | None:
    """A word of a label put in plain double quotes (`label:"Say "hi" now"`)."""
    lines = text.splitlines()
    candidates = [(i, m) for i, line in enumerate(lines) for m in re.finditer(r'label[:=]"([^"\\]*\s[^"\\]*)"', line)]
    if not candidates:
        return None
    index, match = rng.choice(candidates)
    words = match.group(1).split(" ")
    word = rng.randrange(len(words))
    words[word] = f'"{words[word]}"'
    line = lines[index]
    lines[index] = line[: match.start(1)] + " ".join(words) + line[match.end(1) :]
    return _join(lines)


MAKERS: dict[str, Callable[[str, random.Random], str | None]] = {
    "lane-copy": lane_copy,
    "deleted-node": deleted_node,
    "renamed-lane": renamed_lane,
    "prefix-typo": prefix_typo,
    "half-typed-edge": half_typed_edge,
    "pasted-edge": pasted_edge,
    "quote-in-label": quote_in_label,
}


def generated(per_kind_and_example: int = 8) -> list[tuple[str, str]]:
    """(name, text) of mistakes made to every example, `per_kind_and_example` seeds each."""
    found: list[tuple[str, str]] = []
    for path in EXAMPLES:
        original = path.read_text(encoding="utf-8")
        for kind, maker in MAKERS.items():
            seen: set[str] = set()
            for seed in range(per_kind_and_example * 4):
                if len(seen) == per_kind_and_example:
                    break
                text = maker(original, random.Random(f"{path.stem}:{kind}:{seed}"))
                if text is None or text == original or text in seen:
                    continue
                seen.add(text)
                found.append((f"{path.stem}:{kind}:{seed}", text))
    return found
