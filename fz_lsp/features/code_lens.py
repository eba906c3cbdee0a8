"""Code lens on lane headers: "N nodes · M edges in · K out" (edges crossing the lane's border).

Off by default (setting `fz-lsp.codeLens`); one pass over the edges, no resolve step.
"""

from __future__ import annotations

from lsprotocol import types

from fz_lsp.analysis.model import Model
from fz_lsp.features import facts
from fz_lsp.features.positions import Positions


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def code_lenses(model: Model, positions: Positions) -> list[types.CodeLens]:
    into: dict[int, int] = {}
    out: dict[int, int] = {}
    for link in facts.links(model):
        source, target = link.source.lane, link.target.lane
        if source is target:
            continue
        if target is not None:
            into[id(target)] = into.get(id(target), 0) + 1
        if source is not None:
            out[id(source)] = out.get(id(source), 0) + 1
    lenses = []
    for lane in model.lanes:
        name = lane.id_name
        title = (
            f"{_plural(len(lane.nodes), 'node')} · {_plural(into.get(id(lane), 0), 'edge')} in · "
            f"{out.get(id(lane), 0)} out"
        )
        lenses.append(
            types.CodeLens(range=positions.range(lane.line, name.start, name.end), command=types.Command(title, ""))
        )
    return lenses
