"""Incremental editing is exact: after every edit, the same result as a parse from scratch.

The one property suite for `SourceText.replace` and `Model.update`. Random edit
sequences mix every kind of edit a user makes - a keystroke in a lane header's label or
ID, on a lane's first node line, in a comment, inserting and deleting lines, typing and
deleting a `}` (braces re-pair), typing, joining and splitting lines, pasting pieces of
valid files, CRLF and CR breaks, non-ASCII text. After every edit the lines, endings,
statements, model (lanes, what each reference resolves to, diagnostics) must equal those
of a fresh parse of the whole text, and only the lines the edit produced may have been
parsed again.
"""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.model import Model
from fz_lsp.syntax import document
from fz_lsp.syntax.document import SourceText, split_lines
from fz_lsp.syntax.parser import parse_line
from fz_lsp.syntax.statements import Comment, LaneClose, LaneHeader

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = sorted(EXAMPLES.glob("*.fz")) + sorted((EXAMPLES / "broken").glob("*.fz"))
assert len(FILES) >= 7, FILES

SMALL = [
    "",
    "A {\n}\n",
    'Orders { # 订单\nn1: circle label:"开始"\nn2: rectangle label:"Ship 🚚"\nn1.handle(right) -> n2.handle(left)\n}\n',
    'A {\n# label below\nn1: circle label:"x"\nloop [again] n1 n1\n}\n}\nB {\nn1: taskbox description:"dup"\n',
]
SOURCES = [path.read_text(encoding="utf-8") for path in FILES] + SMALL
FRAGMENT_LINES = [line for text in SOURCES for line in text.splitlines(keepends=True)]

PIECES = [
    "n",
    "1",
    "n1",
    "n12",
    ": ",
    "circle",
    "rectangle",
    "diamond",
    "taskbox",
    "rect",
    ' label:"',
    '"',
    '\\"',
    "\\\\",
    "label=",
    ".handle(",
    "right",
    "left)",
    "top",
    "bottom",
    "up",
    ")",
    " -> ",
    "->",
    "Billing.",
    "Orders.",
    ' [label="',
    "]",
    "[",
    "{",
    "}",
    " { # ",
    "# ",
    "// ",
    "loop [",
    "Lane ",
    " ",
    "\t",
    "订单",
    "é",
    "🚚",
    "\u200d",
    "\ufeff",
    "\n",
    "\r\n",
    "\r",
    "\n}\n",
    "Orders {\n",
    'n4: rectangle label:"复制"',
    "Billing.n2",
]

inserted_text = st.lists(st.sampled_from(PIECES), min_size=0, max_size=6).map("".join) | st.text(
    alphabet=st.sampled_from(list('n1:{}[]"\\.()->=# \t\r\nx订🚚é')), max_size=12
)


def position(draw: st.DrawFn, source: SourceText) -> tuple[int, int]:
    line = draw(st.integers(-1, len(source.lines)))
    width = len(source.lines[line]) if 0 <= line < len(source.lines) else 3
    return line, draw(st.integers(-1, width + 1))


Range = tuple[tuple[int, int], tuple[int, int], str]


def _lines_of(source: SourceText, kind: type) -> list[int]:
    return [i for i, s in enumerate(source.statements) if type(s) is kind]


def kind_edit(draw: st.DrawFn, source: SourceText, kind: str) -> Range | None:
    """An edit of one named kind (the ones the budgets name), or None if the file has no such spot."""
    headers = _lines_of(source, LaneHeader)
    if kind in ("header_label", "header_id", "first_node") and not headers:
        return None
    if kind == "header_label":
        line = draw(st.sampled_from(headers))
        header = source.statements[line]
        assert isinstance(header, LaneHeader)
        at = header.label.end if header.label is not None else header.brace.end
        return (line, at), (line, at), draw(st.sampled_from(["x", " 标签", " # L", "", "é"]))
    if kind == "header_id":
        line = draw(st.sampled_from(headers))
        header = source.statements[line]
        assert isinstance(header, LaneHeader)
        name = header.lane
        new = draw(st.sampled_from([name.text + "x", name.text[:-1], "Billing", "Orders", "订单"]))
        return (line, name.start), (line, name.end), new
    if kind == "first_node":
        line = min(draw(st.sampled_from(headers)) + 1, len(source.lines) - 1)
        column = draw(st.integers(0, len(source.lines[line])))
        return (line, column), (line, column), draw(st.sampled_from(["x", "n1", '"', "# ", "\n", "}"]))
    if kind == "comment":
        comments = _lines_of(source, Comment)
        line = draw(st.sampled_from(comments)) if comments else draw(st.integers(0, len(source.lines) - 1))
        column = draw(st.integers(0, len(source.lines[line])))
        return (line, column), (line, column), draw(st.sampled_from(["x", "注", "# ", "// ", ""]))
    if kind == "insert_line":
        line = draw(st.integers(0, len(source.lines) - 1))
        return (line, 0), (line, 0), draw(st.sampled_from(FRAGMENT_LINES))
    if kind == "delete_line":
        line = draw(st.integers(0, max(0, len(source.lines) - 2)))
        return (line, 0), (line + 1, 0), ""
    if kind == "type_brace":
        line = draw(st.integers(0, len(source.lines) - 1))
        return (line, 0), (line, 0), "}\n"
    braces = _lines_of(source, LaneClose)  # delete_brace
    if not braces:
        return None
    line = draw(st.sampled_from(braces))
    return (line, 0), (line, len(source.lines[line])), ""


EDIT_KINDS = ["header_label", "header_id", "first_node", "comment", "insert_line", "delete_line", "type_brace"]


@st.composite
def edit(draw: st.DrawFn, source: SourceText) -> Range:
    kind = draw(
        st.sampled_from(
            ["insert", "delete", "replace", "join", "split", "paste", "paste-over", *EDIT_KINDS, "delete_brace"]
        )
    )
    if kind in EDIT_KINDS or kind == "delete_brace":
        found = kind_edit(draw, source, kind)
        if found is not None:
            return found
        kind = "insert"
    last = len(source.lines) - 1
    if kind == "insert":
        at = position(draw, source)
        return at, at, draw(inserted_text)
    if kind == "delete":
        return position(draw, source), position(draw, source), ""
    if kind == "replace":
        return position(draw, source), position(draw, source), draw(inserted_text)
    if kind == "join":
        line = draw(st.integers(0, max(0, last - 1)))
        return (line, len(source.lines[line])), (line + 1, 0), draw(st.sampled_from(["", " ", "x"]))
    if kind == "split":
        at = position(draw, source)
        return at, at, draw(st.sampled_from(["\n", "\r\n", "\r"]))
    start = draw(st.integers(0, len(FRAGMENT_LINES) - 1))
    fragment = "".join(FRAGMENT_LINES[start : start + draw(st.integers(1, 6))])
    if draw(st.booleans()):
        fragment = fragment.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\n"])))
    if kind == "paste":
        at = (draw(st.integers(0, last)), 0) if draw(st.booleans()) else position(draw, source)
        return at, at, fragment
    return position(draw, source), position(draw, source), fragment


def initial_text(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SOURCES))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return text.replace("\n", ending)


def snapshot(model: Model) -> object:
    """Everything the features read from a model, in comparable form."""

    def lane_id(lane: object) -> object:
        return getattr(lane, "id", None)

    return (
        [
            (lane.id, lane.line, lane.end_line, lane.closed, lane.label, lane.label_line, lane_id(lane.parent))
            for lane in model.lanes
        ],
        sorted(model.lane_table),
        [(node.id, node.line, lane_id(node.lane)) for node in model.nodes],
        sorted((node_id, node.line) for node_id, node in model.node_table.items()),
        [
            (site.line, lane_id(site.lane), site.source.node is not None, site.target.node is not None)
            for site in model.edges
        ],
        [(site.line, lane_id(site.lane), [m.node is not None for m in site.members]) for site in model.loops],
        sorted(
            (node_id, [(r.line, r.ref.node.start, r.role, r.node.line if r.node else None) for r in refs])
            for node_id, refs in model.node_refs.items()
            if refs
        ),
        sorted(
            (lane_id, sorted((u.line, u.name.start, u.lane.line if u.lane else None) for u in uses.values()))
            for lane_id, uses in model.lane_refs.items()
        ),
        [lane.header for lane in model.lanes],
        [lane_id(model.lane_at(line)) for line in range(len(model.lines))],
        model.diagnostics,
        model.sequence_diagnostics(),
    )


def check_against_scratch(source: SourceText, model: Model) -> None:
    text = source.text
    fresh = SourceText(text)
    assert source.lines == fresh.lines
    assert source.endings == fresh.endings
    assert source.statements == fresh.statements
    assert [s is parse_line(line) for s, line in zip(source.statements, source.lines, strict=True)] == [True] * len(
        source.lines
    )
    assert (source.lines, source.endings) == split_lines(text)
    scratch = analyze_text(text)
    assert snapshot(model) == snapshot(scratch)


@settings(
    max_examples=int(os.environ.get("FZ_INCREMENTAL_EXAMPLES", "1000")),  # CI runs 1,000
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_random_edit_sequences_match_a_parse_from_scratch(data: st.DataObject) -> None:
    source = SourceText(data.draw(st.composite(lambda draw: initial_text(draw))()))
    model = Model(source.lines, source.statements)
    check_against_scratch(source, model)
    for _ in range(data.draw(st.integers(1, 8))):
        start, end, new_text = data.draw(edit(source))
        before_lines = list(source.lines)
        before_statements = list(source.statements)
        with mock.patch.object(document, "parse_line", wraps=parse_line) as parser:
            change = source.replace(start, end, new_text)
        first, old_count, new_count = change.first, change.removed_count, change.added_count
        # Only the lines the edit produced were parsed, each once.
        assert [c.args for c in parser.call_args_list] == [(line,) for line in source.lines[first : first + new_count]]
        # Everything outside the spliced block is the same objects as before.
        assert source.lines[:first] == before_lines[:first]
        assert all(a is b for a, b in zip(source.statements[:first], before_statements[:first], strict=True))
        assert len(source.lines) == len(before_lines) - old_count + new_count
        tail = len(before_lines) - first - old_count
        assert source.lines[len(source.lines) - tail :] == before_lines[len(before_lines) - tail :]
        assert all(
            a is b
            for a, b in zip(
                source.statements[len(source.statements) - tail :],
                before_statements[len(before_statements) - tail :],
                strict=True,
            )
        )
        assert list(change.removed_lines) == before_lines[first : first + old_count]
        assert list(change.removed_statements) == before_statements[first : first + old_count]
        model.update(change)
        check_against_scratch(source, model)


def test_typing_a_file_character_by_character() -> None:
    """The editor's common case, deterministically: every prefix of a real file, typed in order."""
    target = (EXAMPLES / "serverless-step-functions.fz").read_text(encoding="utf-8")
    source = SourceText("")
    model = Model(source.lines, source.statements)
    for char in target:
        line, column = len(source.lines) - 1, len(source.lines[-1])
        with mock.patch.object(document, "parse_line", wraps=parse_line) as parser:
            change = source.replace((line, column), (line, column), char)
        assert parser.call_count == change.added_count == (2 if char == "\n" else 1)
        model.update(change)
    assert source.text == target
    check_against_scratch(source, model)
    assert model.diagnostics == []


def test_deleting_a_file_line_by_line_from_the_top() -> None:
    text = (EXAMPLES / "broken" / "everything-wrong.fz").read_text(encoding="utf-8").replace("\n", "\r\n")
    source = SourceText(text)
    model = Model(source.lines, source.statements)
    while len(source.lines) > 1:
        change = source.replace((0, 0), (1, 0), "")
        assert (change.first, change.removed_count, change.added_count) == (0, 2, 1)
        model.update(change)
        check_against_scratch(source, model)
    assert source.text == ""
