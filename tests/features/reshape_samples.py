"""Diagrams for the reshaping tests, and a whitespace mangler that keeps every token.

`SAMPLE` has what the examples lack: comments inside and between lanes, a label on
the line after its header, loops with prefixed members, Chinese and emoji text, an
edge label with spaces; `examples/` adds six real-sized diagrams.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.model import Model

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_FILES = sorted((REPO / "examples").glob("*.fz"))

SAMPLE = """\
// 订单流程 🛒 (a comment before the first lane)
Shop { # 商店 🛒 Shop
n1: circle label:"开始 🚀"
n2: rectangle label:"Validate  order"

# 库存 check below
n3: diamond label:"库存够吗？"
n1.handle(right) -> n2.handle(left) [label="下单 📦"]
n2.handle(bottom) -> Billing.n4.handle(top) [label="Charge 💳"]
n3.handle(bottom) -> Billing.n5.handle(top)
loop [重试 🔁 until ok] n2 n3 Billing.n4
}
// between the lanes
Billing {
# 账单 🧾
n4: taskbox label:"Charge card" owner:"财务 👩‍💼" description:"扣款" system:"Stripe"
n5: circle label:"完成 🎉"
n4.handle(right) -> n5.handle(left) [label="ok"]
n4.handle(top) -> Shop.n3.handle(bottom) [label="Paid ✅"]
}
"""

CORPUS = {"sample": SAMPLE, **{path.name: path.read_text(encoding="utf-8") for path in EXAMPLE_FILES}}

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_SPACE = ["", " ", "  ", "\t", " \t "]


def _spaces(rng: random.Random, allow_none: bool = True) -> str:
    return rng.choice(_SPACE if allow_none else _SPACE[1:])


def _mangle_code(rng: random.Random, code: str) -> str:
    """Whitespace varied around punctuation and between words of a statement (strings untouched)."""
    out: list[str] = []
    position = 0
    for match in _STRING.finditer(code):
        out.append(_mangle_plain(rng, code[position : match.start()]))
        out.append(match.group())
        position = match.end()
    out.append(_mangle_plain(rng, code[position:]))
    return "".join(out)


def _mangle_plain(rng: random.Random, text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == " ":
            out.append(_spaces(rng, allow_none=False))
        elif text.startswith("->", index):
            out.append(_spaces(rng) + "->" + _spaces(rng))
            index += 1
        elif char in "().[]=" or (char == ":" and index + 1 < len(text) and text[index + 1] == '"'):
            out.append(_spaces(rng) + char + _spaces(rng))
        else:
            out.append(char)
        index += 1
    return "".join(out)


def mangle(text: str, seed: int) -> str:
    """`text` with random indentation, spacing, trailing spaces and blank-line runs; tokens unchanged.

    Blank-line runs are lengthened where there is one, and added only where the layout
    puts one anyway (after a `}`, at the ends of the file): the layout keeps a blank line
    inside a lane, so adding one there would change the formatted text.
    """
    rng = random.Random(seed)
    out: list[str] = ["" + _spaces(rng)] * rng.randint(0, 2)
    for line in text.split("\n")[:-1]:
        stripped = line.strip()
        if not stripped:
            out.extend(_spaces(rng) for _ in range(rng.randint(1, 3)))
            continue
        indent = "".join(rng.choice([" ", "\t"]) for _ in range(rng.randint(0, 4)))
        if stripped.startswith(("#", "//")):
            body = stripped
        elif stripped.startswith("loop"):
            close = stripped.index("]") + 1
            body = stripped[:close] + _mangle_code(rng, stripped[close:])
        elif stripped.endswith("{") or "{ #" in stripped:
            name, _, label = stripped.partition("{")
            body = (
                name.rstrip()
                + _spaces(rng)
                + "{"
                + (_spaces(rng) + "#" + _spaces(rng) + label.strip()[1:].strip() if label.strip() else "")
            )
        else:
            body = _mangle_code(rng, stripped)
        out.append(indent + body + _spaces(rng))
        if stripped == "}":
            out.extend(_spaces(rng) for _ in range(rng.randint(0, 3)))
    return "\n".join(out) + "\n" + "\n".join(_spaces(rng) for _ in range(rng.randint(0, 2)))


def graph(model: Model) -> tuple[object, ...]:
    """Lanes, nodes and edges as plain values, for comparing two models."""
    lanes = [(lane.id, lane.label) for lane in model.lanes]
    nodes = [(n.id, n.lane.id if n.lane else None, n.decl.shape.text, n.label) for n in model.nodes]
    edges = [
        (
            e.edge.source.ref.node.text,
            e.edge.source.handle.direction.text if e.edge.source.handle else None,
            e.edge.target.ref.node.text,
            e.edge.target.handle.direction.text if e.edge.target.handle else None,
            e.edge.label.value.value if e.edge.label else None,
        )
        for e in model.edges
    ]
    loops = [(loop.loop.text.text, [m.node.text for m in loop.loop.members]) for loop in model.loops]
    return (lanes, nodes, edges, loops)


def model_of(text: str) -> Model:
    return analyze_text(text)
