"""Model diagnostics as LSP diagnostics, with the severities the settings give."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from fz_lsp.analysis.config import Settings
from fz_lsp.analysis.diagnostics import Diagnostic, Severity
from fz_lsp.analysis.model import Model
from fz_lsp.features.positions import Positions

SOURCE = "flowzap"
MAX_DIAGNOSTICS = 1000  # an editor cannot show more usefully; the checker reports all

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def fix_data(diagnostic: Diagnostic, positions: Positions) -> dict[str, Any] | None:
    """The quick fix as JSON: a title and text edits in the client's units."""
    fix = diagnostic.fix
    if fix is None:
        return None
    edits = []
    for replacement in fix.replacements:
        line = diagnostic.line + replacement.line_delta
        rng = positions.range(line, replacement.start, replacement.end)
        edits.append(
            {
                "range": {
                    "start": {"line": rng.start.line, "character": rng.start.character},
                    "end": {"line": rng.end.line, "character": rng.end.character},
                },
                "newText": replacement.new_text,
            }
        )
    return {"fix": {"title": fix.title, "edits": edits}}


def lsp_diagnostics(model: Model, settings: Settings, positions: Positions, uri: str) -> list[types.Diagnostic]:
    result: list[types.Diagnostic] = []
    found = model.diagnostics
    if any(settings.severity(code) is not Severity.OFF for code in ("FZ504", "FZ505")):
        found = sorted([*found, *model.sequence_diagnostics()], key=lambda d: (d.line, d.start, d.code, d.message))
    for diagnostic in found:
        severity = settings.severity(diagnostic.code)
        if severity is Severity.OFF:
            continue
        related = [
            types.DiagnosticRelatedInformation(types.Location(uri, positions.range(r.line, r.start, r.end)), r.message)
            for r in diagnostic.related
        ]
        result.append(
            types.Diagnostic(
                range=positions.range(diagnostic.line, diagnostic.start, diagnostic.end),
                message=diagnostic.message,
                severity=_SEVERITIES[severity],
                code=diagnostic.code,
                source=SOURCE,
                related_information=related or None,
                data=fix_data(diagnostic, positions),
            )
        )
        if len(result) >= MAX_DIAGNOSTICS:
            break
    return result


def code_actions(diagnostics: list[types.Diagnostic], uri: str) -> list[types.CodeAction]:
    """Quick fixes for the diagnostics the client sends back (their `data` holds the edit)."""
    actions = []
    for diagnostic in diagnostics:
        data = diagnostic.data
        if diagnostic.source != SOURCE or not isinstance(data, dict) or "fix" not in data:
            continue
        fix = data["fix"]
        edits = [
            types.TextEdit(
                types.Range(
                    types.Position(e["range"]["start"]["line"], e["range"]["start"]["character"]),
                    types.Position(e["range"]["end"]["line"], e["range"]["end"]["character"]),
                ),
                e["newText"],
            )
            for e in fix["edits"]
        ]
        actions.append(
            types.CodeAction(
                title=fix["title"],
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={uri: edits}),
            )
        )
    return actions
