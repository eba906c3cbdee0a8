""" "Did you mean": declared node IDs that look like an undeclared one, found without a scan.

Node IDs are `n<number>`: the IDs one edit away from `n44` (`n4`, `n43`, `n144`, ...) are
few enough to look up one by one, and the nearest numbers come from a sorted list. Only
an ID of another form falls back to a spelling search over every declared ID, and the
model caches that answer until the set of declared IDs changes.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection

from fz_lsp.analysis.vocabulary import closest_names, node_number

_DIGITS = "0123456789"


def _one_edit_away(node_id: str) -> set[str]:
    """Every `n<digits>` ID one deletion, insertion, substitution or swap of a digit away."""
    digits = node_id[1:]
    found: set[str] = set()
    for i in range(len(digits) + 1):
        for digit in _DIGITS:
            found.add("n" + digits[:i] + digit + digits[i:])
    for i in range(len(digits)):
        found.add("n" + digits[:i] + digits[i + 1 :])
        for digit in _DIGITS:
            found.add("n" + digits[:i] + digit + digits[i + 1 :])
        if i + 1 < len(digits):
            found.add("n" + digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :])
    found.discard(node_id)
    return found


def guesses(node_id: str, declared: Collection[str], numbers: list[int], limit: int = 3) -> list[str]:
    """Declared IDs that `node_id` may have meant, best first.

    `numbers` is the sorted list of the numbers of the declared `n<number>` IDs.
    """
    number = node_number(node_id)
    if number is None:
        return closest_names(node_id, list(declared), limit)
    near = [other for other in _one_edit_away(node_id) if other in declared]
    if near:
        near.sort(key=lambda other: (abs((node_number(other) or 0) - number), other))
        return near[:limit]
    # Nothing looks alike: offer the nearest numbers, nearest first.
    at = bisect.bisect_left(numbers, number)
    around = numbers[max(0, at - 2) : at + 2]
    around.sort(key=lambda other: (abs(other - number), other))
    return [f"n{other}" for other in around[:2]]
