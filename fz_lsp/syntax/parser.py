"""Line parser over the lark grammar, with errors told in FlowZap words.

Every line is parsed on its own (FlowZap has one statement per line), so a bad
line cannot disturb the next one, and an edit only re-parses the lines it
touched: results are memoised by line text.

Why this file is longer than 400 lines: besides running the grammar, it tells each kind
of broken line in FlowZap words (a half-typed edge, a node missing its colon, a stray
quote), and each explanation reads the lark error of the statement it explains; the
statement records themselves are in `statements.py`.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from importlib import resources
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedToken

from fz_lsp.syntax.memo import TextMemo
from fz_lsp.syntax.statements import (
    FZ001,
    FZ002,
    IDENTIFIER,
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
def lark_parser(strict: bool = False, trees: bool = False) -> Lark:
    """The LALR parser with the contextual lexer, built once per process.

    It builds statements as it parses; `trees=True` gives lark's parse trees instead
    (for looking at the grammar itself), and `strict=True` fails on any grammar conflict.
    """
    text = grammar_text()
    if strict:
        return Lark(text, parser="lalr", lexer="contextual", strict=True)
    transformer = None if trees else _Build()
    try:
        return Lark(text, parser="lalr", lexer="contextual", transformer=transformer, cache=True)
    except OSError:  # no writable temp directory: build without the cache
        return Lark(text, parser="lalr", lexer="contextual", transformer=transformer)


# --- building statements from trees -------------------------------------------------------


class _Rejected(Exception):
    """The grammar accepted the line but FlowZap does not (a misplaced `handle`, ...)."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.problem = SyntaxProblem(FZ001, message, start, end)


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


_NAME = IDENTIFIER
_ATTRIBUTE_PARTS = re.compile(rf'({_NAME})[ \t]*([:=])[ \t]*("(?:[^"\\\n]|\\.)*")')
_HANDLE_PARTS = re.compile(rf"\.[ \t]*({_NAME})[ \t]*\([ \t]*({_NAME})[ \t]*\)")


def _part(token: Token, match: re.Match[str], group: int) -> Name:
    start = int(token.column) - 1 + match.start(group)  # type: ignore[arg-type]
    return Name(match.group(group), start, start + len(match.group(group)))


class _Build(Transformer[Token, Statement]):
    """Statements straight from the parser's reductions (no parse tree is built).

    One method per grammar rule; `_Rejected` says the grammar took the line but FlowZap
    does not. Handles, attributes and edge labels come either as their tokens or as
    the one token of their common spelling.
    """

    def path(self, children: list[Token]) -> list[Name]:
        return [_name(token) for token in children]

    def handle(self, children: list[Token]) -> Handle | tuple[Name, Name]:
        if len(children) == 2:  # `(` direction `)`, after a path that ends in the keyword
            return _name(children[0]), _name(children[1])
        token = children[0]
        match = _HANDLE_PARTS.match(str(token))
        assert match is not None  # the token's own pattern
        keyword, direction = _part(token, match, 1), _part(token, match, 2)
        if keyword.text.lower() != "handle":
            raise _Rejected(f"expected `handle`, not `{keyword.text}`", keyword.start, keyword.end)
        return Handle(keyword, direction, keyword.start - 1, _name(token).end)

    def endpoint(self, children: list[Any]) -> Endpoint:
        path: list[Name] = children[0]
        if len(children) == 1:
            if len(path) >= 2 and path[-1].text.lower() == "handle":
                end = path[-1].end
                raise _Rejected("expected `(` and a direction after `handle`", end, end)
            ref = _ref(path)
            return Endpoint(ref, None, ref.start, ref.end)
        handle = children[1]
        if isinstance(handle, Handle):
            ref = _ref(path)
            return Endpoint(ref, handle, ref.start, handle.end)
        keyword = path[-1]
        if len(path) < 2:
            raise _Rejected(f"expected `n1.handle(...)`: `{keyword.text}(` is not a handle", keyword.start, keyword.end)
        if keyword.text.lower() != "handle":
            raise _Rejected(f"expected `handle`, not `{keyword.text}`", keyword.start, keyword.end)
        ref = _ref(path[:-1])
        direction, close = handle
        return Endpoint(ref, Handle(keyword, direction, keyword.start - 1, close.end), ref.start, close.end)

    def attribute(self, children: list[Token]) -> Attribute:
        if len(children) == 3:
            key, separator, value = children
            return Attribute(_name(key), _name(separator), _text(value))
        token = children[0]
        match = _ATTRIBUTE_PARTS.search(str(token))
        assert match is not None  # the token's own pattern
        raw = _part(token, match, 3)
        text = Text(raw.text, _unescape(raw.text), raw.start, raw.end)
        return Attribute(_part(token, match, 1), _part(token, match, 2), text)

    def edge_label(self, children: list[Token]) -> tuple[Attribute, int, int]:
        if len(children) == 5:
            return self.attribute(children[1:4]), _name(children[0]).start, _name(children[4]).end
        token = children[0]
        start = _name(token).start
        inner = _ATTRIBUTE_PARTS.search(str(token))
        assert inner is not None
        key, separator, raw = (_part(token, inner, group) for group in (1, 2, 3))
        attribute = Attribute(key, separator, Text(raw.text, _unescape(raw.text), raw.start, raw.end))
        return attribute, start, start + len(token)

    def edge(self, children: list[Any]) -> Edge:
        source, arrow, target = children[0], _name(children[1]), children[2]
        if len(children) == 3:
            return Edge(source, arrow, target, None, target.end, target.end)
        label, start, end = children[3]
        return Edge(source, arrow, target, label, start, end)

    def node(self, children: list[Any]) -> NodeDecl:
        return NodeDecl(_name(children[0]), _name(children[1]), tuple(children[2:]))

    def lane_header(self, children: list[Token]) -> LaneHeader:
        label = _name(children[2]) if len(children) > 2 else None
        return LaneHeader(_name(children[0]), _name(children[1]), label)

    def lane_close(self, children: list[Token]) -> LaneClose:
        return LaneClose(_name(children[0]))

    def loop(self, children: list[Any]) -> Loop:
        keyword, text = _name(children[0]), _name(children[1])
        if keyword.text.lower() != "loop":
            raise _Rejected(
                f"unexpected `{text.text[:1]}` after `{keyword.text}`: only `loop` takes `[...]`",
                text.start,
                text.start + 1,
            )
        return Loop(keyword, text, tuple(_ref(path) for path in children[2:]))

    def comment(self, children: list[Token]) -> Comment:
        name = _name(children[0])
        return Comment(name.text, name.start, name.end)


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
            return SyntaxProblem(FZ002, 'unterminated string: a closing `"` is missing', column, len(line))
        expected = set(error.allowed or ()) - _SHORTCUTS
        message = f"unexpected character {_describe(char)}: " + _expectation(line, column, expected)
        return SyntaxProblem(FZ001, message, column, column + 1)
    if isinstance(error, UnexpectedToken):
        token = error.token
        expected = set(error.expected) - _SHORTCUTS
        if token.type == "$END":
            column = len(line.rstrip())
            return SyntaxProblem(FZ001, "line ends early: " + _expectation(line, column, expected), column, column)
        column = int(token.column) - 1
        end = column + len(token)
        if token.type == "ARROW" and "LSQB" in expected:
            message = "an edge joins two endpoints: write `a -> b -> c` as two edges"
        else:
            message = f"unexpected {_describe(str(token))}: " + _expectation(line, column, expected)
        return SyntaxProblem(FZ001, message, column, end)
    return SyntaxProblem(FZ001, f"cannot read this line: {error}", 0, len(line))


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
    statement = lark_parser().parse(line)
    assert not isinstance(statement, Tree)
    return statement


# A statement costs about 200 bytes plus 25 per character of its line (1.2 KB for a typical
# edge). The statements of open documents are the memo's own objects (shared, not copied),
# so the budget is mostly what lines no document holds any more can keep alive. 128 MB keep
# a 100,000-line document warm: a client that resends the whole text re-parses nothing.
parse_line: TextMemo[Statement] = TextMemo(
    lambda line: _parse_line(line), budget=128 << 20, entry_cost=200, per_char=25
)
"""Parse one line (without its line ending), memoised by text. Never raises."""


def parse_lines(lines: list[str]) -> list[Statement]:
    """Statements for many lines: `parse_line` on each."""
    return [parse_line(line) for line in lines]


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|->|[\w-]+|\S')


def _visible(line: str, problem: SyntaxProblem) -> SyntaxProblem:
    """A problem's span made at least one character wide: the token before the spot.

    "Something is missing here" sits between two characters; an empty range there is
    drawn by some editors from that spot to somewhere far below, or not at all.
    """
    if problem.start < problem.end:
        return problem
    spot = problem.start
    before = None
    for token in _TOKEN.finditer(line):
        if token.end() <= spot:
            before = token
        elif before is None:
            before = token  # nothing before the spot: the first token after it
            break
        else:
            break
    if before is None:
        return problem
    return dataclasses.replace(problem, start=before.start(), end=before.end())


def _parse_line(line: str) -> Statement:
    statement = _parse_line_raw(line)
    problem = statement.problem
    if problem is None or problem.start < problem.end:
        return statement
    visible = _visible(line, problem)
    return Unparsed(visible) if isinstance(statement, Unparsed) else dataclasses.replace(statement, problem=visible)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_QUOTE = re.compile(r'(?<!\\)(?:\\\\)*"')
# What follows the real end of a quoted value: the line's end, `]`, or the next `key:`/`key=`.
_VALUE_END = re.compile(r"[ \t]*(?:\]|\Z)|[ \t]+[\w-]+[ \t]*[:=]")


def _stray_quote(line: str) -> tuple[SyntaxProblem, str] | None:
    """`label:"Say "hi" now"`: a quote meant inside a value ends it early.

    Returns the problem (on the first stray quote, with every quote to escape) and the
    line with those quotes read as `'`, which keeps every column where it is.
    """
    for string in _STRING.finditer(line):
        glued = string.end()
        if glued >= len(line) or line[glued] in " \t]":
            continue
        ends = [q.end() - 1 for q in _QUOTE.finditer(line, glued - 1) if _VALUE_END.match(line, q.end())]
        if not ends:
            return None
        inner = tuple(q.end() - 1 for q in _QUOTE.finditer(line, string.start() + 1, ends[0]))
        key = re.search(r"([\w-]+)[ \t]*[:=][ \t]*\Z", line[: string.start()])
        what = f"the {key.group(1)}" if key else "the quoted text"
        message = f'{what} ends early at this `"`: write a quote inside it as `\\"`'
        patched = list(line)
        for at in inner:
            patched[at] = "'"
        return SyntaxProblem(FZ001, message, inner[0], inner[0] + 1, inner), "".join(patched)
    return None


def _parse_line_raw(line: str) -> Statement:
    if not line.strip(" \t\f\v\ufeff"):
        return Blank()
    try:
        return _parse_whole(line)
    except _Rejected as rejected:
        problem = rejected.problem
    except LarkError as error:
        problem = _problem(line, error)
    except RecursionError:  # pragma: no cover - lark is iterative; kept as a last guard
        problem = SyntaxProblem(FZ001, "cannot read this line", 0, len(line))
    stray = _stray_quote(line)
    if stray is not None:
        problem, patched = stray
        try:
            return _with_problem(_parse_whole(patched), problem)
        except (LarkError, _Rejected):
            pass
    missing_colon = _MISSING_COLON.match(line)
    if missing_colon is not None and problem.start == missing_colon.start("shape"):
        # `n1 circle ...`: read it as the node it is meant to be, with the space as its `:`.
        problem = SyntaxProblem(
            FZ001,
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
