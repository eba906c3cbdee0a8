"""Line parser over the lark grammar, with errors told in FlowZap words.

Every line is parsed on its own (FlowZap has one statement per line), so a bad
line cannot disturb the next one, and an edit only re-parses the lines it
touched: results are memoised by line text.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from importlib import resources
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedToken

from fz_lsp.syntax.statements import (
    Attribute,
    Blank,
    Comment,
    Edge,
    Endpoint,
    Handle,
    LaneClose,
    LaneHeader,
    Loop,
    Name,
    NodeDecl,
    Ref,
    Statement,
    SyntaxProblem,
    Text,
    Unparsed,
)

GRAMMAR_NAME = "flowzap.lark"


def grammar_text() -> str:
    """The grammar: shipped inside the wheel, or read from the source tree."""
    packaged = resources.files("fz_lsp").joinpath("grammar").joinpath(GRAMMAR_NAME)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    source_tree = Path(__file__).resolve().parents[2] / "grammar" / GRAMMAR_NAME
    return source_tree.read_text(encoding="utf-8")


@functools.cache
def lark_parser(strict: bool = False) -> Lark:
    """The LALR parser with the contextual lexer, built once per process."""
    text = grammar_text()
    if strict:
        return Lark(text, parser="lalr", lexer="contextual", strict=True)
    try:
        return Lark(text, parser="lalr", lexer="contextual", cache=True)
    except OSError:  # no writable temp directory: build without the cache
        return Lark(text, parser="lalr", lexer="contextual")


# --- building statements from trees -------------------------------------------------------


class _Rejected(Exception):
    """The grammar accepted the line but FlowZap does not (a misplaced `handle`, ...)."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.problem = SyntaxProblem("FZ001", message, start, end)


def _name(token: Token) -> Name:
    start = int(token.column) - 1  # type: ignore[arg-type]
    return Name(str(token), start, start + len(token))


def _unescape(raw: str) -> str:
    inner = raw[1:-1]
    if "\\" not in inner:
        return inner
    out: list[str] = []
    i = 0
    while i < len(inner):
        if inner[i] == "\\" and i + 1 < len(inner):
            out.append(inner[i + 1])
            i += 2
        else:
            out.append(inner[i])
            i += 1
    return "".join(out)


def _text(token: Token) -> Text:
    start = int(token.column) - 1  # type: ignore[arg-type]
    return Text(str(token), _unescape(str(token)), start, start + len(token))


def _tokens(tree: Tree[Token]) -> list[Token]:
    return [child for child in tree.children if isinstance(child, Token)]


def _subtrees(tree: Tree[Token]) -> list[Tree[Token]]:
    return [child for child in tree.children if isinstance(child, Tree)]


def _ref(names: list[Name]) -> Ref:
    if len(names) == 1:
        return Ref(None, names[0])
    if len(names) == 2:
        return Ref(names[0], names[1])
    raise _Rejected(
        f"unexpected `.{names[2].text}`: a reference is `n1` or `Lane.n1`",
        names[2].start - 1,
        names[-1].end,
    )


_NAME = r"[^\W\d](?:[\w-]*\w)?"
_ATTRIBUTE_PARTS = re.compile(rf'({_NAME})[ \t]*([:=])[ \t]*("(?:[^"\\\n]|\\.)*")')
_HANDLE_PARTS = re.compile(rf"\.[ \t]*({_NAME})[ \t]*\([ \t]*({_NAME})[ \t]*\)")


def _part(token: Token, match: re.Match[str], group: int) -> Name:
    start = int(token.column) - 1 + match.start(group)  # type: ignore[arg-type]
    return Name(match.group(group), start, start + len(match.group(group)))


def _attribute(tokens: list[Token]) -> Attribute:
    """An attribute from its three tokens, or from the one token of the common spelling."""
    if len(tokens) == 3:
        key, separator, value = tokens
        return Attribute(_name(key), _name(separator), _text(value))
    token = tokens[0]
    match = _ATTRIBUTE_PARTS.search(str(token))
    assert match is not None  # the token's own pattern
    raw = _part(token, match, 3)
    return Attribute(
        _part(token, match, 1), _part(token, match, 2), Text(raw.text, _unescape(raw.text), raw.start, raw.end)
    )


def _endpoint(tree: Tree[Token]) -> Endpoint:
    path_tree, *rest = _subtrees(tree)
    path = [_name(token) for token in _tokens(path_tree)]
    if rest and len(handle_tokens := _tokens(rest[0])) == 1:  # `.handle(dir)` as one token
        token = handle_tokens[0]
        match = _HANDLE_PARTS.match(str(token))
        assert match is not None
        keyword, direction = _part(token, match, 1), _part(token, match, 2)
        if keyword.text.lower() != "handle":
            raise _Rejected(f"expected `handle`, not `{keyword.text}`", keyword.start, keyword.end)
        ref = _ref(path)
        end = _name(token).end
        return Endpoint(ref, Handle(keyword, direction, keyword.start - 1, end), ref.start, end)
    if not rest:
        if len(path) >= 2 and path[-1].text.lower() == "handle":
            end = path[-1].end
            raise _Rejected("expected `(` and a direction after `handle`", end, end)
        ref = _ref(path)
        return Endpoint(ref, None, ref.start, ref.end)
    keyword = path[-1]
    if len(path) < 2:
        raise _Rejected(
            f"expected `n1.handle(...)`: `{keyword.text}(` is not a handle",
            keyword.start,
            keyword.end,
        )
    if keyword.text.lower() != "handle":
        raise _Rejected(f"expected `handle`, not `{keyword.text}`", keyword.start, keyword.end)
    ref = _ref(path[:-1])
    handle_tokens = _tokens(rest[0])
    direction, close = _name(handle_tokens[0]), _name(handle_tokens[1])
    return Endpoint(ref, Handle(keyword, direction, keyword.start - 1, close.end), ref.start, close.end)


def _statement(tree: Tree[Token]) -> Statement:
    kind = tree.data
    tokens = _tokens(tree)
    if kind == "lane_close":
        return LaneClose(_name(tokens[0]))
    if kind == "lane_header":
        label = _name(tokens[2]) if len(tokens) > 2 else None
        return LaneHeader(_name(tokens[0]), _name(tokens[1]), label)
    if kind == "node":
        attributes = tuple(_attribute(_tokens(a)) for a in _subtrees(tree))
        return NodeDecl(_name(tokens[0]), _name(tokens[1]), attributes)
    if kind == "edge":
        source_tree, target_tree, *label_trees = _subtrees(tree)
        source = _endpoint(source_tree)
        target = _endpoint(target_tree)
        if not label_trees:
            return Edge(source, _name(tokens[0]), target, None, target.end, target.end)
        label_tokens = _tokens(label_trees[0])
        edge_label = _attribute(label_tokens[1:4] if len(label_tokens) == 5 else label_tokens)
        label_start = _name(label_tokens[0]).start
        label_end = _name(label_tokens[-1]).end
        return Edge(source, _name(tokens[0]), target, edge_label, label_start, label_end)
    if kind == "loop":
        keyword, text = _name(tokens[0]), _name(tokens[1])
        if keyword.text.lower() != "loop":
            raise _Rejected(
                f"unexpected `{text.text[:1]}` after `{keyword.text}`: only `loop` takes `[...]`",
                text.start,
                text.start + 1,
            )
        members = tuple(_ref([_name(t) for t in _tokens(member)]) for member in _subtrees(tree))
        return Loop(keyword, text, members)
    if kind == "comment":
        name = _name(tokens[0])
        return Comment(name.text, name.start, name.end)
    raise AssertionError(f"the grammar has no statement `{kind}`")


# --- errors in FlowZap words --------------------------------------------------------------


# One-token spellings of longer constructs: never what to tell a user is missing.
_SHORTCUTS = frozenset({"HANDLE", "ATTRIBUTE", "EDGE_LABEL"})


def _expected_words(expected: set[str]) -> str:
    words = sorted({_EXPECTED_WORDS.get(name, name) for name in expected})
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


_EXPECTED_WORDS = {
    "NAME": "a name",
    "STRING": 'a quoted string ("...")',
    "ATTR_SEP": "`:`",
    "ARROW": "`->`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "COLON": "`:`",
    "DOT": "`.`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "LOOP_TEXT": "`[text]`",
    "LANE_LABEL": "`# display label`",
    "COMMENT": "a comment",
    "$END": "the end of the line",
    "<END-OF-FILE>": "the end of the line",  # lark's name for $END when it is all that may follow
}

_LINE_START = "expected a lane header (`Lane {`), a node (`n1: rectangle`), an edge, a loop or `}`"


def _expectation(line: str, column: int, expected: set[str]) -> str:
    """What should have stood at `column`, told by what stands before it."""
    before = line[:column].strip(" \t\f\v\ufeff")
    previous = before[-1:]
    if not before:
        return _LINE_START
    if previous == "(" and "NAME" in expected:
        return "expected a direction: left, right, top or bottom"
    if before.endswith("->"):
        return "expected the edge's target, such as `n2.handle(left)` or `Lane.n2.handle(left)`"
    if previous == ":" and "NAME" in expected and before.count(":") == 1:
        return "expected a shape: circle, rectangle, diamond or taskbox"
    if previous == "[" and "NAME" in expected:
        return 'expected `label="..."` inside the edge\'s brackets'
    if "ATTR_SEP" in expected and "STRING" not in expected:
        return 'expected `:` and a quoted value after the attribute name (`label:"..."`)'
    return "expected " + _expected_words(expected)


def _describe(token: str) -> str:
    return "the end of the line" if token == "" else f"`{token}`"


def _problem(line: str, error: LarkError) -> SyntaxProblem:
    if isinstance(error, UnexpectedCharacters):
        column = int(error.column) - 1
        char = line[column] if column < len(line) else ""
        if char == '"':
            return SyntaxProblem("FZ002", 'unterminated string: a closing `"` is missing', column, len(line))
        expected = set(error.allowed or ()) - _SHORTCUTS
        message = f"unexpected character {_describe(char)}: " + _expectation(line, column, expected)
        return SyntaxProblem("FZ001", message, column, column + 1)
    if isinstance(error, UnexpectedToken):
        token = error.token
        expected = set(error.expected) - _SHORTCUTS
        if token.type == "$END":
            column = len(line.rstrip())
            return SyntaxProblem("FZ001", "line ends early: " + _expectation(line, column, expected), column, column)
        column = int(token.column) - 1
        end = column + len(token)
        if token.type == "ARROW" and "LSQB" in expected:
            message = "an edge joins two endpoints: write `a -> b -> c` as two edges"
        else:
            message = f"unexpected {_describe(str(token))}: " + _expectation(line, column, expected)
        return SyntaxProblem("FZ001", message, column, end)
    return SyntaxProblem("FZ001", f"cannot read this line: {error}", 0, len(line))


# --- the entry point ----------------------------------------------------------------------


def _with_problem(statement: Statement, problem: SyntaxProblem) -> Statement:
    """The part of a broken line that still reads, carrying the line's problem."""
    if isinstance(statement, (LaneHeader, LaneClose, NodeDecl, Edge, Loop)):
        return dataclasses.replace(statement, problem=problem)
    return Unparsed(problem)


# A line that ends in `{` (and maybe `# label`) but does not parse, such as `My Lane {`:
# still a lane header, so that the lines below keep their lane and the `}` its opener.
_BROKEN_HEADER = re.compile(
    r"(?P<id>[^\s{}\"#:()\[\]=<>][^{}\"#:()\[\]=<>]*?)[ \t\f\v]*(?P<brace>\{)[ \t\f\v]*(?P<label>#.*)?\Z"
)


def _broken_header(line: str, problem: SyntaxProblem) -> LaneHeader | None:
    match = _BROKEN_HEADER.match(line, len(line) - len(line.lstrip(" \t\f\v\ufeff")))
    if match is None:
        return None
    label = Name(match["label"], match.start("label"), match.end("label")) if match["label"] else None
    brace = match.start("brace")
    lane = Name(match["id"], match.start("id"), match.end("id"))
    return LaneHeader(lane, Name("{", brace, brace + 1), label, problem)


def _parse_whole(line: str) -> Statement:
    tree = lark_parser().parse(line)
    assert isinstance(tree, Tree)
    return _statement(tree)


class LineMemo:
    """Statements by line text, shared by every document; bounded so it cannot grow forever."""

    LIMIT = 1 << 19

    def __init__(self) -> None:
        self.known: dict[str, Statement] = {}

    def __call__(self, line: str) -> Statement:
        found = self.known.get(line)
        if found is None:
            found = _parse_line(line)
            self.remember(line, found)
        return found

    def remember(self, line: str, statement: Statement) -> None:
        if len(self.known) >= self.LIMIT:
            self.known.clear()
        self.known[line] = statement

    def cache_clear(self) -> None:
        self.known.clear()


parse_line = LineMemo()
"""Parse one line (without its line ending), memoised by text. Never raises."""


def parse_lines(lines: list[str]) -> list[Statement]:
    """Statements for many lines: `parse_line` on each."""
    return [parse_line(line) for line in lines]


def _parse_line(line: str) -> Statement:
    if not line.strip(" \t\f\v\ufeff"):
        return Blank()
    try:
        return _parse_whole(line)
    except _Rejected as rejected:
        problem = rejected.problem
    except LarkError as error:
        problem = _problem(line, error)
    except RecursionError:  # pragma: no cover - lark is iterative; kept as a last guard
        problem = SyntaxProblem("FZ001", "cannot read this line", 0, len(line))
    missing_colon = _MISSING_COLON.match(line)
    if missing_colon is not None and problem.start == missing_colon.start("shape"):
        # `n1 circle ...`: read it as the node it is meant to be, with the space as its `:`.
        problem = SyntaxProblem(
            "FZ001",
            f"expected `:` after the node ID: `{missing_colon['node']}: {missing_colon['shape']}`",
            missing_colon.start("gap"),
            missing_colon.start("shape"),
        )
        gap = missing_colon.start("gap")
        try:
            return _with_problem(_parse_whole(line[:gap] + ":" + line[gap + 1 :]), problem)
        except (LarkError, _Rejected):
            pass
    # Keep what reads before the error, so that a half-typed line still declares its
    # lane or node and still references what it names (`n1.handle(right) -> n2.handle(`
    # still names n2): try shorter prefixes, each ending before a space, `.`, `(` or `[`.
    prefix = line[: problem.start]
    for _ in range(6):
        prefix = prefix.rstrip(" \t\f\v")
        if not prefix:
            break
        try:
            return _with_problem(_parse_whole(prefix), problem)
        except (LarkError, _Rejected):
            prefix = prefix[: max(prefix.rfind(c) for c in " \t.([")]
    return _broken_header(line, problem) or Unparsed(problem)


_MISSING_COLON = re.compile(r"[ \t\f\v\ufeff]*(?P<node>n[0-9]+)(?P<gap>[ \t])[ \t]*(?P<shape>[^\W\d][\w-]*)\b")
