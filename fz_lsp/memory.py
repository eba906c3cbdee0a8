"""Handing freed memory back to the system after a large document is closed.

CPython frees an arena of small objects only when every object in it is gone: the
memos keyed by line text and node ID keep a few objects in nearly every arena a
large document filled, so they are emptied first (they refill from the documents
still open, at the cost of one parse per distinct line). glibc's `malloc` keeps what
it freed at the top of its heaps until `malloc_trim(0)` asks; elsewhere that step
does nothing. Measured on a 100k-line document: 255 MB -> 213 MB without emptying
the memos, -> 55 MB (the size before opening it) with.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc

from fz_lsp.analysis.statement_checks import findings_for_line
from fz_lsp.analysis.vocabulary import node_number
from fz_lsp.syntax.parser import parse_line


@functools.cache
def _trim() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None)
    except OSError:
        return None


def give_back_memory() -> None:
    """Empty the line memos, collect, and return free heap memory to the system."""
    parse_line.cache_clear()
    findings_for_line.cache_clear()
    node_number.cache_clear()
    gc.collect()
    if (trim := _trim()) is not None:
        trim(0)
