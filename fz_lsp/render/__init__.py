"""Rendering: the lane-first layout of a FlowZap model, its JSON form and SVG.

Knows nothing of LSP; the server, the CLI and the previews all draw through it:

    lay = layout(model)          # Model -> Layout
    data = layout_json(lay)      # the documented JSON interface
    svg = to_svg(lay, "dark")    # "light" | "dark" | "print"
"""

from __future__ import annotations

from typing import Any

from fz_lsp.render.geometry import Box, EdgePath, LaneBand, Layout, LoopFrame, NodeBox
from fz_lsp.render.placement import layout
from fz_lsp.render.svg import THEMES, to_svg


def _r(value: float) -> float:
    return round(value, 2)


def _box(box: Box | None) -> dict[str, float] | None:
    if box is None:
        return None
    return {"x": _r(box.x), "y": _r(box.y), "width": _r(box.width), "height": _r(box.height)}


def layout_json(lay: Layout) -> dict[str, Any]:
    """The layout as the documented JSON object (coordinates in SVG user units, top-left corners)."""
    return {
        "width": _r(lay.width),
        "height": _r(lay.height),
        "lanes": [
            {
                "id": lane.id,
                "label": lane.label,
                "x": _r(lane.x),
                "y": _r(lane.y),
                "width": _r(lane.width),
                "height": _r(lane.height),
                "range": list(lane.range),
            }
            for lane in lay.lanes
        ],
        "nodes": [
            {
                "id": node.id,
                "lane": node.lane,
                "shape": node.shape,
                "label": node.label,
                "x": _r(node.x),
                "y": _r(node.y),
                "width": _r(node.width),
                "height": _r(node.height),
                "range": list(node.range),
            }
            for node in lay.nodes
        ],
        "edges": [
            {
                "from": edge.source,
                "to": edge.target,
                "fromHandle": edge.from_handle,
                "toHandle": edge.to_handle,
                "label": edge.label,
                "points": [[_r(x), _r(y)] for x, y in edge.points],
                "labelBox": _box(edge.label_box),
                "range": list(edge.range),
            }
            for edge in lay.edges
        ],
        "loops": [
            {
                "label": loop.label,
                "members": list(loop.members),
                "x": _r(loop.x),
                "y": _r(loop.y),
                "width": _r(loop.width),
                "height": _r(loop.height),
                "range": list(loop.range),
            }
            for loop in lay.loops
        ],
    }


__all__ = ["THEMES", "Box", "EdgePath", "LaneBand", "Layout", "LoopFrame", "NodeBox", "layout", "layout_json", "to_svg"]
