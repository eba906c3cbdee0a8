"""The one-line edits a user makes, by kind, in a document written by `generate`.

Every kind the budgets name: a keystroke in a lane header's label and in its ID, on
the first node line of a lane, in a comment, in a label mid-lane (the easy case);
inserting a line mid-file and deleting it again; deleting a lane's closing `}` and
typing it back (`brace-delete` / `brace`: the lane is left open, then closed again);
and typing a `}` on a new line mid-lane and deleting it (`brace-mid` /
`brace-mid-delete`): the braces re-pair, the new `}` is the extra one (FZ004) and the
lane keeps its lines. Kinds come in pairs where the revert is itself an edit
worth timing; otherwise the revert only restores the document.

`with_comments` adds a comment line to three lanes, or to every lane (FlowZap drops
comments, so each is an FZ302 warning); `with_dangling` points edges at nodes that do not exist, the
half-written draft where every keystroke used to re-run "did you mean".
"""

from __future__ import annotations

import random
import re

from benchlib import Edit
from generate import outline

_HEADER = re.compile(r"^([^\W\d]\w*) \{ # (.*)$")
_DECL = re.compile(r'^n(\d+): \w+ label:"([^"]*)"')

KINDS = (
    "label",
    "header-label",
    "lane-id",
    "first-node",
    "comment",
    "insert-line",
    "delete-line",
    "brace-delete",
    "brace",
    "brace-mid",
    "brace-mid-delete",
)
# the timed revert of the first kind
REVERT_KINDS = {"insert-line": "delete-line", "brace-delete": "brace", "brace-mid": "brace-mid-delete"}


def with_comments(text: str, lanes: int | None = 3) -> str:
    """A `// note` line after the last node declaration of `lanes` lanes spread over the file
    (the first, the last, evenly between), or of every lane with `lanes=None`."""
    lines = text.split("\n")
    following = [*lines[1:], ""]
    ends = [i for i, line in enumerate(lines) if _DECL.match(line) and not _DECL.match(following[i])]
    if lanes is not None and len(ends) > lanes:
        ends = [ends[round(n * (len(ends) - 1) / (lanes - 1))] for n in range(lanes)] if lanes > 1 else ends[:lanes]
    chosen = set(ends)
    out: list[str] = []
    for index, line in enumerate(lines):
        out.append(line)
        if index in chosen:
            out.append(f"// note {len(out)}: check with the team")
    return "\n".join(out)


def with_dangling(text: str, count: int, seed: int = 0) -> str:
    """`count` edges retargeted at undeclared nodes (each an FZ101 with a suggestion to compute)."""
    found = outline(text)
    lines = list(found.lines)
    rng = random.Random(seed)
    for number, edge in enumerate(rng.sample(found.edges, min(count, len(found.edges)))):
        line = lines[edge.line]
        lines[edge.line] = line[: edge.target_start] + f"n{90000 + number}" + line[edge.target_end :]
    return "\n".join(lines)


def _keystroke(kind: str, line: int, column: int, char: str) -> Edit:
    return Edit(kind, line, column, column, char, (line, column), (line, column + 1), "")


def edits_of_kind(text: str, kind: str, count: int, rng: random.Random) -> list[Edit]:
    """Up to `count` edits of `kind`, spread over the document; each has its revert."""
    lines = text.split("\n")
    headers = [(i, m) for i, line in enumerate(lines) if (m := _HEADER.match(line))]
    decls = [(i, m) for i, line in enumerate(lines) if (m := _DECL.match(line))]
    first_lines = {i + 1 for i, _ in headers}
    chars = "abcdefghijklmnopqrstuvwxyz"
    edits: list[Edit] = []
    if kind == "label":
        mid = [(i, m) for i, m in decls if i not in first_lines]
        for n, (i, m) in enumerate(rng.sample(mid, min(count, len(mid)))):
            edits.append(_keystroke(kind, i, m.end(2), chars[n % 26]))
    elif kind == "first-node":
        first = [(i, m) for i, m in decls if i in first_lines]
        for n, (i, m) in enumerate(rng.sample(first, min(count, len(first)))):
            edits.append(_keystroke(kind, i, m.end(2), chars[n % 26]))
    elif kind in ("header-label", "lane-id"):
        for n in range(count):
            i, m = headers[rng.randrange(len(headers))]
            column = len(lines[i]) if kind == "header-label" else m.end(1)
            edits.append(_keystroke(kind, i, column, chars[n % 26]))
    elif kind == "comment":
        notes = [i for i, line in enumerate(lines) if line.startswith("// note")]
        for n in range(count):
            i = notes[rng.randrange(len(notes))]
            edits.append(_keystroke(kind, i, len(lines[i]), chars[n % 26]))
    elif kind in ("insert-line", "delete-line"):
        found = outline(text)
        drawn = {(e.source, e.target) for e in found.edges}
        for edge in rng.sample(found.edges, len(found.edges)):
            a, b = rng.sample(found.nodes_of[found.lane_of[edge.source]], 2)
            if (a, b) in drawn:
                continue
            drawn.add((a, b))
            new = f"n{a}.handle(right) -> n{b}.handle(left)\n"
            edits.append(Edit("insert-line", edge.line, 0, 0, new, (edge.line, 0), (edge.line + 1, 0), ""))
            if len(edits) == count:
                break
    elif kind in ("brace", "brace-delete"):
        closing = [i for i, line in enumerate(lines) if line == "}"]
        for i in rng.sample(closing, min(count, len(closing))):
            edits.append(Edit("brace-delete", i, 0, 1, "", (i, 0), (i, 0), "}"))
    elif kind in ("brace-mid", "brace-mid-delete"):
        mid = [i for i, _ in decls if i not in first_lines]
        for i in rng.sample(mid, min(count, len(mid))):
            edits.append(Edit("brace-mid", i, 0, 0, "}\n", (i, 0), (i + 1, 0), ""))
    else:
        raise ValueError(f"unknown edit kind {kind}")
    return edits
