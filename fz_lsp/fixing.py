"""The model's quick fixes applied to text: one fix alone, or every safe fix at once.

Shared by the server (`source.fixAll.flowzap`) and `fz-lsp check --fix`, so it knows
nothing of LSP. "Safe" is measured, not assumed: a set of fixes is kept only when the
file it gives has fewer diagnostics and no code that was not there before. Fixes that
do not overlap are tried together; when a batch does not make the file better, they are
tried one by one and those that do not help are left out. Rounds repeat until nothing
fixable remains or nothing more helps, so the result is never worse than the input.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.config import Settings
from fz_lsp.analysis.diagnostics import FZ101, FZ201, SEQUENCE_CODES, Diagnostic, Fix, Severity, file_order
from fz_lsp.analysis.model import EdgeKey, Model, Node
from fz_lsp.analysis.vocabulary import node_number
from fz_lsp.syntax.document import split_lines
from fz_lsp.syntax.parser import parse_line
from fz_lsp.syntax.statements import Edge, Loop, Ref


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


def offered_fix(model: Model, diagnostic: Diagnostic) -> Fix | None:
    """The diagnostic's fix, unless applying it is known to trade this problem for another.

    The model offers the likeliest repair; two of them can be judged only against the rest of
    the file: a "did you mean" (FZ101) that would draw an edge already drawn (FZ502) or list a
    loop member twice (FZ402), and a renumbering (FZ201) of a copied node that nothing refers
    to, which would only leave an orphan (FZ501). Those are not offered (no other guess is).
    """
    fix = diagnostic.fix
    if fix is None:
        return None
    if diagnostic.code == FZ101 and _repeats_after(model, diagnostic, fix):
        return None
    if diagnostic.code == FZ201:
        found = model.symbol_at(diagnostic.line, diagnostic.start)
        node = found.target if found is not None else None
        if isinstance(node, Node) and all(o.declaration for o in model.occurrences(node)):
            return None
    return fix


def _repeats_after(model: Model, diagnostic: Diagnostic, fix: Fix) -> bool:
    """Whether the fixed line would redraw another edge or repeat a member of its loop."""
    line = diagnostic.line
    if any(r.line_delta != 0 for r in fix.replacements) or not 0 <= line < len(model.lines):
        return False
    fixed = parse_line(
        apply_changes(model.lines[line], [Change(0, r.start, r.end, r.new_text) for r in fix.replacements])
    )
    context = model.lane_at(line)

    def resolved(ref: Ref, role: str) -> Node | None:
        return model.resolve_written(ref, context)

    if isinstance(fixed, Edge) and fixed.problem is None:
        source, target = fixed.source, fixed.target
        key: EdgeKey = (
            resolved(source.ref, "source") or source.ref.node.text,
            source.handle.direction.text if source.handle else "",
            resolved(target.ref, "target") or target.ref.node.text,
            target.handle.direction.text if target.handle else "",
        )
        return any(site.line != line and site.resolved_key() == key for site in model.edges)
    if isinstance(fixed, Loop) and fixed.problem is None:
        before = next((loop for loop in model.loops if loop.line == line), None)
        if before is None:
            return False
        members = [resolved(member, "member") for member in fixed.members]
        old = [member.node for member in before.members]

        def repeats(nodes: list[Node | None]) -> int:
            known = [node for node in nodes if node is not None]
            return len(known) - len({id(node) for node in known})

        return repeats(members) > repeats(old)
    return False


def changes(diagnostic: Diagnostic, fix: Fix | None = None) -> list[Change]:
    """`fix` (by default the diagnostic's own) as absolute changes, in file order (empty without a fix)."""
    fix = diagnostic.fix if fix is None else fix
    if fix is None:
        return []
    found = [Change(diagnostic.line + r.line_delta, r.start, r.end, r.new_text) for r in fix.replacements]
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


def shown_by(settings: Settings, selected: Iterable[str] | None = None) -> Keep:
    """The diagnostics a user sees: not switched off, and among `selected` codes when given."""
    chosen = None if selected is None else frozenset(selected)

    def keep(diagnostic: Diagnostic) -> bool:
        if chosen is not None and diagnostic.code not in chosen:
            return False
        return settings.severity(diagnostic.code) is not Severity.OFF

    return keep


def shown(model: Model, keep: Keep) -> list[Diagnostic]:
    """The diagnostics of `model` that `keep` retains, in file order: what the server publishes,
    the checker prints and fix-all measures (FZ504/FZ505 cost a pass of their own: only when kept)."""
    found = [d for d in model.diagnostics if keep(d)]
    probes = (Diagnostic(code, 0, 0, 0, "") for code in SEQUENCE_CODES)
    if any(keep(probe) for probe in probes):
        found += [d for d in model.sequence_diagnostics() if keep(d)]
        found.sort(key=file_order)
    return found


def diagnostics_of(text: str, keep: Keep) -> list[Diagnostic]:
    """The diagnostics of `text` that `keep` retains, in file order (FZ504/FZ505 only when kept)."""
    return shown(analyze_text(text), keep)


def analysed(text: str, keep: Keep, model: Model | None = None) -> tuple[Model, list[Diagnostic]]:
    """The model of `text` (unless given, already up to date) and its diagnostics that `keep` retains."""
    if model is None:
        model = analyze_text(text)
    return model, shown(model, keep)


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


def fix_all(text: str, keep: Keep, model: Model | None = None) -> tuple[str, list[Applied]]:
    """`text` with every offered fix that makes it better, and the fixes made, in the order made.

    `model`, when given, is the model of `text` already (the server's open document): one
    analysis fewer.
    """
    current = text
    model, found = analysed(current, keep, model)
    applied: list[Applied] = []
    useless: set[tuple[str, str, int, int, str]] = set()
    # Ends: a round either lowers the number of diagnostics or adds a fix to `useless`.
    while True:
        current_lines = split_lines(current)[0]
        fixable = [
            (d, fix)
            for d in found
            if d.fix is not None
            and _identity(current_lines, d) not in useless
            and (fix := offered_fix(model, d)) is not None
        ]
        if not fixable:
            break
        fixable = _spread_renumberings(model, fixable)
        batch: list[tuple[Diagnostic, Fix]] = []
        taken: list[Change] = []
        for diagnostic, fix in fixable:
            made = changes(diagnostic, fix)
            if made and not _overlaps(taken, made):
                batch.append((diagnostic, fix))
                taken += made
        candidate = apply_changes(current, taken)
        after_model, after = analysed(candidate, keep)
        if not better(found, after):
            if len(batch) == 1:
                useless.add(_identity(current_lines, batch[0][0]))
                continue
            helped = _first_that_helps(current, found, batch, keep, useless, current_lines)
            if helped is None:
                continue
            batch, candidate, after_model, after = helped
        applied += [Applied(d.code, d.line, d.start, fix.title) for d, fix in batch]
        current, model, found = candidate, after_model, after
    return current, applied


def _spread_renumberings(model: Model, fixable: list[tuple[Diagnostic, Fix]]) -> list[tuple[Diagnostic, Fix]]:
    """Give each FZ201 renumbering its own free number, so that one batch can make them all.

    The model's FZ201 fixes all name the lowest free number (each is right alone); in one
    batch the first keeps it and the others take the next free numbers in turn.
    """
    renumberings = [fix for d, fix in fixable if d.code == FZ201]
    if len(renumberings) < 2:
        return fixable
    taken = {number for node in model.nodes if (number := node_number(node.id)) is not None}
    free = (number for number in itertools.count(1) if number not in taken)
    spread: list[tuple[Diagnostic, Fix]] = []
    for diagnostic, fix in fixable:
        proposed = {r.new_text for r in fix.replacements}
        if diagnostic.code != FZ201 or len(proposed) != 1:
            spread.append((diagnostic, fix))
            continue
        [old] = proposed
        new = f"n{next(free)}"
        replacements = tuple(dataclasses.replace(r, new_text=new) for r in fix.replacements)
        spread.append((diagnostic, Fix(fix.title.replace(f"`{old}`", f"`{new}`"), replacements)))
    return spread


def _first_that_helps(
    text: str,
    found: list[Diagnostic],
    batch: list[tuple[Diagnostic, Fix]],
    keep: Keep,
    useless: set[tuple[str, str, int, int, str]],
    lines: list[str],
) -> tuple[list[tuple[Diagnostic, Fix]], str, Model, list[Diagnostic]] | None:
    """The first fix of `batch` that makes the file better alone; those before it are remembered as useless."""
    for diagnostic, fix in batch:
        candidate = apply_changes(text, changes(diagnostic, fix))
        model, after = analysed(candidate, keep)
        if better(found, after):
            return [(diagnostic, fix)], candidate, model, after
        useless.add(_identity(lines, diagnostic))
    return None
