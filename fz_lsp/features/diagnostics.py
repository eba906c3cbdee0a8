"""Model diagnostics as LSP diagnostics, with the severities the settings give."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from lsprotocol import types

from fz_lsp.analysis.config import Settings
from fz_lsp.analysis.diagnostics import Diagnostic, Fix, Severity
from fz_lsp.analysis.model import Model
from fz_lsp.features.positions import Positions
from fz_lsp.fixing import changes, fix_all, offered_fix, shown, shown_by

SOURCE = "flowzap"
MAX_DIAGNOSTICS = 1000  # an editor cannot show more usefully; the checker reports all

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def _plain(rng: types.Range) -> dict[str, Any]:
    """A range as JSON values (what the converter makes of it, without its dispatch)."""
    start, end = rng.start, rng.end
    return {
        "start": {"line": start.line, "character": start.character},
        "end": {"line": end.line, "character": end.character},
    }


def fix_data(diagnostic: Diagnostic, positions: Positions, own: types.Range | None = None) -> dict[str, Any] | None:
    """The quick fix as JSON: a title and text edits in the client's units.

    `own` is the diagnostic's range already converted: most fixes rewrite just that span.
    """
    if diagnostic.fix is None:
        return None
    span = (diagnostic.line, diagnostic.start, diagnostic.end)
    edits = []
    for change in changes(diagnostic):
        if own is not None and (change.line, change.start, change.end) == span:
            rng = own
        else:
            rng = positions.range(change.line, change.start, change.end)
        edits.append({"range": _plain(rng), "newText": change.new_text})
    return {"fix": {"title": diagnostic.fix.title, "edits": edits}}


def lsp_diagnostic(diagnostic: Diagnostic, severity: Severity, positions: Positions, uri: str) -> types.Diagnostic:
    """One model diagnostic as the client sees it (`severity` is the one the settings give, not OFF)."""
    related = [
        types.DiagnosticRelatedInformation(types.Location(uri, positions.range(r.line, r.start, r.end)), r.message)
        for r in diagnostic.related
    ]
    rng = positions.range(diagnostic.line, diagnostic.start, diagnostic.end)
    return types.Diagnostic(
        range=rng,
        message=diagnostic.message,
        severity=_SEVERITIES[severity],
        code=diagnostic.code,
        source=SOURCE,
        related_information=related or None,
        data=fix_data(diagnostic, positions, rng),
    )


def _texts(diagnostic: Diagnostic, lines: Sequence[str]) -> tuple[str | None, ...]:
    """The texts of the lines the LSP form of `diagnostic` reads (client columns count the text before them)."""
    count = len(lines)
    found = [lines[diagnostic.line] if 0 <= diagnostic.line < count else None]
    for related in diagnostic.related:
        found.append(lines[related.line] if 0 <= related.line < count else None)
    if diagnostic.fix is not None:
        for replacement in diagnostic.fix.replacements:
            line = diagnostic.line + replacement.line_delta
            found.append(lines[line] if 0 <= line < count else None)
    return tuple(found)


ConversionKey = tuple[Diagnostic, Severity, tuple[str | None, ...]]


class Converted:
    """The LSP form of one document's diagnostics, each converted once and reused while it is shown.

    Publishing sends every diagnostic each time, but a keystroke changes few of them: the
    rest are looked up, not converted again (building their `Position`s was nearly all the
    cost). An entry is keyed by everything its LSP form depends on: the model diagnostic
    (a value: its code, place, message, related places and fix), the severity the settings
    give it, and the texts of the lines its ranges lie on (a UTF-16 or UTF-8 column counts the
    text before it, and every column is clamped to its line). The uri and the position
    encoding hold for the whole document; a change of either starts afresh (anything else
    the LSP form comes to depend on, such as a client capability, must join the key or
    that context, or a stale form is sent). Only the entries of the last conversion are
    kept, so the cache never holds more than one publish's worth. An entry is found first
    by the model diagnostic itself (the model hands back the same object while it is
    unchanged), without hashing it; only when some diagnostic is new are they looked up by
    value. The objects handed out are shared between publishes: never mutate them. Their
    JSON, written for a publish, is kept the same way (writing it cost as much again).
    """

    def __init__(self) -> None:
        # The last publish's entries by id() of the model diagnostic: an unchanged diagnostic is
        # the very object sent before (the model keeps it), so it is found without hashing it.
        self._same: dict[int, tuple[Diagnostic, Severity, tuple[str | None, ...], types.Diagnostic]] = {}
        self._context: tuple[str, str] | None = None
        self._last: list[types.Diagnostic] = []
        self._written: dict[int, tuple[types.Diagnostic, str]] = {}  # by id(): LSP diagnostics are unhashable

    def __len__(self) -> int:
        return len(self._same)

    def convert(self, model: Model, settings: Settings, positions: Positions, uri: str) -> list[types.Diagnostic]:
        """What `lsp_diagnostics` gives, converting only the diagnostics not converted last time."""
        context = (uri, positions.encoding)
        same = self._same if context == self._context else {}
        known: dict[ConversionKey, types.Diagnostic] | None = None  # by value, made at the first miss
        kept: dict[int, tuple[Diagnostic, Severity, tuple[str | None, ...], types.Diagnostic]] = {}
        severities: dict[str, Severity] = {}

        def severity_of(code: str) -> Severity:
            found = severities.get(code)
            if found is None:
                found = severities[code] = settings.severity(code)
            return found

        lines = positions.lines
        result: list[types.Diagnostic] = []
        for diagnostic in shown(model, lambda d: severity_of(d.code) is not Severity.OFF):
            severity = severity_of(diagnostic.code)
            texts = _texts(diagnostic, lines)
            entry = same.get(id(diagnostic))
            if entry is None or entry[0] is not diagnostic or entry[1] is not severity or entry[2] != texts:
                # A diagnostic made anew may still equal one sent before (its line was re-checked).
                if known is None:
                    known = {(d, level, read): form for d, level, read, form in same.values()}
                found = known.get((diagnostic, severity, texts))
                if found is None:
                    found = lsp_diagnostic(diagnostic, severity, positions, uri)
                entry = (diagnostic, severity, texts, found)
            kept[id(diagnostic)] = entry
            result.append(entry[3])
            if len(result) >= MAX_DIAGNOSTICS:
                break
        self._same, self._context, self._last = kept, context, result
        return result

    def json(self, unstructure: Callable[[Any], Any]) -> str:
        """The last conversion as a JSON array (ASCII), writing only the diagnostics not written last time.

        `unstructure` turns an LSP diagnostic into plain values: the server's converter, so the
        text is what the protocol would have written.
        """
        written: dict[int, tuple[types.Diagnostic, str]] = {}
        parts = []
        for item in self._last:
            entry = self._written.get(id(item))
            if entry is None or entry[0] is not item:
                entry = (item, json.dumps(unstructure(item)))
            written[id(item)] = entry
            parts.append(entry[1])
        self._written = written
        return "[" + ", ".join(parts) + "]"


def lsp_diagnostics(
    model: Model, settings: Settings, positions: Positions, uri: str, converted: Converted | None = None
) -> list[types.Diagnostic]:
    """The diagnostics a client is sent, in file order (at most `MAX_DIAGNOSTICS`).

    Pass the document's `Converted` to convert only what changed since its last call.
    """
    return (converted if converted is not None else Converted()).convert(model, settings, positions, uri)


FIX_ALL = "source.fixAll.flowzap"


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether an action of `kind` answers a request limited to `only` (a kind or any of its parents)."""
    if only is None:
        return kind != FIX_ALL  # source actions only when asked for, as editors do on save
    return any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def _key(positions: Positions, rng: types.Range) -> tuple[int, int, int, int]:
    start = positions.to_columns(rng.start)
    end = positions.to_columns(rng.end)
    return (start[0], start[1], end[0], end[1])


def _edit(diagnostic: Diagnostic, fix: Fix, positions: Positions) -> list[types.TextEdit]:
    return [
        types.TextEdit(positions.range(change.line, change.start, change.end), change.new_text)
        for change in changes(diagnostic, fix)
    ]


def code_actions(
    model: Model,
    settings: Settings,
    positions: Positions,
    uri: str,
    sent: Sequence[types.Diagnostic],
    only: Sequence[str] | None = None,
    ending: str = "\n",
) -> list[types.CodeAction]:
    """Quick fixes for the diagnostics the client sends back, and the fix-all source action.

    The client's copy of a diagnostic may be from an older version of the document, and its
    `data` is whatever the client chose to send: neither is trusted. A diagnostic is matched
    by code and range against the document as it is now, and the fix is the current one;
    one that no longer applies gets nothing.
    """
    actions: list[types.CodeAction] = []
    if _wanted(types.CodeActionKind.QuickFix, only):
        current = {
            (d.code, d.line, d.start, d.line, d.end): d
            for d in model.diagnostics
            if d.fix is not None and settings.severity(d.code) is not Severity.OFF
        }
        for diagnostic in sent:
            if diagnostic.source != SOURCE or not isinstance(diagnostic.code, str):
                continue
            found = current.get((diagnostic.code, *_key(positions, diagnostic.range)))
            fix = offered_fix(model, found) if found is not None else None
            if found is None or fix is None:
                continue
            actions.append(
                types.CodeAction(
                    title=fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=True,
                    edit=types.WorkspaceEdit(changes={uri: _edit(found, fix, positions)}),
                )
            )
    if _wanted(FIX_ALL, only):
        action = fix_all_action(model, settings, positions, uri, ending)
        if action is not None:
            actions.append(action)
    return actions


def fix_all_action(
    model: Model, settings: Settings, positions: Positions, uri: str, ending: str = "\n"
) -> types.CodeAction | None:
    """Every safe fix at once, as one edit of the lines that change (None when nothing helps).

    New line breaks are written as `ending`, the document's own.
    """
    if not any(d.fix is not None and settings.severity(d.code) is not Severity.OFF for d in model.diagnostics):
        return None
    lines = model.lines
    text = "\n".join(lines)
    fixed, applied = fix_all(text, shown_by(settings), model)
    if not applied:
        return None
    new_lines = fixed.split("\n")
    first = 0
    while first < min(len(lines), len(new_lines)) and lines[first] == new_lines[first]:
        first += 1
    last_old, last_new = len(lines), len(new_lines)
    while last_old > first and last_new > first and lines[last_old - 1] == new_lines[last_new - 1]:
        last_old -= 1
        last_new -= 1
    # Replace whole lines first..last_old-1 (and their breaks) by the new ones.
    if last_old < len(lines):
        rng = positions.range(first, 0, 0, last_old)
        new_text = "".join(line + ending for line in new_lines[first:last_new])
    else:
        rng = positions.range(first, 0, len(lines[-1]), len(lines) - 1)
        new_text = ending.join(new_lines[first:])
    count = len(applied)
    return types.CodeAction(
        title=f"Fix all FlowZap problems that have a safe fix ({count} fix{'es' if count != 1 else ''})",
        kind=FIX_ALL,
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(rng, new_text)]}),
    )
