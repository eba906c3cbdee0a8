"""FlowZap's fixed words and the "did you mean" that points back to them."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

SHAPES = ("circle", "rectangle", "diamond", "taskbox")
NODE_KEYS = ("label", "owner", "description", "system")
DIRECTIONS = ("left", "right", "top", "bottom")
MAX_LABEL = 50
NODE_ID = re.compile(r"n([1-9][0-9]*)\Z")

# Words people write for a shape, a key or a direction, and the FlowZap word they mean.
SHAPE_ALIASES = {
    "rect": "rectangle",
    "box": "rectangle",
    "square": "rectangle",
    "process": "rectangle",
    "step": "rectangle",
    "oval": "circle",
    "ellipse": "circle",
    "start": "circle",
    "end": "circle",
    "decision": "diamond",
    "rhombus": "diamond",
    "choice": "diamond",
    "task": "taskbox",
}
KEY_ALIASES = {"text": "label", "title": "label", "name": "label", "desc": "description"}
DIRECTION_ALIASES = {"up": "top", "down": "bottom", "north": "top", "south": "bottom", "east": "right", "west": "left"}


def closest(word: str, choices: tuple[str, ...], aliases: dict[str, str]) -> str | None:
    """The FlowZap word closest to `word`, by case, alias or spelling."""
    lowered = word.lower()
    if lowered in choices:
        return lowered
    if lowered in aliases:
        return aliases[lowered]
    matches = difflib.get_close_matches(lowered, choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


def closest_names(word: str, names: list[str], limit: int = 3) -> list[str]:
    """Declared names that look like `word`, best first."""
    return difflib.get_close_matches(word, names, n=limit, cutoff=0.5)


@functools.lru_cache(maxsize=1 << 16)
def node_number(node_id: str) -> int | None:
    match = NODE_ID.match(node_id)
    return int(match.group(1)) if match else None


_SUSPECT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200d\ufe0f\u20e3\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\U0001fc00-\U0001ffff]"
)


def forbidden_character(text: str) -> int | None:
    """Index of the first emoji or control character FlowZap rejects in a label, if any."""
    if _SUSPECT.search(text) is None:  # the common case, in one scan
        return None
    for match in _SUSPECT.finditer(text):
        code = ord(match.group())
        # Of the arrows-and-symbols block, only the pictographs (category So) are emoji.
        if not 0x2B00 <= code <= 0x2BFF or unicodedata.category(match.group()) == "So":
            return match.start()
    return None
