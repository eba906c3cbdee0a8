"""The model's quick fixes applied to text: one fix alone, or every safe fix at once.

Shared by the server (`source.fixAll.flowzap`) and `fz-lsp check --fix`, so it knows
nothing of LSP. "Safe" is measured, not assumed: a set of fixes is kept only when the
file it gives has fewer diagnostics and no code that was not there before. Fixes that
do not overlap are tried together; when a batch does not make the file better, they are
tried one by one and those that do not help are left out. Rounds repeat until nothing
fixable remains or nothing more helps, so the result is never worse than the input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.config import Settings
from fz_lsp.analysis.diagnostics import Diagnostic, Severity
from fz_lsp.syntax.document import split_lines

SEQUENCE_CODES = ("FZ504", "FZ505")
MAX_ROUNDS = 50  # each round removes at least one diagnostic; this only bounds a pathological file


@dataclass(frozen=True, slots=True)
class Change:
    """Replace code-point columns `start`..`end` of line `line` (0-based) by `new_text`."""

    line: int
    start: int
    end: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Applied:
    """A fix that was made: where its diagnostic was (in the text it was applied to), and what it did."""

    code: str
    line: int
    start: int
    title: str


Keep = Callable[[Diagnostic], bool]


def changes(diagnostic: Diagnostic) -> list[Change]:
    """The fix of `diagnostic` as absolute changes, in file order (empty without a fix)."""
    if diagnostic.fix is None:
        return []
    found = [Change(diagnostic.line + r.line_delta, r.start, r.end, r.new_text) for r in diagnostic.fix.replacements]
    return sorted(found, key=lambda c: (c.line, c.start, c.end))


def apply_changes(text: str, found: Iterable[Change]) -> str:
    """`text` with non-overlapping changes made; a line break in new text takes that line's ending."""
    lines, endings = split_lines(text)
    default_ending = next((e for e in endings if e), "\n")
    for change in sorted(found, key=lambda c: (c.line, c.start, c.end), reverse=True):
        if not 0 <= change.line < len(lines):
            continue
        line = lines[change.line]
        start, end = max(0, min(change.start, len(line))), max(0, min(change.end, len(line)))
        ending = endings[change.line] or default_ending
        new_text = change.new_text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", ending)
        lines[change.line] = line[:start] + new_text + line[max(start, end) :]
    return "".join(line + ending for line, ending in zip(lines, endings, strict=True))


def apply_fix(text: str, diagnostic: Diagnostic) -> str:
    return apply_changes(text, changes(diagnostic))


def shown_by(settings: Settings, selected: Iterable[str] | None = None) -> Keep:
    """The diagnostics a user sees: not switched off, and among `selected` codes when given."""
    chosen = None if selected is None else frozenset(selected)

    def keep(diagnostic: Diagnostic) -> bool:
        if chosen is not None and diagnostic.code not in chosen:
            return False
        return settings.severity(diagnostic.code) is not Severity.OFF

    return keep


def diagnostics_of(text: str, keep: Keep) -> list[Diagnostic]:
    """The diagnostics of `text` that `keep` retains, in file order (FZ504/FZ505 only when kept)."""
    model = analyze_text(text)
    found = [d for d in model.diagnostics if keep(d)]
    probes = (Diagnostic(code, 0, 0, 0, "") for code in SEQUENCE_CODES)
    if any(keep(probe) for probe in probes):
        found += [d for d in model.sequence_diagnostics() if keep(d)]
        found.sort(key=lambda d: (d.line, d.start, d.code, d.message))
    return found


def better(before: list[Diagnostic], after: list[Diagnostic]) -> bool:
    """Fewer diagnostics and no code that was not there before."""
    return len(after) < len(before) and {d.code for d in after} <= {d.code for d in before}


def _overlaps(taken: list[Change], candidate: list[Change]) -> bool:
    """Two changes on one line overlap when their spans meet (touching insertions count)."""
    return any(a.line == b.line and a.start <= b.end and b.start <= a.end for a in candidate for b in taken)


def _identity(text_lines: list[str], diagnostic: Diagnostic) -> tuple[str, str, int, int, str]:
    """What a fix that did not help is remembered by across rounds (lines may move)."""
    line = text_lines[diagnostic.line] if diagnostic.line < len(text_lines) else ""
    title = diagnostic.fix.title if diagnostic.fix is not None else ""
    return (diagnostic.code, line, diagnostic.start, diagnostic.end, title)


def fix_all(text: str, keep: Keep) -> tuple[str, list[Applied]]:
    """`text` with every fix that makes it better, and the fixes made, in the order made."""
    current = text
    found = diagnostics_of(current, keep)
    applied: list[Applied] = []
    useless: set[tuple[str, str, int, int, str]] = set()
    for _ in range(MAX_ROUNDS):
        current_lines = split_lines(current)[0]
        fixable = [d for d in found if d.fix is not None and _identity(current_lines, d) not in useless]
        if not fixable:
            break
        batch: list[Diagnostic] = []
        taken: list[Change] = []
        for diagnostic in fixable:
            made = changes(diagnostic)
            if made and not _overlaps(taken, made):
                batch.append(diagnostic)
                taken += made
        candidate = apply_changes(current, taken)
        after = diagnostics_of(candidate, keep)
        if len(batch) > 1 and not better(found, after):
            batch, candidate, after = _first_that_helps(current, found, batch, keep, useless, current_lines)
        elif not better(found, after):
            useless.add(_identity(current_lines, batch[0]))
            batch = []
        if not batch:
            continue
        applied += [Applied(d.code, d.line, d.start, d.fix.title) for d in batch if d.fix is not None]
        current, found = candidate, after
    return current, applied


def _first_that_helps(
    text: str,
    found: list[Diagnostic],
    batch: list[Diagnostic],
    keep: Keep,
    useless: set[tuple[str, str, int, int, str]],
    lines: list[str],
) -> tuple[list[Diagnostic], str, list[Diagnostic]]:
    """The first fix of `batch` that makes the file better alone; those before it are remembered as useless."""
    for diagnostic in batch:
        candidate = apply_fix(text, diagnostic)
        after = diagnostics_of(candidate, keep)
        if better(found, after):
            return [diagnostic], candidate, after
        useless.add(_identity(lines, diagnostic))
    return [], text, found
