"""Completion from the text left of the cursor: what the grammar allows there.

IDs are opaque (`n17`), so node items show their label and match on it too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lsprotocol import types

from fz_lsp.analysis.model import Lane, Model, Node
from fz_lsp.analysis.vocabulary import DIRECTIONS, NODE_KEYS, SHAPES, node_number
from fz_lsp.features.hover import WORDS, lane_label
from fz_lsp.features.positions import Positions
from fz_lsp.syntax.statements import IDENTIFIER, LaneClose, LaneHeader, Name, Ref

TRIGGER_CHARACTERS = [".", "(", ">", ":", " ", "["]

_TYPED = r"(?P<typed>[\w-]*)"  # the word being typed at the cursor, which the items replace
# An ID before `.` or `:`. Trailing `-`s belong to no ID but are let through, as they always were:
# a half-written `n1-.` still offers `handle(` rather than nothing.
_ID = rf"{IDENTIFIER}-*"
_IN_HANDLE = re.compile(rf"\.\s*handle\s*\(\s*{_TYPED}\Z", re.IGNORECASE)
_AFTER_DOT = re.compile(rf"({_ID})(?:\.({_ID}))?\.{_TYPED}\Z")
_NODE_SHAPE = re.compile(rf"^\s*{_ID}\s*:\s*{_TYPED}\Z")
_NODE_ATTRIBUTES = re.compile(rf'^\s*{_ID}\s*:\s*[\w-]+(?:\s+[\w-]+\s*[:=]\s*"(?:[^"\\]|\\.)*")*\s+{_TYPED}\Z')
_EDGE_BRACKET = re.compile(rf"->.*\)\s*\[\s*{_TYPED}\Z")
_AFTER_ARROW = re.compile(rf"->\s*{_TYPED}\Z")
_LOOP_MEMBERS = re.compile(rf"^\s*loop\s*\[[^\]]*\](?:\s+[\w.-]+)*\s+{_TYPED}\Z", re.IGNORECASE)
_LINE_START = re.compile(rf"^\s*{_TYPED}\Z")


def _in_string_or_label(before: str) -> bool:
    """True inside a quoted string, a lane's `# label`, a comment or a loop's `[text]`."""
    quotes = len(re.findall(r'(?<!\\)"', before.replace("\\\\", "")))
    if quotes % 2 == 1:
        return True
    stripped = before.lstrip()
    if stripped.startswith(("#", "//")) or re.match(r"^\s*[\w-]+\s*\{\s*#", before):
        return True
    return bool(re.match(r"^\s*loop\s*\[[^\]]*\Z", before, re.IGNORECASE))


class _Builder:
    def __init__(self, positions: Positions, line: int, column: int, snippets: bool) -> None:
        self.positions = positions
        self.line = line
        self.column = column
        self.snippets = snippets
        self.items: list[types.CompletionItem] = []
        self.incomplete = False  # some items were left out: the client asks again as the user types
        self._ranges: dict[str, types.Range] = {}

    def edit_range(self, typed: str) -> types.Range:
        found = self._ranges.get(typed)
        if found is None:
            found = self._ranges[typed] = self.positions.range(self.line, self.column - len(typed), self.column)
        return found

    def add(
        self,
        label: str,
        typed: str,
        kind: types.CompletionItemKind,
        new_text: str | None = None,
        detail: str | None = None,
        documentation: str | None = None,
        filter_text: str | None = None,
        sort: str | None = None,
        snippet: str | None = None,
        description: str | None = None,
    ) -> None:
        text = new_text if new_text is not None else label
        fmt = types.InsertTextFormat.PlainText
        if snippet is not None and self.snippets:
            text, fmt = snippet, types.InsertTextFormat.Snippet
        self.items.append(
            types.CompletionItem(
                label=label,
                kind=kind,
                detail=detail,
                label_details=types.CompletionItemLabelDetails(
                    detail=f"  {detail}" if detail else None, description=description
                ),
                documentation=types.MarkupContent(types.MarkupKind.Markdown, documentation) if documentation else None,
                filter_text=filter_text,
                sort_text=sort,
                insert_text_format=fmt,
                text_edit=types.TextEdit(self.edit_range(typed), text),
            )
        )


def _node_doc(node: Node) -> str:
    label = lane_label(node.lane) if node.lane is not None else None
    lane = f"lane `{node.lane.id}`" + (f" ({label})" if label else "") if node.lane else "no lane"
    return f"`{node.decl.shape.text}` in {lane}"


MAX_NODE_ITEMS = 100


def _written(model: Model, node: Node, lane: Lane | None, prefixed_others: bool) -> str | None:
    """How to write `node` from a statement in `lane` so that it resolves to this very declaration.

    Bare when the model's lane-aware rule takes a bare ID there to `node`; else with its lane's
    prefix (always for another lane's node after `->`); None when neither reaches it.
    """
    home = node.lane
    bare_allowed = home is lane or home is None or not prefixed_others
    if bare_allowed and model.resolve_written(Ref(None, Name(node.id, 0, 0)), lane) is node:
        return node.id
    if home is None or model.lane_table.get(home.id) is not home:
        return None
    prefixed = Ref(Name(home.id, 0, 0), Name(node.id, 0, 0))
    return f"{home.id}.{node.id}" if model.resolve_written(prefixed, lane) is node else None


def _reachable(model: Model, lane: Lane | None, prefixed_others: bool) -> list[tuple[bool, str, Node]]:
    """(bare, how to write it, node) for every node that resolves from `lane` written so, once per text."""
    candidates: list[tuple[bool, str, Node]] = []
    seen: set[str] = set()
    for node in model.nodes:
        text = _written(model, node, lane, prefixed_others)
        if text is None or text in seen:
            continue
        seen.add(text)
        candidates.append((text == node.id, text, node))
    return candidates


def _best(candidates: list[tuple[bool, str, Node]], typed: str) -> list[tuple[bool, str, Node]]:
    """The best MAX_NODE_ITEMS that match `typed` (in the ID or the label): bare first, then by prefix and number."""
    wanted = typed.lower()
    if wanted:
        candidates = [c for c in candidates if wanted in f"{c[1]} {c[2].label or ''}".lower()]

    def rank(candidate: tuple[bool, str, Node]) -> tuple[bool, bool, int]:
        bare, _, node = candidate
        return (not bare, not node.id.lower().startswith(wanted), node_number(node.id) or 0)

    return sorted(candidates, key=rank)[:MAX_NODE_ITEMS]


def _add_nodes(builder: _Builder, model: Model, typed: str, lane: Lane | None, prefixed_others: bool) -> None:
    """Every node, written so that it resolves from here, or in a large file the best 100 that match."""
    candidates = _reachable(model, lane, prefixed_others)
    if len(candidates) > MAX_NODE_ITEMS:
        builder.incomplete = True
        candidates = _best(candidates, typed)
    for local, text, node in candidates:
        _add_node(builder, typed, local, text, node)


def _add_node(builder: _Builder, typed: str, local: bool, text: str, node: Node) -> None:
    """A node written `text`; `local` (bare) ones sort first, the others show their lane."""
    label = node.label or ""
    builder.add(
        text,
        typed,
        types.CompletionItemKind.Reference if local else types.CompletionItemKind.Field,
        detail=label or None,
        documentation=_node_doc(node),
        filter_text=f"{text} {label}".strip(),
        sort=("0" if local else "1") + f"{node_number(node.id) or 0:08d}{text}",
        description=None if local or node.lane is None else node.lane.id,
    )


def _add_lanes(builder: _Builder, model: Model, typed: str) -> None:
    for lane in model.lanes:
        if model.lane_table.get(lane.id) is not lane:
            continue
        builder.add(
            lane.id,
            typed,
            types.CompletionItemKind.Module,
            new_text=f"{lane.id}.",
            detail=lane_label(lane),
            documentation=f"Lane `{lane.id}`: {len(lane.nodes)} nodes",
            sort="2" + lane.id,
        )


def _next_free_id(model: Model) -> str:
    numbers = {node_number(node_id) for node_id in model.node_table}
    number = 1
    while number in numbers:
        number += 1
    return f"n{number}"


def complete(model: Model, positions: Positions, line: int, column: int, snippets: bool = True) -> types.CompletionList:
    """The completion list; `is_incomplete` when a large file's nodes were cut to the best matches."""
    builder = _Builder(positions, line, column, snippets)
    items = _complete(builder, model, line, column)
    return types.CompletionList(is_incomplete=builder.incomplete, items=items)


def completion(
    model: Model, positions: Positions, line: int, column: int, snippets: bool = True
) -> list[types.CompletionItem]:
    return list(complete(model, positions, line, column, snippets).items)


@dataclass(frozen=True, slots=True)
class _Site:
    """Where completion was asked: the text before the cursor on its line, and the lane around it."""

    builder: _Builder
    model: Model
    line: int
    before: str
    lane: Lane | None


def _directions(site: _Site, match: re.Match[str]) -> None:
    for direction in DIRECTIONS:
        site.builder.add(direction, match["typed"], types.CompletionItemKind.EnumMember, documentation=WORDS[direction])


def _shapes(site: _Site, match: re.Match[str]) -> None:
    for shape in SHAPES:
        site.builder.add(shape, match["typed"], types.CompletionItemKind.Class, documentation=WORDS[shape])


def _attributes(site: _Site, match: re.Match[str]) -> None:
    """The node attributes not given yet on this line."""
    present = set(re.findall(r'([\w-]+)\s*[:=]\s*"', site.before))
    for key in NODE_KEYS:
        if key not in present:
            site.builder.add(
                key,
                match["typed"],
                types.CompletionItemKind.Property,
                new_text=f'{key}:""',
                snippet=f'{key}:"$1"',
                documentation=WORDS[key],
            )


def _edge_label(site: _Site, match: re.Match[str]) -> None:
    site.builder.add(
        "label",
        match["typed"],
        types.CompletionItemKind.Property,
        new_text='label=""',
        snippet='label="$1"',
        documentation="The text FlowZap shows on the edge.",
    )


def _after_dot(site: _Site, match: re.Match[str]) -> None:
    """After `Lane.` the nodes of that lane; after a node (`n1.`, `Lane.n1.`) its handle."""
    first, second, typed = match.group(1, 2, "typed")
    target_lane = site.model.lane_table.get(first) if second is None else None
    if target_lane is not None and not re.search(r"\)\s*$", site.before[: match.start()]):
        for node in target_lane.nodes:
            site.builder.add(
                node.id,
                typed,
                types.CompletionItemKind.Reference,
                detail=node.label,
                documentation=_node_doc(node),
                filter_text=f"{node.id} {node.label or ''}".strip(),
                sort=f"{node_number(node.id) or 0:08d}",
            )
        return
    site.builder.add(
        "handle(",
        typed,
        types.CompletionItemKind.Method,
        new_text="handle(",
        snippet="handle($1)",
        documentation=WORDS["handle"],
    )


def _edge_targets(site: _Site, match: re.Match[str]) -> None:
    """After `->`: every node (another lane's with its prefix), then every lane."""
    typed = match["typed"]
    _add_nodes(site.builder, site.model, typed, site.lane, prefixed_others=True)
    _add_lanes(site.builder, site.model, typed)


def _loop_members(site: _Site, match: re.Match[str]) -> None:
    _add_nodes(site.builder, site.model, match["typed"], site.lane, prefixed_others=False)


def _line_start(site: _Site, match: re.Match[str]) -> None:
    """A new statement: a lane outside every lane; inside one a node, an edge, a loop, or a node's ID."""
    if isinstance(site.model.statements[site.line], (LaneHeader, LaneClose)):
        return  # a lane's own header or brace: a new statement starts on its own line
    typed = match["typed"]
    if site.lane is None:
        site.builder.add(
            "lane",
            typed,
            types.CompletionItemKind.Snippet,
            new_text="Lane { # Lane\n}",
            snippet="${1:Lane} { # ${2:Display label}\n$0\n}",
            documentation="A new lane.",
            sort="0",
        )
        return
    _statements_in_lane(site.builder, site.model, site.lane, typed)
    _add_nodes(site.builder, site.model, typed, site.lane, prefixed_others=False)


def _statements_in_lane(builder: _Builder, model: Model, lane: Lane, typed: str) -> None:
    next_id = _next_free_id(model)
    builder.add(
        f"{next_id}: node",
        typed,
        types.CompletionItemKind.Snippet,
        new_text=f'{next_id}: rectangle label:""',
        snippet=f'{next_id}: ${{1|rectangle,circle,diamond,taskbox|}} label:"$2"',
        documentation=f"A new node with the next free ID, `{next_id}`.",
        sort="0a",
        filter_text=f"{next_id} node",
    )
    last = lane.nodes[-1] if lane.nodes else None
    if last is not None:
        builder.add(
            f"{last.id} -> edge",
            typed,
            types.CompletionItemKind.Snippet,
            new_text=f"{last.id}.handle(right) -> ",
            snippet=f"{last.id}.handle(${{1|right,bottom,left,top|}}) -> $0",
            documentation=f"An edge from the last node, `{last.id}`.",
            sort="0b",
            filter_text=f"{last.id} edge",
        )
    builder.add(
        "loop",
        typed,
        types.CompletionItemKind.Snippet,
        new_text="loop [] ",
        snippet="loop [${1:condition}] $0",
        documentation=WORDS["loop"],
        sort="0c",
    )


_CONTEXTS: tuple[tuple[re.Pattern[str], Callable[[_Site, re.Match[str]], None]], ...] = (
    (_IN_HANDLE, _directions),
    (_NODE_SHAPE, _shapes),
    (_NODE_ATTRIBUTES, _attributes),
    (_EDGE_BRACKET, _edge_label),
    (_AFTER_DOT, _after_dot),
    (_AFTER_ARROW, _edge_targets),
    (_LOOP_MEMBERS, _loop_members),
    (_LINE_START, _line_start),
)
"""What the text before the cursor may end in, tried in order: the first that matches decides.
Each pattern's `typed` group is the word the items replace; `_AFTER_DOT` also names the IDs before it."""


def _complete(builder: _Builder, model: Model, line: int, column: int) -> list[types.CompletionItem]:
    if not 0 <= line < len(model.lines):
        return []
    text = model.lines[line]
    builder.column = column = min(column, len(text))
    before = text[:column]
    if _in_string_or_label(before):
        return []
    site = _Site(builder, model, line, before, model.lane_at(line))
    for pattern, fill in _CONTEXTS:
        if match := pattern.search(before):
            fill(site, match)
            return builder.items
    return []
