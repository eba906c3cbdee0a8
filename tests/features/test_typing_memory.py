"""Typing leaves nothing behind per key: the line memos keep a typed line's last text only."""

from __future__ import annotations

from fz_lsp.analysis.statement_checks import findings_for_line
from fz_lsp.features.state import DocumentState
from fz_lsp.syntax.memo import one_key_apart
from fz_lsp.syntax.parser import parse_line

DIAGRAM = 'Desk { # 前台 🛎\nn1: circle label:"来客"\nn2: rectangle label:"Check in 😀"\n}\n'


def test_one_key_apart() -> None:
    assert one_key_apart("n1.handle(ri", "n1.handle(rig")  # a key
    assert one_key_apart("n1.handle(rig", "n1.handle(ri")  # a backspace
    assert one_key_apart('label:"来', 'label:"来客"')  # a key and its auto-closed quote
    assert one_key_apart("n1 -> n2", "n1 -> 😀n2")  # mid-line, a character outside the BMP
    assert one_key_apart("", "}")
    assert not one_key_apart("n1", "n1")
    assert not one_key_apart("n1", "n2")  # a replacement, not a key
    assert not one_key_apart("n1.handle", "n1.handle(ri")  # a paste
    assert not one_key_apart("ab", "ba")
    assert not one_key_apart("n1: circle", "n12: circle label")


def test_typing_a_line_memoises_its_last_text_only() -> None:
    parse_line.cache_clear()  # what other tests parsed is not looked at
    findings_for_line.cache_clear()
    state = DocumentState("file:///diagrams/typing.fz", DIAGRAM, 1)
    _ = state.model.diagnostics
    typed = 'n3: diamond label:"登记 ✅"'
    state.replace((3, 0), (3, 0), "\n")
    for column, char in enumerate(typed):
        state.replace((3, column), (3, column), char)
        _ = state.model.diagnostics
    assert state.lines[3] == typed
    # Each state is forgotten when the text after the next one is computed.
    states = [typed[:end] for end in range(1, len(typed))]
    assert [text for text in states[:-1] if text in parse_line.known] == []
    assert [text for text in states[:-1] if text in findings_for_line.known] == []
    assert typed in parse_line.known and typed in findings_for_line.known
    # The empty line typing began on is still held by the document's last line: it stays.
    assert [line for line in DIAGRAM.split("\n") if line not in parse_line.known] == []
    assert [s is parse_line(line) for s, line in zip(state.source.statements, state.lines, strict=True)] == [
        True
    ] * len(state.lines)
    # A backspace, then keys: what was typed after it goes the same way.
    state.replace((3, len(typed) - 1), (3, len(typed)), "")
    for column, char in enumerate("!?!", start=len(typed) - 1):
        state.replace((3, column), (3, column), char)
        _ = state.model.diagnostics
    assert typed[:-1] + "!" not in parse_line.known and typed[:-1] + "!" not in findings_for_line.known
    assert state.source.statements[3] is parse_line.known[typed[:-1] + "!?!"]


def test_a_line_held_elsewhere_stays() -> None:
    """A new line pasted twice, then typed on: the text typed away from is still the other copy's statement
    (findings are not held by the model: that memo may forget it, which costs a recheck, no sharing)."""
    parse_line.cache_clear()
    findings_for_line.cache_clear()
    state = DocumentState("file:///diagrams/copy.fz", DIAGRAM, 1)
    _ = state.model.diagnostics
    pasted = 'n4: rectangle label:"复制 📋"'
    state.replace((3, 0), (3, 0), pasted + "\n" + pasted + "\n")
    _ = state.model.diagnostics
    end = len(pasted) - 1
    for char in "abc":
        state.replace((4, end), (4, end), char)
        end += 1
        _ = state.model.diagnostics
    assert state.lines[3:5] == [pasted, pasted[:-1] + 'abc"']
    assert pasted in parse_line.known
    assert state.source.statements[3] is parse_line(pasted)
    assert pasted[:-1] + 'a"' not in parse_line.known  # the first key's text went
