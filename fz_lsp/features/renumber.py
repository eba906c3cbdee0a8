"""Renumber nodes: IDs become n1..nN in their numeric order, every reference following.

Numeric order, not position: published diagrams often declare IDs out of
declaration order on purpose, so `n3, n7, n5` become `n1, n3, n2`. IDs that are
not `n<number>` are left alone. A file with duplicate IDs, undeclared references
or syntax errors is not renumbered: which node a reference means is not certain
there, and the refusal names the lines to fix first.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.diagnostics import FZ204
from fz_lsp.analysis.model import Model
from fz_lsp.analysis.vocabulary import NODE_ID
from fz_lsp.features import facts
from fz_lsp.features.edits import text_edits, workspace_edit
from fz_lsp.features.positions import Positions
from fz_lsp.syntax.document import split_lines

TITLE = "Renumber nodes n1..nN"


class RenumberBlocked(ValueError):
    """The file cannot be renumbered yet; the message names the lines to fix."""


@dataclass(frozen=True)
class Change:
    line: int
    start: int
    end: int
    text: str


def _lines(numbers: list[int]) -> str:
    unique = sorted(set(numbers))
    shown = ", ".join(str(n + 1) for n in unique[:6]) + (", ..." if len(unique) > 6 else "")
    return f"line{'s' if len(unique) > 1 else ''} {shown}"


def blockers(model: Model) -> str | None:
    """Why the file cannot be renumbered, naming lines; None when it can."""
    reasons: list[str] = []
    syntax = [line for line, s in enumerate(model.statements) if s.problem is not None]
    if syntax:
        reasons.append(f"syntax errors on {_lines(syntax)}")
    seen: dict[str, int] = {}
    duplicates: list[int] = []
    for node in model.nodes:
        if node.id in seen:
            duplicates += [seen[node.id], node.line]
        else:
            seen[node.id] = node.line
    if duplicates:
        reasons.append(f"duplicate node IDs on {_lines(duplicates)}")
    dangling = [use.line for use in facts.uses(model) if use.node is None]
    if dangling:
        reasons.append(f"undeclared nodes referenced on {_lines(dangling)}")
    if not reasons:
        return None
    return "fix " + " and ".join(reasons) + " first"


def changes(model: Model) -> list[Change]:
    """The edits that renumber the file (none when it is numbered n1..nN already); raises `RenumberBlocked`."""
    blocked = blockers(model)
    if blocked is not None:
        raise RenumberBlocked(blocked)
    numbered = sorted(
        (int(match.group(1)), node) for node in model.nodes if (match := NODE_ID.match(node.id)) is not None
    )
    mapping = {node.id: f"n{index}" for index, (_, node) in enumerate(numbered, start=1)}
    if all(old == new for old, new in mapping.items()):
        return []
    found = [
        Change(node.line, node.decl.node.start, node.decl.node.end, mapping[node.id])
        for _, node in numbered
        if mapping[node.id] != node.id
    ]
    for use in facts.uses(model):
        if use.node is not None and mapping.get(use.node.id, use.node.id) != use.ref.node.text:
            found.append(Change(use.line, use.ref.node.start, use.ref.node.end, mapping[use.node.id]))
    found.sort(key=lambda change: (change.line, change.start))
    return found


def renumber_text(text: str) -> str:
    """The whole file renumbered; raises `RenumberBlocked`."""
    model = analyze_text(text)
    found = changes(model)
    if not found:
        return text
    lines = list(model.lines)
    for change in reversed(found):
        line = lines[change.line]
        lines[change.line] = line[: change.start] + change.text + line[change.end :]
    _, endings = split_lines(text)
    return "".join(line + ending for line, ending in zip(lines, endings, strict=True))


def code_actions(
    model: Model,
    positions: Positions,
    uri: str,
    version: int | None,
    context: types.CodeActionContext,
    versioned: bool,
    disabled_support: bool,
) -> list[types.CodeAction]:
    """`Renumber nodes` as a refactor.rewrite action (a quick fix when only quick fixes for FZ204 are asked for)."""
    numbering = [d for d in context.diagnostics if d.code == FZ204]
    wanted = context.only or []
    refactor = not wanted or any(types.CodeActionKind.RefactorRewrite.value.startswith(kind) for kind in wanted)
    quick_fix = bool(numbering) and types.CodeActionKind.QuickFix in wanted
    if not (refactor or quick_fix):
        return []
    kind = types.CodeActionKind.RefactorRewrite if refactor else types.CodeActionKind.QuickFix
    try:
        found = changes(model)
    except RenumberBlocked as blocked:
        # Greyed out with its reason where a user looks for refactorings or at an FZ204 warning;
        # not in every automatic lightbulb, and never as a quick fix that does nothing.
        if not disabled_support or not refactor or not (wanted or numbering):
            return []
        reason = types.CodeActionDisabled(reason=str(blocked))
        return [types.CodeAction(TITLE, kind=kind, diagnostics=numbering or None, disabled=reason)]
    if not found:
        return []
    edits = text_edits(positions, ((c.line, c.start, c.end, c.text) for c in found))
    return [
        types.CodeAction(
            TITLE,
            kind=kind,
            diagnostics=numbering or None,
            edit=workspace_edit(uri, version, edits, versioned),
        )
    ]
