"""Differential edit fuzzer: a document edited incrementally answers exactly as one analysed afresh.

    .venv/bin/python tests/lsp/edit_fuzz.py --encoding utf-16 --seconds 600
    .venv/bin/python tests/lsp/edit_fuzz.py --stdio --encoding utf-8 --seconds 60

Each sequence opens a corpus document (every example, the broken example and a
Unicode-heavy diagram) in a `Session` with the chosen position encoding and applies
random ranged edits, written in that encoding's units the way a client writes them:
keystrokes, deletions, pasted lines, brace and lane-header edits, Chinese and emoji
text, multi-line ranges. After every edit the incremental document is compared with a
fresh one built from the expected text: the text itself, the published diagnostics, and
the answers to hover, definition, references and document symbols at random places.
Every diagnostic must also cover at least one character when its line has text.

What it finds is minimised (edits dropped, then lines of the starting text dropped,
while the failure persists) and printed as a repro. `--stdio` runs the same sequences
against a real server process, comparing what it publishes and answers with the fresh
in-process analysis. Seeds are consecutive from `--seed`: a run is reproducible.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as t
from lsprotocol.converters import get_converter

from fz_lsp.analysis.config import Settings
from fz_lsp.analysis.diagnostics import Severity
from fz_lsp.features import diagnostics, hover, navigation, symbols
from fz_lsp.features.positions import Positions
from fz_lsp.features.state import DocumentState
from fz_lsp.session import Session

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from lsp_support import MAIN, units  # noqa: E402

REPO = HERE.parents[1]
ENCODINGS = ("utf-8", "utf-16", "utf-32")
URI = "file:///fuzz/diagram.fz"
SETTINGS = Settings(severities={"FZ504": Severity.WARNING, "FZ505": Severity.WARNING}, debounce_ms=0)
CONVERTER = get_converter()

# What people type into a diagram, weighted towards what changes structure.
SNIPPETS = (
    "n", "1", "2", "n1", "n12", "x", " ", ".", "->", " -> ", "(", ")", "[", "]", "{", "}", "#", ":", '"',
    "handle(", ".handle(right)", ".handle(left)", "Billing.", "Shop.", "Lane.", "label:", 'label:"',
    "circle", "rectangle", "diamond", "taskbox", "loop [", "loop [重试] n1 n2", "// note",
    "库存", "é", "🚀", "👩‍💼", "\n", "\n}\n", "}\n", "\nn9: circle label:\"新\"\n",
    "Shop { # 商店\n", "Billing {\n", "n1.handle(bottom) -> Billing.n4.handle(top)\n",
    'n2.handle(right) -> n3.handle(left) [label="是"]\n',
)  # fmt: skip


def corpus() -> dict[str, str]:
    """Every example, the broken one, and a diagram with Unicode before every kind of token."""
    found = {
        path.relative_to(REPO).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((REPO / "examples").rglob("*.fz"))
    }
    found["unicode"] = MAIN
    return found


@dataclass(frozen=True)
class Edit:
    """Replace code points (line, column)..(end line, end column) by `text` (clamped to the document)."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


def _clamp(lines: Sequence[str], line: int, column: int) -> tuple[int, int]:
    line = min(max(line, 0), len(lines) - 1)
    return line, min(max(column, 0), len(lines[line]))


def apply(lines: list[str], edit: Edit) -> tuple[list[str], tuple[int, int], tuple[int, int]]:
    """The new lines, and the (clamped, ordered) start and end the edit was applied at."""
    start = _clamp(lines, edit.line, edit.column)
    end = _clamp(lines, edit.end_line, edit.end_column)
    start, end = min(start, end), max(start, end)
    block = lines[start[0]][: start[1]] + edit.text + lines[end[0]][end[1] :]
    return lines[: start[0]] + block.split("\n") + lines[end[0] + 1 :], start, end


def random_edit(lines: Sequence[str], rng: random.Random) -> Edit:
    line = rng.randrange(len(lines))
    column = rng.randint(0, len(lines[line]))
    roll = rng.random()
    if roll < 0.45:  # a keystroke or a short paste
        return Edit(line, column, line, column, rng.choice(SNIPPETS))
    if roll < 0.7:  # delete a few characters
        return Edit(line, column, line, min(len(lines[line]), column + rng.randint(1, 4)), "")
    if roll < 0.8:  # replace a word-sized span
        return Edit(line, column, line, min(len(lines[line]), column + rng.randint(1, 8)), rng.choice(SNIPPETS))
    if roll < 0.9:  # a range across lines (join, cut a block)
        end = min(len(lines) - 1, line + rng.randint(1, 3))
        return Edit(line, column, end, rng.randint(0, len(lines[end])), rng.choice(("", "", " ", "\n", "}")))
    # Delete or duplicate whole lines.
    if rng.random() < 0.5 and len(lines) > 1:
        return Edit(line, 0, line + 1, 0, "")
    return Edit(line, 0, line, 0, lines[rng.randrange(len(lines))] + "\n")


def client_range(lines: Sequence[str], start: tuple[int, int], end: tuple[int, int], encoding: str) -> t.Range:
    """The range a client would send, computed here independently of the server's converter."""
    return t.Range(
        t.Position(start[0], units(lines[start[0]][: start[1]], encoding)),
        t.Position(end[0], units(lines[end[0]][: end[1]], encoding)),
    )


# --- comparing answers ----------------------------------------------------------------------------


def _json(value: Any) -> Any:
    return CONVERTER.unstructure(value)


def answers(state: DocumentState, encoding: str, probes: Sequence[tuple[int, int]]) -> dict[str, Any]:
    """Everything the server would say about this document: diagnostics and answers at `probes`."""
    positions = Positions(state.lines, encoding)
    model = state.model
    result: dict[str, Any] = {
        "diagnostics": _json(diagnostics.lsp_diagnostics(model, SETTINGS, positions, URI)),
        "symbols": _json(symbols.document_symbols(model, positions)),
    }
    for line, column in probes:
        if line >= len(state.lines):
            continue
        column = min(column, len(state.lines[line]))
        result[f"hover {line}:{column}"] = _json(hover.hover(model, positions, line, column))
        result[f"definition {line}:{column}"] = _json(navigation.definition(model, positions, URI, line, column))
        result[f"references {line}:{column}"] = _json(navigation.references(model, positions, URI, line, column, True))
    return result


def empty_ranges(published: Sequence[dict[str, Any]], lines: Sequence[str]) -> list[dict[str, Any]]:
    """Diagnostics with an empty range on a line that has text (Flymake paints to the next `}`)."""
    return [
        d
        for d in published
        if d["range"]["start"] == d["range"]["end"]
        and d["range"]["start"]["line"] < len(lines)
        and lines[d["range"]["start"]["line"]].strip()
    ]


@dataclass
class Finding:
    """A sequence whose incremental answers differ from a fresh analysis (or that broke an invariant)."""

    name: str
    encoding: str
    text: str
    edits: list[Edit]
    problem: str

    def repro(self) -> str:
        edits = ",\n".join(f"    {edit!r}" for edit in self.edits)
        return f"# {self.problem}\n# {self.name}, {self.encoding}\ntext = {self.text!r}\nedits = [\n{edits},\n]\n"


@dataclass
class Counts:
    sequences: int = 0
    edits: int = 0
    comparisons: int = 0
    findings: list[Finding] = field(default_factory=list)


def _diff(incremental: dict[str, Any], fresh: dict[str, Any]) -> str | None:
    for key in fresh:
        if incremental.get(key) != fresh[key]:
            mine = json.dumps(incremental.get(key), ensure_ascii=False)[:300]
            theirs = json.dumps(fresh[key], ensure_ascii=False)[:300]
            return f"{key}: incremental {mine} != fresh {theirs}"
    return None


def run_sequence(
    text: str, edits: Sequence[Edit], encoding: str, probes_per_edit: int, rng: random.Random, counts: Counts | None
) -> str | None:
    """Apply `edits` through a `Session` and compare after each; the first problem, or None."""
    session = Session(lambda message, kind: None)
    session.start(t.ClientCapabilities(), encoding, {"debounceMs": 0})
    session.open(URI, text, 1)
    expected = text.split("\n")
    for number, edit in enumerate(edits, start=2):
        before = expected
        expected, start, end = apply(expected, edit)
        change = t.TextDocumentContentChangePartial(range=client_range(before, start, end, encoding), text=edit.text)
        try:
            state = session.change(URI, number, [change])
            assert state is not None
            if state.lines != expected:
                return f"text after edit {number - 1}: {state.lines[:3]!r}... != {expected[:3]!r}..."
            probes = [
                (line, rng.randint(0, len(expected[line]) + 1))
                for line in (rng.randrange(len(expected)) for _ in range(probes_per_edit))
            ]
            incremental = answers(state, encoding, probes)
        except Exception as error:  # a crash is a finding, with its traceback's last line
            return f"edit {number - 1} raised {type(error).__name__}: {error}"
        fresh = answers(DocumentState(URI, "\n".join(expected), number), encoding, probes)
        if counts is not None:
            counts.edits += 1
            counts.comparisons += len(fresh)
        if (problem := _diff(incremental, fresh)) is not None:
            return f"after edit {number - 1}: {problem}"
        if bad := empty_ranges(incremental["diagnostics"], expected):
            return f"after edit {number - 1}: empty range on a line with text: {bad[0]['code']} {bad[0]['range']}"
    return None


Check = Callable[[str, list[Edit]], "str | None"]


def minimise(finding: Finding, fails: Check) -> Finding:
    """Drop edits, then lines of the starting text, while `fails` still reports a problem."""
    edits = list(finding.edits)
    problem = finding.problem
    # The failure shows at the edit it reports; nothing after it is needed.
    index = 0
    while index < len(edits):
        trial = edits[:index] + edits[index + 1 :]
        if trial and (found := fails(finding.text, trial)) is not None:
            edits, problem = trial, found
        else:
            index += 1
    lines = finding.text.split("\n")
    index = 0
    while index < len(lines) and len(lines) > 1:
        trial_lines = lines[:index] + lines[index + 1 :]
        if (found := fails("\n".join(trial_lines), edits)) is not None:
            lines, problem = trial_lines, found
        else:
            index += 1
    return Finding(finding.name, finding.encoding, "\n".join(lines), edits, problem)


def fuzz(
    encodings: Sequence[str],
    seconds: float,
    seed: int = 0,
    edits_per_sequence: int = 30,
    probes_per_edit: int = 2,
    min_sequences: int = 1,
    stop_after: int = 1,
) -> Counts:
    """Sequences over every corpus document in turn, until `seconds` pass (at least `min_sequences`)."""
    documents = list(corpus().items())
    counts = Counts()
    deadline = time.monotonic() + seconds
    number = seed
    while time.monotonic() < deadline or counts.sequences < min_sequences:
        name, text = documents[number % len(documents)]
        encoding = encodings[number % len(encodings)]
        rng = random.Random(number)
        lines = text.split("\n")
        edits = []
        for _ in range(edits_per_sequence):
            edit = random_edit(lines, rng)
            edits.append(edit)
            lines = apply(lines, edit)[0]
        problem = run_sequence(text, edits, encoding, probes_per_edit, random.Random(number), counts)
        counts.sequences += 1
        if problem is not None:

            def fails(text: str, edits: list[Edit], encoding: str = encoding, seed: int = number) -> str | None:
                return run_sequence(text, edits, encoding, probes_per_edit, random.Random(seed), None)

            counts.findings.append(minimise(Finding(name, encoding, text, edits, problem), fails))
            if len(counts.findings) >= stop_after:
                break
        number += 1
    return counts


# --- the same over stdio --------------------------------------------------------------------------


async def fuzz_stdio(encoding: str, seconds: float, seed: int = 0, edits_per_sequence: int = 20) -> Counts:
    """Random edits sent to a real server; what it publishes and answers must match a fresh analysis."""
    from raw_rpc import RawServer

    counts = Counts()
    server = await RawServer.start()
    try:
        answer = await server.initialize(encoding)
        assert answer["result"]["capabilities"]["positionEncoding"] == encoding
        documents = list(corpus().items())
        deadline = time.monotonic() + seconds
        number = seed
        while time.monotonic() < deadline or counts.sequences < 1:
            name, text = documents[number % len(documents)]
            uri = f"untitled:fuzz-{number}"
            rng = random.Random(number)
            server.open(uri, text)
            await server.publish(uri, 1)
            lines = text.split("\n")
            for version in range(2, edits_per_sequence + 2):
                edit = random_edit(lines, rng)
                before = lines
                lines, start, end = apply(lines, edit)
                change = {"range": _json(client_range(before, start, end, encoding)), "text": edit.text}
                server.notify(
                    "textDocument/didChange",
                    {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
                )
                published = (await server.publish(uri, version))["diagnostics"]
                fresh_state = DocumentState(uri, "\n".join(lines), version)
                positions = Positions(fresh_state.lines, encoding)
                fresh = _json(diagnostics.lsp_diagnostics(fresh_state.model, Settings(), positions, uri))
                counts.edits += 1
                counts.comparisons += 1
                if published != fresh:
                    counts.findings.append(
                        Finding(name, encoding, text, [], f"stdio v{version}: {published} != {fresh}")
                    )
                    return counts
                line = rng.randrange(len(lines))
                column = rng.randint(0, len(lines[line]))
                where = t.Position(line, units(lines[line][:column], encoding))
                hovered = await server.request(
                    "textDocument/hover", {"textDocument": {"uri": uri}, "position": _json(where)}
                )
                expected = _json(hover.hover(fresh_state.model, positions, line, column))
                counts.comparisons += 1
                if hovered.get("result") != expected:
                    problem = f"stdio v{version} hover {line}:{column}: {hovered} != {expected}"
                    counts.findings.append(Finding(name, encoding, text, [], problem))
                    return counts
            server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            counts.sequences += 1
            number += 1
        assert (await server.request("shutdown"))["result"] is None
        server.notify("exit")
        assert await server.exit_status() == 0
    finally:
        await server.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoding", choices=ENCODINGS, action="append")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--edits", type=int, default=30, help="edits per sequence")
    parser.add_argument("--stdio", action="store_true", help="against a server process instead of in process")
    args = parser.parse_args(argv)
    encodings = args.encoding or list(ENCODINGS)
    started = time.monotonic()
    if args.stdio:
        counts = Counts()
        for encoding in encodings:
            found = asyncio.run(fuzz_stdio(encoding, args.seconds / len(encodings), args.seed, args.edits))
            counts.sequences += found.sequences
            counts.edits += found.edits
            counts.comparisons += found.comparisons
            counts.findings.extend(found.findings)
    else:
        counts = fuzz(encodings, args.seconds, args.seed, args.edits, stop_after=5)
    elapsed = time.monotonic() - started
    print(
        f"{'stdio' if args.stdio else 'in process'} {','.join(encodings)}: {counts.sequences} sequences, "
        f"{counts.edits} edits, {counts.comparisons} comparisons, {len(counts.findings)} findings in {elapsed:.0f} s"
    )
    for finding in counts.findings:
        print(finding.repro())
    return 1 if counts.findings else 0


if __name__ == "__main__":
    sys.exit(main())
