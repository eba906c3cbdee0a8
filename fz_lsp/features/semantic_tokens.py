"""Semantic tokens: what each word of a diagram is, for editors that colour by meaning.

Tokens are made per line from its statement and kept in a memo keyed by the line's
text and the encoding, already in the client's units; a request copies the memoised
lists together, so its cost is a copy, not a re-tokenisation. Only references to
undeclared nodes (the `dangling` modifier) depend on the rest of the file.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types

from fz_lsp.syntax.statements import Comment, Edge, Endpoint, LaneHeader, Loop, Name, NodeDecl, Ref, Statement

TOKEN_TYPES = ["namespace", "variable", "type", "enumMember", "keyword", "property", "string", "comment"]
TOKEN_MODIFIERS = ["declaration", "dangling"]
LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)

NAMESPACE, VARIABLE, TYPE, ENUM_MEMBER, KEYWORD, PROPERTY, STRING, COMMENT = range(8)
DECLARATION, DANGLING = 1, 2
MEMO_LINES = 100_000

# A token in code points: start, end, type, modifiers, and the node ID it names (for `dangling`).
Raw = tuple[int, int, int, int, str | None]


def _name(name: Name, kind: int, modifiers: int = 0, node: str | None = None) -> Raw:
    return (name.start, name.end, kind, modifiers, node)


def _ref(ref: Ref) -> list[Raw]:
    found = [] if ref.lane is None else [_name(ref.lane, NAMESPACE)]
    found.append(_name(ref.node, VARIABLE, 0, ref.node.text))
    return found


def _endpoint(endpoint: Endpoint) -> list[Raw]:
    found = _ref(endpoint.ref)
    if endpoint.handle is not None:
        found.append(_name(endpoint.handle.keyword, KEYWORD))
        found.append(_name(endpoint.handle.direction, ENUM_MEMBER))
    return found


def line_tokens(statement: Statement) -> list[Raw]:
    """The tokens of one line, in column order."""
    kind = type(statement)
    found: list[Raw] = []
    if kind is NodeDecl:
        decl: NodeDecl = statement  # type: ignore[assignment]
        found.append(_name(decl.node, VARIABLE, DECLARATION))
        found.append(_name(decl.shape, TYPE))
        for attribute in decl.attributes:
            found.append(_name(attribute.key, PROPERTY))
            found.append((attribute.value.start, attribute.value.end, STRING, 0, None))
    elif kind is Edge:
        edge: Edge = statement  # type: ignore[assignment]
        found += _endpoint(edge.source)
        found += _endpoint(edge.target)
        if edge.label is not None:
            found.append(_name(edge.label.key, PROPERTY))
            found.append((edge.label.value.start, edge.label.value.end, STRING, 0, None))
    elif kind is Loop:
        loop: Loop = statement  # type: ignore[assignment]
        found.append(_name(loop.keyword, KEYWORD))
        found.append(_name(loop.text, STRING))
        for member in loop.members:
            found += _ref(member)
    elif kind is LaneHeader:
        header: LaneHeader = statement  # type: ignore[assignment]
        found.append(_name(header.lane, NAMESPACE, DECLARATION))
        if header.label is not None:
            found.append(_name(header.label, STRING))
    elif kind is Comment:
        comment: Comment = statement  # type: ignore[assignment]
        found.append((comment.start, comment.end, COMMENT, 0, None))
    found.sort(key=lambda token: token[0])
    return found


def _unit_columns(line: str, encoding: str) -> list[int] | None:
    """Client units before each code-point column (None when they are the same)."""
    if encoding == "utf-32" or line.isascii():
        return None
    columns = [0]
    total = 0
    for char in line:
        code = ord(char)
        if encoding == "utf-16":
            total += 2 if code > 0xFFFF else 1
        else:
            total += 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
        columns.append(total)
    return columns


@dataclass(frozen=True, slots=True)
class LineTokens:
    """One line's tokens encoded relative to each other; the first token's start is absolute."""

    data: list[int]  # 5 ints per token; the first token's line delta is 0 here
    nodes: tuple[tuple[int, str], ...]  # (token index, node ID) of references, for `dangling`


_memos: dict[str, dict[str, LineTokens]] = {}  # per encoding: line text -> its tokens


def _encode(line: str, statement: Statement, encoding: str) -> LineTokens:
    memo = _memos.setdefault(encoding, {})
    found = memo.get(line)
    if found is not None:
        return found
    columns = _unit_columns(line, encoding)
    data: list[int] = []
    nodes: list[tuple[int, str]] = []
    previous = 0
    for start, end, kind, modifiers, node in line_tokens(statement):
        if end <= start:
            continue
        if columns is not None:
            start, end = columns[start], columns[end]
        data += (0, start - previous, end - start, kind, modifiers)
        previous = start
        if node is not None:
            nodes.append((len(data) // 5 - 1, node))
    found = LineTokens(data, tuple(nodes))
    if len(memo) >= MEMO_LINES:
        memo.clear()  # a bound, not a policy: lines come back on the next request
    memo[line] = found
    return found


def encode(
    lines: Sequence[str],
    statements: Sequence[Statement],
    dangling: set[str],
    encoding: str,
    first: int = 0,
    last: int | None = None,
) -> list[int]:
    """The LSP integer encoding of the tokens on lines `first`..`last` (default: all).

    `dangling` are the referenced IDs that no node declares.
    """
    memo = _memos.setdefault(encoding, {})
    get = memo.get
    data: list[int] = []
    extend = data.extend
    previous_line = 0
    end = len(lines) - 1 if last is None else min(last, len(lines) - 1)
    for index in range(max(0, first), end + 1):
        line = lines[index]
        tokens = get(line) or _encode(line, statements[index], encoding)
        if not tokens.data:
            continue
        at = len(data)
        extend(tokens.data)
        data[at] = index - previous_line
        previous_line = index
        if dangling and tokens.nodes:
            for token, node in tokens.nodes:
                if node in dangling:
                    data[at + token * 5 + 4] |= DANGLING
    return data


def _common_prefix(old: list[int], new: list[int]) -> int:
    """Length of the common prefix, compared a block at a time (slices compare in C)."""
    limit = min(len(old), len(new))
    start = 0
    step = 4096
    while start < limit:
        stop = min(limit, start + step)
        if old[start:stop] != new[start:stop]:
            while old[start] == new[start]:
                start += 1
            return start
        start = stop
    return limit


def _common_suffix(old: list[int], new: list[int], room: int) -> int:
    """Length of the common suffix, at most `room`, compared a block at a time from the end."""
    count = 0
    step = 4096
    while count < room:
        size = min(step, room - count)
        if old[len(old) - count - size : len(old) - count] != new[len(new) - count - size : len(new) - count]:
            while count < room and old[len(old) - 1 - count] == new[len(new) - 1 - count]:
                count += 1
            return count
        count += size
    return count


def delta(old: list[int], new: list[int]) -> list[types.SemanticTokensEdit]:
    """One edit that turns `old` into `new` (none when equal)."""
    prefix = _common_prefix(old, new)
    if prefix == len(old) == len(new):
        return []
    suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
    edit = types.SemanticTokensEdit(
        start=prefix, delete_count=len(old) - prefix - suffix, data=new[prefix : len(new) - suffix]
    )
    return [edit]


class Results:
    """The last tokens sent per document: the base of `full/delta`, and the answer when a request fails."""

    def __init__(self, keep: int = 64) -> None:
        self.keep = keep
        self._last: OrderedDict[str, tuple[str, list[int]]] = OrderedDict()
        self._counter = 0

    def remember(self, uri: str, data: list[int]) -> str:
        self._counter += 1
        result_id = str(self._counter)
        self._last[uri] = (result_id, data)
        self._last.move_to_end(uri)
        while len(self._last) > self.keep:
            self._last.popitem(last=False)
        return result_id

    def last(self, uri: str) -> tuple[str, list[int]] | None:
        return self._last.get(uri)

    def forget(self, uri: str) -> None:
        self._last.pop(uri, None)
