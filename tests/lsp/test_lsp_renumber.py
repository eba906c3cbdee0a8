"""The `Renumber nodes` code action over stdio: offered, tied to FZ204, disabled with a reason."""

from __future__ import annotations

from lsp_support import Session
from lsprotocol import types as t
from reshape_support import apply, edits_of

GAPPED = (
    "Shop { # 商店 🛒\n"
    'n2: circle label:"开始 🚀"\n'
    'n5: rectangle label:"库存 📦"\n'
    '  n2.handle(right) -> n5.handle(left) [label="下单 📦"]\n'
    "  n5.handle(bottom) -> 账单.n9.handle(top)\n"
    "  loop [重试 🔁] n2 账单.n9\n"
    "}\n"
    "账单 {\n"
    'n9: circle label:"完成 🎉"\n'
    "}\n"
)


async def actions(
    lsp: Session, uri: str, diagnostics: list[t.Diagnostic], only: list[str] | None = None
) -> list[t.CodeAction]:
    result = await lsp.client.text_document_code_action_async(
        t.CodeActionParams(
            t.TextDocumentIdentifier(uri),
            t.Range(t.Position(1, 0), t.Position(1, 0)),
            t.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )
    return [a for a in result or [] if isinstance(a, t.CodeAction) and a.title == "Renumber nodes n1..nN"]


async def test_renumber_action_rewrites_ids_in_client_units(lsp: Session) -> None:
    uri = lsp.open(GAPPED)
    before = await lsp.diagnostics(uri, 1)
    numbering = [d for d in before if d.code == "FZ204"]
    assert [d.range for d in numbering] == [
        lsp.doc(GAPPED).range("n5:", length=2),
        lsp.doc(GAPPED).range("n9:", length=2),
    ]
    found = await actions(lsp, uri, numbering)
    assert len(found) == 1
    action = found[0]
    assert action.kind == t.CodeActionKind.RefactorRewrite
    assert list(action.diagnostics or []) == numbering  # offered from the FZ204 diagnostics
    edits = edits_of(action.edit, uri, 1, lsp.preset != "neovim@v0.11.0")
    renumbered = apply(GAPPED, edits, lsp.encoding)
    assert renumbered == GAPPED.replace("n2", "n1").replace("n5", "n2").replace("n9", "n3")
    lsp.change(uri, 2, t.TextDocumentContentChangeWholeDocument(renumbered))
    after = [d.code for d in await lsp.diagnostics(uri, 2)]
    assert after == [d.code for d in before if d.code != "FZ204"]  # only the numbering warnings went
    assert set(after) == {"FZ212"}  # the emoji, as before
    assert await actions(lsp, uri, []) == []  # numbered n1..nN: nothing to offer
    # Asked for refactorings only, or from a quick-fix request without FZ204: as the kinds say.
    lsp.change(uri, 3, t.TextDocumentContentChangeWholeDocument(GAPPED))
    assert len(await actions(lsp, uri, [], [t.CodeActionKind.Refactor])) == 1
    assert await actions(lsp, uri, [], [t.CodeActionKind.QuickFix]) == []
    [quick_fix] = await actions(lsp, uri, numbering, [t.CodeActionKind.QuickFix])
    assert quick_fix.kind == t.CodeActionKind.QuickFix
    assert edits_of(quick_fix.edit, uri, 3, lsp.preset != "neovim@v0.11.0") == edits


async def test_renumber_is_disabled_with_the_lines_to_fix(lsp: Session) -> None:
    text = GAPPED.replace('n9: circle label:"完成 🎉"', 'n5: circle label:"完成 🎉"')
    uri = lsp.open(text)
    assert await actions(lsp, uri, []) == []  # not in an automatic lightbulb
    found = await actions(lsp, uri, [], [t.CodeActionKind.Refactor])
    if lsp.preset == "visual-studio-code":  # the only preset that declares codeAction.disabledSupport
        assert len(found) == 1 and found[0].edit is None
        assert found[0].disabled == t.CodeActionDisabled(
            reason="fix duplicate node IDs on lines 3, 9 and undeclared nodes referenced on lines 5, 6 first"
        )
    else:
        assert found == []
