"""Quick fixes recomputed from the document as it is now, and the fix-all source action.

The client's copy of a diagnostic may be older than the document and its `data` is whatever
the client sends back: a fix must neither edit the wrong line nor fail on crafted data.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from lsp_support import Session
from lsprotocol import types as t

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "features"))
from mistakes import BROKEN, EXAMPLES, copy_lane

FIX_ALL = "source.fixAll.flowzap"

DIAGRAM = """\
Kitchen { # 厨房 🍳 Kitchen
n1: circle label:"开始 🚀"
n2: rect label:"切菜 🔪"
n1.handle(right) -> n2.handle(left) [label:"下一步"]
n2.handle(up) -> Hall.n3.handle(top)
}
Hall { # 大厅
n3: circle label:"上菜 🎉"
}
"""

FIXED = """\
Kitchen { # 厨房 🍳 Kitchen
n1: circle label:"开始 🚀"
n2: rectangle label:"切菜 🔪"
n1.handle(right) -> n2.handle(left) [label="下一步"]
n2.handle(top) -> Hall.n3.handle(top)
}
Hall { # 大厅
n3: circle label:"上菜 🎉"
}
"""


def _column(line: str, units: int, encoding: str) -> int:
    """The code-point column `units` client units into `line` (the client side of the conversion)."""
    counted = 0
    for index, char in enumerate(line):
        if counted >= units:
            return index
        code = ord(char)
        if encoding == "utf-8":
            counted += len(char.encode("utf-8"))
        elif encoding == "utf-16":
            counted += 2 if code > 0xFFFF else 1
        else:
            counted += 1
    return len(line)


def apply_edits(text: str, edits: list[t.TextEdit], encoding: str) -> str:
    """What an editor does with a workspace edit's text edits (last first, so earlier ones stay valid)."""
    lines = text.split("\n")

    def offset(position: t.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        return before + _column(lines[position.line], position.character, encoding)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


async def actions(
    lsp: Session, uri: str, diagnostics: list[t.Diagnostic], only: list[str] | None = None
) -> list[t.CodeAction]:
    rng = diagnostics[0].range if diagnostics else t.Range(t.Position(0, 0), t.Position(0, 0))
    result = await lsp.client.text_document_code_action_async(
        t.CodeActionParams(t.TextDocumentIdentifier(uri), rng, t.CodeActionContext(diagnostics, only=only))
    )
    found = list(result or [])
    assert all(isinstance(a, t.CodeAction) for a in found)
    return found  # type: ignore[return-value]


def edits_of(action: t.CodeAction, uri: str) -> list[t.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    assert list(action.edit.changes) == [uri]
    return list(action.edit.changes[uri])  # type: ignore[arg-type]


async def test_the_fix_all_kind_is_announced(lsp: Session) -> None:
    provider = lsp.result.capabilities.code_action_provider
    assert isinstance(provider, t.CodeActionOptions)
    assert list(provider.code_action_kinds or []) == [
        t.CodeActionKind.QuickFix,
        FIX_ALL,
        t.CodeActionKind.RefactorRewrite,
    ]


async def test_a_diagnostic_from_an_older_version_gets_no_fix_for_the_wrong_line(lsp: Session) -> None:
    uri = lsp.open(DIAGRAM)
    [old] = [d for d in await lsp.diagnostics(uri, 1) if d.code == "FZ205"]
    assert old.range == lsp.doc(DIAGRAM).range("rect")
    # Two nodes typed above: `rect` is now on line 4, and line 2 holds a correct node.
    inserted = 'n4: circle label:"等位 ⏳"\nn5: rectangle label:"洗手 🧼"\n'
    lsp.change(
        uri, 2, t.TextDocumentContentChangePartial(range=t.Range(t.Position(1, 0), t.Position(1, 0)), text=inserted)
    )
    text = DIAGRAM.replace("n1: circle", inserted + "n1: circle", 1)
    doc = lsp.doc(text)
    current = [d for d in await lsp.diagnostics(uri, 2) if d.code == "FZ205"]
    assert [d.range for d in current] == [doc.range("rect label", length=4)] and doc.range(
        "rect label", length=4
    ).start.line == 4
    assert await actions(lsp, uri, [old]) == []  # nothing for line 2: the problem is not there any more
    [action] = await actions(lsp, uri, current)
    assert action.title == "Change to `rectangle`"
    assert edits_of(action, uri) == [t.TextEdit(doc.range("rect label", length=4), "rectangle")]


CRAFTED: list[Any] = [
    None,
    "fix",
    42,
    [1, 2, 3],
    {"fix": "rewrite everything"},
    {"fix": {"title": "t"}},
    {"fix": {"title": "t", "edits": [{"range": 5, "newText": 1}]}},
    {"fix": {"title": "t", "edits": [{"range": {"start": {"line": -1}}, "newText": "x"}]}},
    # Well formed, but not the server's fix: it would delete the first line.
    {
        "fix": {
            "title": "Change to `rectangle`",
            "edits": [
                {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}, "newText": ""}
            ],
        }
    },
]


@pytest.mark.parametrize("data", CRAFTED, ids=[f"data{n}" for n in range(len(CRAFTED))])
async def test_crafted_data_is_ignored(lsp: Session, data: Any) -> None:
    uri = lsp.open(DIAGRAM)
    doc = lsp.doc(DIAGRAM)
    [real] = [d for d in await lsp.diagnostics(uri, 1) if d.code == "FZ205"]
    crafted = t.Diagnostic(real.range, real.message, code="FZ205", source="flowzap", data=data)
    [action] = await actions(lsp, uri, [crafted])
    assert edits_of(action, uri) == [t.TextEdit(doc.range("rect"), "rectangle")]
    # Not ours, no code, a code that is no string, or a range with nothing there: no action, no error.
    strangers = [
        t.Diagnostic(real.range, real.message, code="FZ205", source="pyright", data=data),
        t.Diagnostic(real.range, real.message, source="flowzap", data=data),
        t.Diagnostic(real.range, real.message, code=205, source="flowzap", data=data),
        t.Diagnostic(doc.range("circle"), real.message, code="FZ205", source="flowzap", data=data),
        t.Diagnostic(t.Range(t.Position(900, 3), t.Position(900, 9)), "x", code="FZ101", source="flowzap", data=data),
    ]
    assert await actions(lsp, uri, strangers) == []


async def test_fix_all_applies_every_safe_fix_in_client_units(lsp: Session) -> None:
    uri = lsp.open(DIAGRAM)
    before = await lsp.diagnostics(uri, 1)
    assert [d.code for d in before].count("FZ212") == 4
    assert sorted({str(d.code) for d in before} - {"FZ212"}) == ["FZ105", "FZ205", "FZ208"]
    for only in ([FIX_ALL], ["source.fixAll"], ["source"]):
        [action] = await actions(lsp, uri, [], only=only)
        assert action.kind == FIX_ALL
        assert action.title == "Fix all FlowZap problems that have a safe fix (3 fixes)"
        assert apply_edits(DIAGRAM, edits_of(action, uri), lsp.encoding) == FIXED
    # Not on a plain request or one for quick fixes only: editors ask for source actions by kind.
    assert await actions(lsp, uri, [], only=[t.CodeActionKind.QuickFix]) == []
    assert await actions(lsp, uri, []) == []
    # The edit covers the changed lines only.
    [action] = await actions(lsp, uri, [], only=[FIX_ALL])
    [edit] = edits_of(action, uri)
    assert (edit.range.start, edit.range.end) == (t.Position(2, 0), t.Position(5, 0))
    fixed = lsp.open(FIXED)
    assert [d.code for d in await lsp.diagnostics(fixed, 1)] == ["FZ212"] * 4
    assert await actions(lsp, fixed, [], only=[FIX_ALL]) == []  # nothing left to fix


def _stdio_cases() -> list[tuple[str, str]]:
    examples = {p.stem: p.read_text(encoding="utf-8") for p in EXAMPLES}
    mistyped = (
        examples["multicloud-failover"].replace("AWS.n6", "AWZ.n6").replace("n7.handle(right)", "n7.handle(rigth)")
    )
    return [
        ("broken", BROKEN[0].read_text(encoding="utf-8")),
        ("copied-lane", copy_lane(examples["database-per-service"], "OrderService")),
        ("typos", mistyped),
    ]


@pytest.mark.parametrize(("name", "text"), _stdio_cases(), ids=[n for n, _ in _stdio_cases()])
async def test_each_quick_fix_over_stdio_makes_the_file_better(lsp: Session, name: str, text: str) -> None:
    uri = lsp.open(text)
    before = await lsp.diagnostics(uri, 1)
    codes = Counter(str(d.code) for d in before)
    tried = 0
    for diagnostic in before:
        found = await actions(lsp, uri, [diagnostic], only=[t.CodeActionKind.QuickFix])
        if not found:
            continue
        [action] = found
        tried += 1
        fixed = apply_edits(text, edits_of(action, uri), lsp.encoding)
        after = await lsp.diagnostics(lsp.open(fixed), 1)
        after_codes = Counter(str(d.code) for d in after)
        where = (diagnostic.code, diagnostic.range.start.line, action.title)
        assert after_codes[str(diagnostic.code)] < codes[str(diagnostic.code)], where
        assert set(after_codes) <= set(codes), where
        assert len(after) <= len(before), where
    assert tried >= 1


REDRAWN = """\
Shop { # 商店 🛒
n1: circle label:"开始 🚀"
n2: rectangle label:"付款 💳"
n1.handle(right) -> n2.handle(left)
n1.handle(right) -> n12.handle(left)
n2.handle(right) -> n19.handle(left)
}
"""


async def test_a_guess_that_would_redraw_an_edge_is_not_offered(lsp: Session) -> None:
    uri = lsp.open(REDRAWN)
    doc = lsp.doc(REDRAWN)
    dangling = [d for d in await lsp.diagnostics(uri, 1) if d.code == "FZ101"]
    assert [d.range for d in dangling] == [doc.range("n12"), doc.range("n19")]
    assert await actions(lsp, uri, [dangling[0]]) == []  # `n2` would draw n1 -> n2 twice
    [action] = await actions(lsp, uri, [dangling[1]])
    assert (action.title, edits_of(action, uri)) == ("Change to `n1`", [t.TextEdit(doc.range("n19"), "n1")])


async def test_fix_all_after_edits_works_on_the_edited_document(lsp: Session) -> None:
    uri = lsp.open(FIXED)
    assert await actions(lsp, uri, [], only=[FIX_ALL]) == []
    # Typed: `rectangle` becomes `rect` on the node after the Chinese and emoji label.
    start = lsp.doc(FIXED).pos("rectangle", delta=4)
    lsp.change(
        uri, 2, t.TextDocumentContentChangePartial(range=t.Range(start, lsp.doc(FIXED).end("rectangle")), text="")
    )
    edited = FIXED.replace("rectangle", "rect", 1)
    assert [d.code for d in await lsp.diagnostics(uri, 2)] == ["FZ212", "FZ212", "FZ205", "FZ212", "FZ212"]
    [action] = await actions(lsp, uri, [], only=[FIX_ALL])
    assert action.title == "Fix all FlowZap problems that have a safe fix (1 fix)"
    assert apply_edits(edited, edits_of(action, uri), lsp.encoding) == FIXED
