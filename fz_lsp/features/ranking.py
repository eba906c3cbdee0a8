"""Workspace symbols ranked and capped, as clangd (100) and rust-analyzer (128) do.

`workspace/symbol ""` would otherwise send every lane and node of every file (tens of
MB on a large workspace). The best matches come first: the ID itself, then names that
start with the query, then a word that does, then any other match; lanes before
nodes, shorter names before longer ones; then by file and line, so that the order is
stable.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from lsprotocol import types

MAX_WORKSPACE_SYMBOLS = 128


def _key(symbol: types.WorkspaceSymbol, wanted: str) -> tuple[int, int, int, str, str, int]:
    name = symbol.name.lower()
    words = name.split()
    if words and words[0] == wanted:
        match = 0
    elif name.startswith(wanted):
        match = 1
    elif any(word.startswith(wanted) for word in words):
        match = 2
    else:
        match = 3
    kind = 0 if symbol.kind == types.SymbolKind.Namespace else 1
    location = symbol.location
    line = location.range.start.line if isinstance(location, types.Location) else 0
    return match, kind, len(name), name, location.uri, line


def best_symbols(
    found: Iterable[types.WorkspaceSymbol], query: str, limit: int = MAX_WORKSPACE_SYMBOLS
) -> list[types.WorkspaceSymbol]:
    """The `limit` best matches of `query` among `found`, best first."""
    wanted = query.lower()
    return heapq.nsmallest(limit, found, key=lambda symbol: _key(symbol, wanted))
