"""SVG to PNG through the optional `resvg-py` (`pip install 'fz-lsp[png]'`).

Text is set in the DejaVu Sans bundled with the package, so Latin, Greek and
Cyrillic labels come out the same on every machine. Characters the bundled font
lacks (Chinese, emoji) fall back to the machine's own fonts, when it has any.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

FONTS = Path(__file__).resolve().parent / "fonts"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
HINT = "PNG output needs the optional extra: pip install 'fz-lsp[png]'"


class PngUnavailable(RuntimeError):
    """The rasteriser is not installed (or failed); the message says what to do."""


def available() -> bool:
    return importlib.util.find_spec("resvg_py") is not None


def svg_to_png(svg: str, zoom: float = 1.0) -> bytes:
    """Rasterise one of our SVGs (drawn with resolved colours, which resvg needs)."""
    try:
        import resvg_py
    except ImportError:
        raise PngUnavailable(HINT) from None
    try:
        data = resvg_py.svg_to_bytes(
            svg_string=svg,
            font_files=[str(FONTS / name) for name in FONT_FILES],
            font_family="DejaVu Sans",
            sans_serif_family="DejaVu Sans",
            zoom=zoom,
        )
    except ValueError as error:
        raise PngUnavailable(f"the rasteriser failed: {error}") from None
    return bytes(data)
