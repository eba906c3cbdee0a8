"""A memo by line text, bounded by the memory it holds rather than by its number of entries.

A count bound lets a file of very many short lines fill hundreds of megabytes; the size
of one entry is estimated from its length (what was built from a line grows with it: a
fixed part, plus so many bytes per character, both measured with tracemalloc), and the
older half is dropped when the budget is reached.

A line being typed gives a new text at every key, each used once: typing at 30 keys/s
left ~1,600 such entries behind a minute, RSS rising ~1.6 MB a minute from them alone
(`benchmarks/soak.py`), the budget far from reached. So a text one keystroke away from
the text computed next (one or two characters inserted or deleted at one place: a key,
a pair of auto-closed quotes, a backspace) was a state of a line being typed, and is
forgotten when the text after that is computed, if by then nothing but the memo holds
its value: the statements of open documents stay the memo's own (shared, not copied).
Forgetting never changes a result; it costs a parse if the text comes back.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Generic, TypeVar

Value = TypeVar("Value")


class TextMemo(Generic[Value]):
    """`compute(text)` remembered by `text`, within about `budget` bytes."""

    def __init__(self, compute: Callable[[str], Value], budget: int, entry_cost: int, per_char: int) -> None:
        self._compute = compute
        self.budget = budget
        self.entry_cost = entry_cost  # bytes one entry keeps alive whatever its length
        self.per_char = per_char  # and per character of its text
        self.known: dict[str, Value] = {}
        self.used = 0
        self._last = ""  # the text computed last
        self._typed: str | None = None  # a text the next one was one key away from: gone, unless still held

    def __call__(self, text: str) -> Value:
        found = self.known.get(text)
        if found is None:
            found = self._compute(text)
            self.remember(text, found)
        return found

    def cost(self, text: str) -> int:
        return self.entry_cost + self.per_char * len(text)

    def remember(self, text: str, value: Value) -> None:
        if text in self.known:
            return
        if self._typed is not None and self._typed != text and _unheld(self.known, self._typed):
            self.used -= self.cost(self._typed)
            del self.known[self._typed]
        self._typed = self._last if one_key_apart(self._last, text) else None
        self._last = text
        self.used += self.cost(text)
        self.known[text] = value
        if self.used > self.budget:
            # Keep the newer half: the lines of the documents being edited now.
            items = list(self.known.items())
            kept = items[len(items) // 2 :]
            self.known = dict(kept)
            self.used = sum(self.cost(text) for text, _ in kept)

    def cache_clear(self) -> None:
        self.known.clear()
        self.used = 0
        self._last = ""
        self._typed = None


def one_key_apart(a: str, b: str) -> bool:
    """Whether one text is the other with one or two characters inserted at one place."""
    short, long = (a, b) if len(a) < len(b) else (b, a)
    extra = len(long) - len(short)
    if not 1 <= extra <= 2:
        return False
    same = 0
    while same < len(short) and short[same] == long[same]:
        same += 1
    return long[same + extra :] == short[same:]


def _references(known: dict[str, Any], text: str) -> int:
    value = known.get(text)
    return sys.getrefcount(value) if value is not None else 0


# What `_references` counts for a value nothing but its dict holds (measured, not assumed:
# how a reference to a local is counted differs between Python versions).
_ALONE = _references({"": object()}, "")


def _unheld(known: dict[str, Any], text: str) -> bool:
    """Whether `text` is remembered and nothing but the memo holds its value (CPython's reference count)."""
    return 0 < _references(known, text) <= _ALONE
