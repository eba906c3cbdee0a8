"""Text measurement and wrapping without a font engine.

Widths come from the advance widths of DejaVu Sans (the font the PNG output
bundles, and close to Verdana's), in thousandths of an em; East Asian wide
characters and emoji count as one em. That is enough to size cards so that the
label fits, which is all the layout needs.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Advance widths of DejaVu Sans for U+0020..U+007E, thousandths of an em.
_ASCII = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip
_OTHER = 610  # the mean advance of DejaVu Sans' accented Latin letters
_WIDE = 1000


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    """Advance of one character in thousandths of an em."""
    code = ord(char)
    if 32 <= code < 127:
        return _ASCII[code - 32]
    if code < 32 or unicodedata.combining(char) or code in (0x200D, 0xFE0F, 0xFE0E):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F") or code >= 0x1F000:
        return _WIDE
    return _OTHER


@lru_cache(maxsize=8192)
def text_width(text: str, size: float) -> float:
    """Width of `text` set in `size` px."""
    return sum(char_width(c) for c in text) * size / 1000


def _breakable(char: str) -> bool:
    """Characters after which a line may break without a space (CJK and emoji)."""
    return char_width(char) == _WIDE


def _pieces(text: str) -> list[str]:
    """Words, with CJK characters and emoji as words of their own; spaces kept at word ends."""
    pieces: list[str] = []
    current = ""
    for char in text:
        if char == " ":
            current += char
            pieces.append(current)
            current = ""
        elif _breakable(char):
            if current:
                pieces.append(current)
            pieces.append(char)
            current = ""
        else:
            if current and _breakable(current[-1]):
                pieces.append(current)
                current = ""
            current += char
    if current:
        pieces.append(current)
    return pieces


@lru_cache(maxsize=8192)
def wrap(text: str, width: float, size: float) -> tuple[str, ...]:
    """Break `text` into lines no wider than `width` px (a word longer than that is cut)."""
    text = " ".join(text.split())
    if not text:
        return ()
    lines: list[str] = []
    line = ""
    for piece in _pieces(text):
        candidate = line + piece
        if text_width(candidate.rstrip(), size) <= width or not line:
            line = candidate
        else:
            lines.append(line.rstrip())
            line = piece
        while text_width(line.rstrip(), size) > width and len(line.rstrip()) > 1:
            # One word wider than the card: cut it where it stops fitting.
            cut = 1
            while cut < len(line) and text_width(line[: cut + 1], size) <= width:
                cut += 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return tuple(lines)
