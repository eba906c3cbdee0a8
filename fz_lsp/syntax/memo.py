"""A memo by line text, bounded by the memory it holds rather than by its number of entries.

A count bound lets a file of very many short lines fill hundreds of megabytes; the size
of one entry is estimated from its length (what was built from a line grows with it: a
fixed part, plus so many bytes per character, both measured with tracemalloc), and the
older half is dropped when the budget is reached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

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
