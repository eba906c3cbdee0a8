"""Inlay hints: the label of the node after each reference to it (`n7 ‹Charge card›`).

FlowZap's node IDs say nothing; an edge line reads as prose with the labels shown.
Not after a declaration, which shows its label already, nor after an undeclared ID.
"""

from __future__ import annotations

from lsprotocol import types

from fz_lsp.analysis.model import Model
from fz_lsp.features import facts
from fz_lsp.features.positions import Positions


def shorten(label: str, max_length: int) -> str:
    """`label` cut to `max_length` characters, the last one an ellipsis when cut."""
    return label if len(label) <= max_length else label[: max_length - 1].rstrip() + "…"


def inlay_hints(model: Model, positions: Positions, first: int, last: int, max_length: int) -> list[types.InlayHint]:
    found: list[types.InlayHint] = []
    for use in facts.uses(model):
        if not first <= use.line <= last or use.node is None or not use.node.label:
            continue
        label = use.node.label
        text = shorten(label, max_length)
        found.append(
            types.InlayHint(
                position=positions.position(use.line, use.ref.node.end),
                label=f"‹{text}›",
                padding_left=True,
                tooltip=label if text != label else None,
            )
        )
    return found
