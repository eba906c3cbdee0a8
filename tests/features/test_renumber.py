"""Renumbering: numeric order kept, references follow, the graph unchanged; refusals name lines."""

from __future__ import annotations

import random
import re

import pytest
from reshape_samples import CORPUS, EXAMPLE_FILES, model_of

from fz_lsp.analysis.model import Model
from fz_lsp.features.renumber import RenumberBlocked, renumber_text


def labelled_graph(model: Model) -> list[tuple[object, ...]]:
    """Edges between labels (with handles and edge labels) and loops by member labels: what numbering must keep."""
    label = {node.id: (node.lane.id if node.lane else None, node.label) for node in model.nodes}
    edges = [
        (
            label[e.edge.source.ref.node.text],
            e.edge.source.handle.direction.text if e.edge.source.handle else None,
            label[e.edge.target.ref.node.text],
            e.edge.target.handle.direction.text if e.edge.target.handle else None,
            e.edge.label.value.raw if e.edge.label else None,
        )
        for e in model.edges
    ]
    loops = [(loop.loop.text.text, [label[m.node.text] for m in loop.loop.members]) for loop in model.loops]
    nodes = sorted((label[n.id], n.decl.shape.text) for n in model.nodes)
    return [*edges, *loops, *nodes]


def without_node(text: str, node_id: str) -> str:
    """`text` with the node's declaration, its edges and its loop memberships deleted."""
    word = re.compile(rf"(?<![\w.])(?:[\w-]+\.)?{node_id}(?![\w])")
    kept = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith(f"{node_id}:"):
            continue
        if "->" in stripped and word.search(stripped.split("[label")[0]):
            continue
        if stripped.startswith("loop"):
            close = line.index("]") + 1
            line = line[:close] + word.sub("", line[close:])
            line = re.sub(r"  +", " ", line).rstrip()
        kept.append(line)
    return "\n".join(kept)


def codes(model: Model) -> list[str]:
    return sorted(d.code for d in model.diagnostics)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_renumber_after_deleting_a_random_node(path: object) -> None:
    text = CORPUS[path.name]  # type: ignore[attr-defined]
    ids = [node.id for node in model_of(text).nodes]
    # Not the highest number: deleting it leaves no gap. Seeded by the file's name, not its
    # path, so that every checkout deletes the same nodes.
    candidates = sorted(ids, key=lambda node_id: int(node_id[1:]))[:-1]
    for seed in range(4):
        victim = random.Random(f"{path.name}-{seed}").choice(candidates)  # type: ignore[attr-defined]
        cut = without_node(text, victim)
        before = model_of(cut)
        assert "FZ204" in codes(before), victim
        renumbered = renumber_text(cut)
        after = model_of(renumbered)
        assert "FZ204" not in codes(after)
        assert set(codes(after)) <= set(codes(before)) - {"FZ204"}
        assert len(codes(after)) <= len(codes(before))
        assert labelled_graph(after) == labelled_graph(before)
        assert sorted(n.id for n in after.nodes) == sorted(f"n{i}" for i in range(1, len(ids)))
        assert renumber_text(renumbered) == renumbered
        # Nothing but node IDs changed.
        strip = re.compile(r"(?<![\w])n\d+(?![\w])")
        assert strip.sub("#", renumbered) == strip.sub("#", cut)


def test_numeric_order_is_kept_not_position() -> None:
    text = (
        'A { # 甲 🅰\nn7: circle label:"七 7️⃣"\nn3: rectangle label:"三"\nn1.handle(right) -> n7.handle(left)\n'
        'n9: circle label:"九"\nn3.handle(right) -> B.n1.handle(left)\nloop [重试] n7 B.n1 n3 n9\n}\n'
        'B {\nn1: circle label:"一"\nn1.handle(top) -> A.n9.handle(bottom)\n}\n'
    )
    assert renumber_text(text) == (
        'A { # 甲 🅰\nn3: circle label:"七 7️⃣"\nn2: rectangle label:"三"\nn1.handle(right) -> n3.handle(left)\n'
        'n4: circle label:"九"\nn2.handle(right) -> B.n1.handle(left)\nloop [重试] n3 B.n1 n2 n4\n}\n'
        'B {\nn1: circle label:"一"\nn1.handle(top) -> A.n4.handle(bottom)\n}\n'
    )
    assert renumber_text(text.replace("\n", "\r\n")) == renumber_text(text).replace("\n", "\r\n")


def test_refusals_name_the_lines_to_fix() -> None:
    duplicate = 'A {\nn1: circle label:"a"\nn3: circle label:"b"\n}\nB {\nn3: circle label:"c"\nn1.handle(right) -> n8.handle(left)\n}\n'
    with pytest.raises(RenumberBlocked) as caught:
        renumber_text(duplicate)
    assert str(caught.value) == ("fix duplicate node IDs on lines 3, 6 and undeclared nodes referenced on line 7 first")
    with pytest.raises(RenumberBlocked, match=r"^fix syntax errors on line 2 first$"):
        renumber_text('A {\nn1: circle label:"a\nn3: circle label:"b"\n}\n')
    numbered = 'A {\nn2: circle label:"a"\nn1: circle label:"b"\nstart: circle label:"c"\n}\n'
    assert renumber_text(numbered) == numbered  # already n1..nN; `start` is not a numbered ID
