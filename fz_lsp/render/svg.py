"""SVG from a layout: self-contained (no script, no external reference), every label escaped.

Colours are CSS custom properties on the root (`--fz-*`), with one class per theme,
so a webview can follow the editor's theme by switching the class or overriding the
properties. Elements carry `data-lane` / `data-node` / `data-edge` and `data-range`
so that a preview can map a click back to the text.
"""

from __future__ import annotations

import re

from fz_lsp.render.geometry import Box, Layout, NodeBox, SourceRange
from fz_lsp.render.placement import LANE_GUTTER, LINE, SMALL, SMALL_LINE
from fz_lsp.syntax.document import paused_gc

THEMES = ("light", "dark", "print")
FONT_FAMILY = "'DejaVu Sans', Verdana, 'Segoe UI', Arial, sans-serif"
ARROW = 8.0

_PALETTES = {
    "light": {
        "background": "#ffffff",
        "lane": "#f6f8fa",
        "lane-alt": "#eef2f6",
        "lane-border": "#d0d7de",
        "lane-header": "#e6ebf1",
        "lane-text": "#1f2328",
        "node-fill": "#ffffff",
        "node-stroke": "#6e7781",
        "node-text": "#1f2328",
        "start-fill": "#dafbe1",
        "start-stroke": "#1a7f37",
        "decision-fill": "#fff8c5",
        "decision-stroke": "#9a6700",
        "task-fill": "#ddf4ff",
        "task-stroke": "#0969da",
        "muted-text": "#57606a",
        "edge": "#57606a",
        "label-fill": "#ffffff",
        "label-text": "#24292f",
        "loop": "#8250df",
        "loop-fill": "#fbefff",
    },
    "dark": {
        "background": "#0d1117",
        "lane": "#161b22",
        "lane-alt": "#1c2129",
        "lane-border": "#30363d",
        "lane-header": "#21262d",
        "lane-text": "#e6edf3",
        "node-fill": "#0d1117",
        "node-stroke": "#8b949e",
        "node-text": "#e6edf3",
        "start-fill": "#12261e",
        "start-stroke": "#3fb950",
        "decision-fill": "#272115",
        "decision-stroke": "#d29922",
        "task-fill": "#0c2d4b",
        "task-stroke": "#58a6ff",
        "muted-text": "#9198a1",
        "edge": "#9198a1",
        "label-fill": "#161b22",
        "label-text": "#e6edf3",
        "loop": "#bc8cff",
        "loop-fill": "#1e1630",
    },
    "print": {
        "background": "#ffffff",
        "lane": "#ffffff",
        "lane-alt": "#ffffff",
        "lane-border": "#000000",
        "lane-header": "#ffffff",
        "lane-text": "#000000",
        "node-fill": "#ffffff",
        "node-stroke": "#000000",
        "node-text": "#000000",
        "start-fill": "#ffffff",
        "start-stroke": "#000000",
        "decision-fill": "#ffffff",
        "decision-stroke": "#000000",
        "task-fill": "#ffffff",
        "task-stroke": "#000000",
        "muted-text": "#333333",
        "edge": "#000000",
        "label-fill": "#ffffff",
        "label-text": "#000000",
        "loop": "#000000",
        "loop-fill": "#ffffff",
    },
}

_RULES = """
.fz-background{fill:var(--fz-background)}
.fz-lane-band{fill:var(--fz-lane);stroke:var(--fz-lane-border);stroke-width:1}
.fz-lane-alt .fz-lane-band{fill:var(--fz-lane-alt)}
.fz-lane-header{fill:var(--fz-lane-header);stroke:var(--fz-lane-border);stroke-width:1}
.fz-lane-text{fill:var(--fz-lane-text);font-weight:bold}
.fz-shape{fill:var(--fz-node-fill);stroke:var(--fz-node-stroke);stroke-width:1.5}
.fz-shape-circle .fz-shape{fill:var(--fz-start-fill);stroke:var(--fz-start-stroke)}
.fz-shape-diamond .fz-shape{fill:var(--fz-decision-fill);stroke:var(--fz-decision-stroke)}
.fz-shape-taskbox .fz-shape{fill:var(--fz-task-fill);stroke:var(--fz-task-stroke)}
.fz-node-text{fill:var(--fz-node-text)}
.fz-shape-taskbox .fz-node-text{font-weight:bold}
.fz-task-rule{stroke:var(--fz-task-stroke);stroke-width:1}
.fz-detail{fill:var(--fz-muted-text);font-size:11px}
.fz-edge-line{fill:none;stroke:var(--fz-edge);stroke-width:1.5;stroke-linejoin:round}
.fz-arrow{fill:var(--fz-edge)}
.fz-edge-label rect{fill:var(--fz-label-fill);stroke:var(--fz-edge);stroke-width:0.75}
.fz-edge-label text{fill:var(--fz-label-text);font-size:11px}
.fz-loop-frame{fill:none;stroke:var(--fz-loop);stroke-width:1.5;stroke-dasharray:6 4}
.fz-loop-tab{fill:var(--fz-loop-fill);stroke:var(--fz-loop);stroke-width:1}
.fz-loop-text{fill:var(--fz-loop);font-size:11px}
.fz-highlight .fz-shape,.fz-highlight .fz-edge-line{stroke-width:3}
"""

_ESCAPES: dict[int, str | None] = {
    **{code: None for code in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]},
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
}


def escape(text: str) -> str:
    """Text or attribute value safe inside XML (characters XML cannot hold are dropped)."""
    return text.translate(_ESCAPES)


class _Numbers(dict[float, str]):
    """Coordinates written with one decimal at most; diagrams repeat few distinct values, so memoise."""

    def __missing__(self, value: float) -> str:
        rounded = round(value, 1)
        text = str(int(rounded)) if rounded == int(rounded) else str(rounded)
        self[value] = text
        return text


_NUMBERS = _Numbers()
_n = _NUMBERS.__getitem__


def _range(span: SourceRange) -> str:
    return f"{span[0]}:{span[1]}-{span[2]}:{span[3]}"


def _style(theme: str, resolved: bool) -> str:
    """Theme rules; `resolved` writes the colours in place of `var()` (for rasterisers without custom properties)."""
    if resolved:
        palette = _PALETTES[theme]
        rules = re.sub(r"var\(--fz-([a-z-]+)\)", lambda m: palette[m.group(1)], _RULES)
        return "<style>" + rules.replace("\n", "") + "</style>"
    blocks = []
    for name, palette in _PALETTES.items():
        props = ";".join(f"--fz-{key}:{value}" for key, value in palette.items())
        selector = ".fz-diagram" if name == "light" else f".fz-diagram.fz-theme-{name}"
        blocks.append(f"{selector}{{{props}}}")
    return "<style>" + "".join(blocks) + _RULES.replace("\n", "") + "</style>"


def _text_block(
    out: list[str], lines: tuple[str, ...], cx: float, top: float, line_height: float, cls: str, size: float
) -> None:
    if not lines:
        return
    baseline = top + line_height / 2 + size * 0.36
    spans = "".join(
        f'<tspan x="{_n(cx)}" y="{_n(baseline + i * line_height)}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    out.append(f'<text class="{cls}" text-anchor="middle">{spans}</text>')


def _node(out: list[str], node: NodeBox) -> None:
    x, y, w, h = node.x, node.y, node.width, node.height
    cx, cy = x + w / 2, y + h / 2
    out.append(
        f'<g class="fz-node fz-shape-{node.shape}" data-node="{escape(node.id)}" data-lane="{escape(node.lane)}" '
        f'data-range="{_range(node.range)}">'
    )
    if node.shape == "circle":
        out.append(f'<circle class="fz-shape" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(w / 2)}"/>')
    elif node.shape == "diamond":
        out.append(
            f'<polygon class="fz-shape" points="{_n(cx)},{_n(y)} {_n(x + w)},{_n(cy)} {_n(cx)},{_n(y + h)} '
            f'{_n(x)},{_n(cy)}"/>'
        )
    else:
        out.append(f'<rect class="fz-shape" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="6"/>')
    if node.shape == "taskbox":
        top = y + 8
        _text_block(out, node.lines, cx, top, LINE, "fz-node-text", 13)
        rule = top + len(node.lines) * LINE + 5
        if node.details:
            out.append(
                f'<line class="fz-task-rule" x1="{_n(x + 8)}" y1="{_n(rule)}" x2="{_n(x + w - 8)}" y2="{_n(rule)}"/>'
            )
            detail_top = rule + 5
            for _, lines in node.details:
                _text_block(out, lines, cx, detail_top, SMALL_LINE, "fz-detail", SMALL)
                detail_top += len(lines) * SMALL_LINE
    else:
        _text_block(out, node.lines, cx, cy - len(node.lines) * LINE / 2, LINE, "fz-node-text", 13)
    out.append("</g>")


def _arrow(points: list[tuple[float, float]]) -> str:
    (ax, ay), (bx, by) = points[-2], points[-1]
    dx, dy = bx - ax, by - ay
    length = abs(dx) + abs(dy) or 1.0
    ux, uy = dx / length, dy / length
    half = ARROW / 2
    base_x, base_y = bx - ux * ARROW, by - uy * ARROW
    return (
        f"M{_n(bx)} {_n(by)}L{_n(base_x - uy * half)} {_n(base_y + ux * half)}"
        f"L{_n(base_x + uy * half)} {_n(base_y - ux * half)}Z"
    )


def _label(out: list[str], box: Box, lines: tuple[str, ...], attrs: str) -> None:
    out.append(f'<g class="fz-edge-label" {attrs}>')
    out.append(f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.width)}" height="{_n(box.height)}" rx="3"/>')
    _text_block(out, lines, box.x + box.width / 2, box.y + 3, SMALL_LINE, "fz-edge-text", SMALL)
    out.append("</g>")


def to_svg(layout: Layout, theme: str = "light", resolved_colours: bool = False) -> str:
    """The layout drawn as one standalone SVG document.

    Colours are CSS custom properties unless `resolved_colours` asks for plain values.
    """
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: use one of {', '.join(THEMES)}")
    with paused_gc():
        try:
            return _svg(layout, theme, resolved_colours)
        finally:
            _NUMBERS.clear()


def _svg(layout: Layout, theme: str, resolved_colours: bool) -> str:
    width, height = layout.width, layout.height
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fz-diagram fz-theme-{theme}" '
        f'width="{_n(width)}" height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'font-family="{FONT_FAMILY}" font-size="13">',
        _style(theme, resolved_colours),
        f'<rect class="fz-background" x="0" y="0" width="{_n(width)}" height="{_n(height)}"/>',
        '<g class="fz-lanes">',
    ]
    for number, lane in enumerate(layout.lanes):
        alternate = " fz-lane-alt" if number % 2 else ""
        out.append(f'<g class="fz-lane{alternate}" data-lane="{escape(lane.id)}" data-range="{_range(lane.range)}">')
        out.append(
            f'<rect class="fz-lane-band" x="{_n(lane.x)}" y="{_n(lane.y)}" width="{_n(lane.width)}" '
            f'height="{_n(lane.height)}"/>'
        )
        out.append(
            f'<rect class="fz-lane-header" x="{_n(lane.x)}" y="{_n(lane.y)}" width="{_n(LANE_GUTTER - 12)}" '
            f'height="{_n(lane.height)}"/>'
        )
        top = lane.y + lane.height / 2 - len(lane.lines) * LINE / 2
        _text_block(out, lane.lines, lane.x + (LANE_GUTTER - 12) / 2, top, LINE, "fz-lane-text", 13)
        out.append("</g>")
    out.append("</g>")
    out.append('<g class="fz-loops">')
    for loop in layout.loops:
        out.append(f'<g class="fz-loop" data-range="{_range(loop.range)}">')
        out.append(
            f'<rect class="fz-loop-frame" x="{_n(loop.x)}" y="{_n(loop.y)}" width="{_n(loop.width)}" '
            f'height="{_n(loop.height)}" rx="10"/>'
        )
        out.append("</g>")
    out.append("</g>")
    out.append('<g class="fz-edges">')
    for edge in layout.edges:
        attrs = (
            f'data-edge="{escape(edge.source)}-&gt;{escape(edge.target)}" data-from-handle="{edge.from_handle}" '
            f'data-to-handle="{edge.to_handle}" data-range="{_range(edge.range)}"'
        )
        d = "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in edge.points)
        out.append(f'<g class="fz-edge" {attrs}><path class="fz-edge-line" d="{d}"/>')
        out.append(f'<path class="fz-arrow" d="{_arrow(edge.points)}"/></g>')
    out.append("</g>")
    out.append('<g class="fz-nodes">')
    for node in layout.nodes:
        _node(out, node)
    out.append("</g>")
    out.append('<g class="fz-labels">')
    for edge in layout.edges:
        if edge.label_box is not None:
            attrs = f'data-edge="{escape(edge.source)}-&gt;{escape(edge.target)}" data-range="{_range(edge.range)}"'
            _label(out, edge.label_box, edge.lines, attrs)
    for loop in layout.loops:
        tab_w = max(60.0, _tab_width(loop.lines))
        tab_h = len(loop.lines) * SMALL_LINE + 6
        tab_y = loop.y + 8 - tab_h  # on the frame's top line, never over the members inside it
        out.append(f'<g class="fz-loop-label" data-range="{_range(loop.range)}">')
        out.append(
            f'<rect class="fz-loop-tab" x="{_n(loop.x + 12)}" y="{_n(tab_y)}" width="{_n(tab_w)}" '
            f'height="{_n(tab_h)}" rx="3"/>'
        )
        _text_block(out, loop.lines, loop.x + 12 + tab_w / 2, tab_y + 3, SMALL_LINE, "fz-loop-text", SMALL)
        out.append("</g>")
    out.append("</g></svg>")
    return "".join(out)


def _tab_width(lines: tuple[str, ...]) -> float:
    from fz_lsp.render.text import text_width

    return max((text_width("↻ " + line, SMALL) for line in lines), default=0.0) + 12
