"""Checks that need nothing but the statement itself, memoised by line text.

These run once per distinct line text, so retyping a line elsewhere or undoing
an edit costs nothing.
"""

from __future__ import annotations

from fz_lsp.analysis.diagnostics import (
    FZ001,
    FZ105,
    FZ106,
    FZ203,
    FZ205,
    FZ206,
    FZ207,
    FZ208,
    FZ209,
    FZ210,
    FZ211,
    FZ212,
    FZ401,
    FZ402,
    FZ503,
    Finding,
    Fix,
    Replacement,
    replace,
)
from fz_lsp.analysis.vocabulary import (
    DIRECTION_ALIASES,
    DIRECTIONS,
    KEY_ALIASES,
    MAX_LABEL,
    NODE_KEYS,
    SHAPE_ALIASES,
    SHAPES,
    closest,
    forbidden_character,
    node_number,
)
from fz_lsp.syntax.memo import TextMemo
from fz_lsp.syntax.parser import parse_line
from fz_lsp.syntax.statements import (
    Attribute,
    Comment,
    Edge,
    Endpoint,
    LaneHeader,
    Loop,
    Name,
    NodeDecl,
    Statement,
    Text,
)


class FindingsMemo(TextMemo[tuple[Finding, ...]]):
    """Findings by line text: a line's findings depend on nothing but its text."""

    def __init__(self) -> None:
        # Most lines have no findings (an empty tuple, shared): the text is most of the cost.
        super().__init__(
            lambda line: tuple(statement_findings(parse_line(line))), budget=16 << 20, entry_cost=120, per_char=3
        )

    def __call__(self, line: str, statement: Statement | None = None) -> tuple[Finding, ...]:
        """Every diagnostic this line earns on its own; pass its statement if already parsed."""
        found = self.known.get(line)
        if found is None:
            found = tuple(statement_findings(statement if statement is not None else parse_line(line)))
            self.remember(line, found)
        return found


findings_for_line = FindingsMemo()


def statement_findings(statement: Statement) -> list[Finding]:
    problem = statement.problem
    if problem is not None:
        fix = None
        if problem.escape:
            replacements = tuple(Replacement(0, at, at, "\\") for at in problem.escape)
            fix = Fix('Write the quotes inside as `\\"`', replacements)
        return [Finding(problem.code, problem.start, problem.end, problem.message, fix)]
    if isinstance(statement, NodeDecl):
        return _node(statement)
    if isinstance(statement, Edge):
        return _edge(statement)
    if isinstance(statement, Loop):
        return _loop(statement)
    if isinstance(statement, LaneHeader) and statement.label is not None:
        return _forbidden(statement.label.text, statement.label.start, "lane label")
    return []


def label_findings(comment: Comment) -> list[Finding]:
    """The lane-label rules for a `# label` line read as its lane's label (FZ301)."""
    return _forbidden(comment.text, comment.start, "lane label")


def _lowercase_fix(word: Name, right: str) -> Fix:
    return replace(word.start, word.end, right, f"Change to `{right}`")


def _node(node: NodeDecl) -> list[Finding]:
    found: list[Finding] = []
    node_id = node.node
    if node_number(node_id.text) is None:
        found.append(_bad_node_id(node_id))
    shape = node.shape
    if shape.text not in SHAPES:
        right = closest(shape.text, SHAPES, SHAPE_ALIASES)
        hint = f"; did you mean `{right}`?" if right else "."
        found.append(
            Finding(
                FZ205,
                shape.start,
                shape.end,
                f"unknown shape `{shape.text}`{hint} Shapes are circle, rectangle, diamond and taskbox",
                _lowercase_fix(shape, right) if right else None,
            )
        )
    seen: set[str] = set()
    for attribute in node.attributes:
        key, separator = attribute.key, attribute.separator
        if separator.text == "=":
            found.append(
                Finding(
                    FZ207,
                    separator.start,
                    separator.end,
                    f'node attributes take `:`, not `=` (`{key.text}:"..."`)',
                    replace(separator.start, separator.end, ":", "Change `=` to `:`"),
                )
            )
        if key.text not in NODE_KEYS:
            right = closest(key.text, NODE_KEYS, KEY_ALIASES)
            hint = f"; did you mean `{right}`?" if right else "."
            found.append(
                Finding(
                    FZ206,
                    key.start,
                    key.end,
                    f"unknown attribute `{key.text}`{hint} Nodes take label, owner, description and system",
                    _lowercase_fix(key, right) if right else None,
                )
            )
        elif key.text in seen:
            found.append(
                Finding(FZ209, key.start, key.end, f"`{key.text}` is given twice on this node; FlowZap keeps one")
            )
        seen.add(key.text)
        if key.text == "label":
            found.extend(_label_findings(attribute.value, "label"))
    if "label" not in seen and not (shape.text == "taskbox" and "description" in seen):
        found.append(
            Finding(
                FZ210,
                node_id.start,
                node_id.end,
                f'node `{node_id.text}` has no label; add `label:"..."`',
                Fix("Add a label", (Replacement(0, node.shape.end, node.shape.end, ' label:""'),)),
            )
        )
    return found


def _bad_node_id(node_id: Name) -> Finding:
    text = node_id.text
    if text.startswith("n") and text[1:].isdigit():
        number = int(text[1:])
        why = "node numbers start at 1" if number == 0 else "node numbers have no leading zeros"
        fix = replace(node_id.start, node_id.end, f"n{number}", f"Change to `n{number}`") if number else None
        return Finding(FZ203, node_id.start, node_id.end, f"node ID `{text}` is not valid: {why}", fix)
    return Finding(
        FZ203,
        node_id.start,
        node_id.end,
        f"node ID `{text}` is not valid: node IDs are `n` followed by a number (n1, n2, ...)",
    )


def _label_findings(value: Text, what: str) -> list[Finding]:
    found: list[Finding] = []
    if len(value.value) > MAX_LABEL:
        found.append(
            Finding(
                FZ211,
                value.start,
                value.end,
                f"{what} is {len(value.value)} characters long; FlowZap warns above {MAX_LABEL}",
            )
        )
    found.extend(_forbidden(value.raw, value.start, what))
    return found


def _forbidden(raw: str, start: int, what: str) -> list[Finding]:
    index = forbidden_character(raw)
    if index is None:
        return []
    char = raw[index]
    kind = "control character" if ord(char) < 0xA0 else "emoji"
    column = start + index
    article = "an" if what[0] in "aeiou" else "a"
    return [
        Finding(
            FZ212,
            column,
            column + 1,
            f"{kind} U+{ord(char):04X} in {article} {what}: FlowZap does not allow emoji or control characters",
        )
    ]


def _endpoint(endpoint: Endpoint, role: str) -> list[Finding]:
    handle = endpoint.handle
    if handle is None:
        side = "right" if role == "source" else "left"
        return [
            Finding(
                FZ106,
                endpoint.start,
                endpoint.end,
                f"the edge's {role} needs a handle: `{endpoint_text(endpoint)}.handle({side})`",
                Fix(
                    f"Add `.handle({side})`",
                    (Replacement(0, endpoint.end, endpoint.end, f".handle({side})"),),
                ),
            )
        ]
    found: list[Finding] = []
    if handle.keyword.text != "handle":
        found.append(
            Finding(
                FZ001,
                handle.keyword.start,
                handle.keyword.end,
                f"`handle` is written in lowercase, not `{handle.keyword.text}`",
                _lowercase_fix(handle.keyword, "handle"),
            )
        )
    direction = handle.direction
    if direction.text not in DIRECTIONS:
        right = closest(direction.text, DIRECTIONS, DIRECTION_ALIASES)
        hint = f"; did you mean `{right}`?" if right else "."
        found.append(
            Finding(
                FZ105,
                direction.start,
                direction.end,
                f"`{direction.text}` is not a direction{hint} Directions are left, right, top and bottom",
                _lowercase_fix(direction, right) if right else None,
            )
        )
    return found


def endpoint_text(endpoint: Endpoint) -> str:
    ref = endpoint.ref
    return ref.node.text if ref.lane is None else f"{ref.lane.text}.{ref.node.text}"


def _edge(edge: Edge) -> list[Finding]:
    found = _endpoint(edge.source, "source") + _endpoint(edge.target, "target")
    label = edge.label
    if label is not None:
        found.extend(_edge_label(label))
    if edge.source.ref.node.text == edge.target.ref.node.text:
        found.append(
            Finding(
                FZ503,
                edge.start,
                edge.end,
                f"edge from `{edge.source.ref.node.text}` to itself",
            )
        )
    return found


def _edge_label(label: Attribute) -> list[Finding]:
    found: list[Finding] = []
    key, separator = label.key, label.separator
    if key.text != "label":
        fix = _lowercase_fix(key, "label") if key.text.lower() == "label" else None
        found.append(
            Finding(FZ001, key.start, key.end, f'an edge\'s brackets take `label="..."`, not `{key.text}`', fix)
        )
    if separator.text == ":":
        found.append(
            Finding(
                FZ208,
                separator.start,
                separator.end,
                'edge labels take `=`, not `:` (`[label="..."]`)',
                replace(separator.start, separator.end, "=", "Change `:` to `=`"),
            )
        )
    found.extend(_label_findings(label.value, "edge label"))
    return found


def _loop(loop: Loop) -> list[Finding]:
    found: list[Finding] = []
    keyword = loop.keyword
    if keyword.text != "loop":
        found.append(
            Finding(
                FZ001,
                keyword.start,
                keyword.end,
                f"`loop` is written in lowercase, not `{keyword.text}`",
                _lowercase_fix(keyword, "loop"),
            )
        )
    if len(loop.members) < 2:
        count = "no members" if not loop.members else "one member"
        found.append(Finding(FZ401, keyword.start, keyword.end, f"loop has {count}; a loop takes two or more nodes"))
    seen: set[str] = set()
    for member in loop.members:
        if member.node.text in seen:
            found.append(
                Finding(
                    FZ402,
                    member.start,
                    member.end,
                    f"`{member.node.text}` is listed twice in this loop",
                    Fix("Remove the repeat", (Replacement(0, member.start - 1, member.end, ""),)),
                )
            )
        seen.add(member.node.text)
    return found
