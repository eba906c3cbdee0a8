"""Typing a whole diagram one keystroke at a time, as an editor sends it."""

from __future__ import annotations

from lsp_support import Session, units
from lsprotocol import types as t

FINAL = """\
Kitchen { # 厨房 🍳
n1: circle label:"点单 🧾"
n2: rectangle label:"Cook 炒饭"
n3: diamond label:"Ready?"
n1.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left)
n3.handle(bottom) -> Waiter.n4.handle(top) [label="上菜 🍽"]
loop [再试 🔁] n2 n3
}
Waiter { # 服务员
n4: taskbox label:"Serve" owner:"小王" description:"端到桌上" system:"POS"
n5: circle label:"Done ✅"
n4.handle(right) -> n5.handle(left)
n4.handle(top) -> Kitchen.n1.handle(bottom) [label="加单"]
n9: rectangle label:"Spare"
}
"""
TRIGGERS = set(".(>: [")


class Editor:
    """A buffer and a cursor; every keystroke becomes one incremental didChange in client units."""

    def __init__(self, lsp: Session, uri: str) -> None:
        self.lsp = lsp
        self.uri = uri
        self.lines = [""]
        self.line = 0
        self.column = 0  # in code points
        self.version = 1
        self.completions = 0
        self.pulls: list[list[t.Diagnostic]] = []

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def position(self, line: int, column: int) -> t.Position:
        return t.Position(line, units(self.lines[line][:column], self.lsp.encoding))

    def _send(self, start: t.Position, end: t.Position, text: str) -> None:
        self.version += 1
        self.lsp.change(
            self.uri, self.version, t.TextDocumentContentChangePartial(range=t.Range(start, end), text=text)
        )

    async def type(self, text: str) -> None:
        for char in text:
            here = self.position(self.line, self.column)
            self._send(here, here, char)
            current = self.lines[self.line]
            if char == "\n":
                self.lines[self.line : self.line + 1] = [current[: self.column], current[self.column :]]
                self.line, self.column = self.line + 1, 0
            else:
                self.lines[self.line] = current[: self.column] + char + current[self.column :]
                self.column += 1
            if char == "\n" and self.lsp.pull:
                # A pull client asks for diagnostics when it likes; here at every new line.
                report = await self.lsp.pull_report(self.uri)
                assert isinstance(report, t.RelatedFullDocumentDiagnosticReport)
                self.pulls.append(list(report.items))
            if char in TRIGGERS:
                # The editor asks for completion on a trigger character, on whatever state the text is in.
                await self.lsp.completion(self.uri, self.position(self.line, self.column))
                self.completions += 1

    def backspace(self, count: int = 1) -> None:
        for _ in range(count):
            if self.column > 0:
                start = self.position(self.line, self.column - 1)  # one code point: 1 to 4 client units
                self._send(start, self.position(self.line, self.column), "")
                current = self.lines[self.line]
                self.lines[self.line] = current[: self.column - 1] + current[self.column :]
                self.column -= 1
            else:  # join with the line above
                above = len(self.lines[self.line - 1])
                self._send(self.position(self.line - 1, above), t.Position(self.line, 0), "")
                self.lines[self.line - 1 : self.line + 1] = [self.lines[self.line - 1] + self.lines[self.line]]
                self.line, self.column = self.line - 1, above

    def move(self, line: int, column: int) -> None:
        self.line, self.column = line, column

    def move_after(self, needle: str) -> None:
        for number, text in enumerate(self.lines):
            if needle in text:
                self.move(number, text.index(needle) + len(needle))
                return
        raise AssertionError(f"{needle!r} not in the buffer")

    def end_of_buffer(self) -> None:
        self.move(len(self.lines) - 1, len(self.lines[-1]))


async def test_typing_a_diagram_keystroke_by_keystroke(lsp: Session) -> None:
    uri = lsp.open("")
    editor = Editor(lsp, uri)
    final_lines = FINAL.split("\n")
    for number, line in enumerate(final_lines[:-1]):
        if line.startswith("n2: rectangle"):
            await editor.type('n2: rectangle labl:"Cook')  # a typo, noticed late
            editor.backspace(len(':"Cook') + 1)
            await editor.type('el:"Cook 炒饭"')
        elif line.startswith("n3.handle(bottom)"):
            # Typed in a different order: the arrow first, then the source, then the rest.
            await editor.type(" -> Waiter.n4.handle(top)")
            editor.move(editor.line, 0)
            await editor.type("n3.handle(bottom)")
            editor.move(editor.line, len(editor.lines[editor.line]))
            await editor.type(' [label="上菜 🍔')
            editor.backspace()  # the wrong emoji: 2 UTF-16 units, 4 UTF-8 bytes
            await editor.type('🍽"]')
        elif line.startswith("n4: taskbox"):
            await editor.type(line)
            # Enter in the middle of the line, then backspace to join it again.
            editor.move_after('n4: taskbox label:"Serve"')
            await editor.type("\n")
            editor.backspace()
            editor.move(editor.line, len(editor.lines[editor.line]))
        elif line.startswith("loop"):
            await editor.type("loop [再试 🔁] n2 n3 n2")
            editor.backspace(3)
            # Enter right after the emoji, then join the lines again from the start of the second.
            editor.move_after("🔁")
            await editor.type("\n")
            assert editor.lines[editor.line] == "] n2 n3"
            editor.backspace()
            editor.move(editor.line, len(editor.lines[editor.line]))
        else:
            await editor.type(line)
        await editor.type("\n")
        assert editor.lines[number] == line, f"the editor script went wrong on line {number}"
    assert editor.text == FINAL

    versions = list(range(2, editor.version + 1))
    assert len(versions) > len(FINAL)  # every character was a change, and there were corrections
    assert editor.completions > 50
    if lsp.pull:
        final = await lsp.diagnostics(uri, editor.version)
        seen = editor.pulls
        assert len(seen) == len(final_lines) + 1  # one per line end, and one per Enter typed mid-line
    else:
        last = await lsp.wait_publish(uri, lambda p: p.version == editor.version)
        final = list(last.diagnostics)
        # One publish per version, in order: no change was lost or reported twice.
        assert [p.version for p in lsp.publishes_for(uri)] == [1, *versions]
        seen = [list(p.diagnostics) for p in lsp.publishes_for(uri)]
    # The way there went through broken states.
    assert any(d.code == "FZ001" for diagnostics in seen for d in diagnostics)

    fresh = lsp.open(FINAL)
    expected = await lsp.diagnostics(fresh, 1)
    assert [d.code for d in expected] == ["FZ212", "FZ212", "FZ212", "FZ212", "FZ204", "FZ501"]
    assert [view(d, uri) for d in final] == [view(d, fresh) for d in expected]
    assert await lsp.document_symbols(uri) == await lsp.document_symbols(fresh)


def view(diagnostic: t.Diagnostic, uri: str) -> tuple[object, ...]:
    """A diagnostic with its own document's URI taken out of its related information."""
    related = [(r.location.uri == uri, r.location.range, r.message) for r in diagnostic.related_information or []]
    return (diagnostic.code, diagnostic.range, diagnostic.message, diagnostic.severity, diagnostic.data, related)
