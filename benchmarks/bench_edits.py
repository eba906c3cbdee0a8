"""Every kind of one-line edit, in process and end to end over stdio, against the full re-analysis.

    .venv/bin/python benchmarks/bench_edits.py
    .venv/bin/python benchmarks/bench_edits.py --sizes 1k,10k --count 10 --json out.json

For each size (default 1k / 10k / 50k lines) and each kind in `edit_kinds.KINDS`:

* in process: the edit applied to a `DocumentState` -> the LSP diagnostics the server
  would publish (model update, checks, conversion to client units);
* end to end: `didChange` (ranged) -> the `publishDiagnostics` of that version, from a
  server started with `debounceMs` 0;
* the naive reference, in the same run: the whole text analysed from scratch (in
  process), and sent as a full-text `didChange` (end to end).

Also: a keystroke in a label of a 5,000-line file with 200 dangling references, cold
open (fresh server -> didOpen -> first diagnostics) at each size, and the server's RSS
with the largest document open. Medians; the ratio column is the largest size over the
smallest for the same kind (budget <= 3).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_server import OpenDocument, cold_opens, did_open, start_server
from benchlib import (
    Edit,
    environment,
    fmt_mb,
    fmt_ms,
    fmt_ratio,
    median_of,
    parse_sizes,
    publish,
    ratio,
    rss_mb,
    summary,
    table,
)
from edit_kinds import KINDS, REVERT_KINDS, edits_of_kind, with_comments, with_dangling
from generate import generate

from fz_lsp.analysis.config import Settings
from fz_lsp.features.diagnostics import lsp_diagnostics
from fz_lsp.features.positions import Positions
from fz_lsp.features.state import DocumentState

BUDGET_IN_PROCESS_MS = 5.0
BUDGET_END_TO_END_MS = 30.0
SETTINGS = Settings(debounce_ms=0)
URI = "file:///bench/edits.fz"


def diagnose(state: DocumentState) -> int:
    """The publish the server makes: the document's cache keeps what the last one converted."""
    return len(lsp_diagnostics(state.model, SETTINGS, Positions(state.lines, "utf-16"), state.uri, state.converted))


def _apply(state: DocumentState, start: tuple[int, int], end: tuple[int, int], text: str) -> float:
    gc.collect()
    began = time.perf_counter()
    state.replace(start, end, text)
    diagnose(state)
    return (time.perf_counter() - began) * 1000


def in_process(text: str, edits: list[Edit], timed_revert: bool) -> tuple[list[float], list[float]]:
    """(forward samples, revert samples); the revert is timed only for paired kinds."""
    state = DocumentState(URI, text, 1)
    diagnose(state)
    forward, back = [], []
    for edit in edits:
        forward.append(_apply(state, *edit.range, edit.text))
        took = _apply(state, edit.revert_start, edit.revert_end, edit.revert_text)
        if timed_revert:
            back.append(took)
    return forward, back


def naive_in_process(text: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        gc.collect()
        began = time.perf_counter()
        diagnose(DocumentState(URI, text, 1))
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def end_to_end(document: OpenDocument, edits: list[Edit], timed_revert: bool) -> tuple[list[float], list[float]]:
    forward, back = [], []
    for edit in edits:
        latency, _ = document.change(*edit.range, edit.text, full=False)
        forward.append(latency)
        latency, _ = document.change(edit.revert_start, edit.revert_end, edit.revert_text, full=False)
        if timed_revert:
            back.append(latency)
    return forward, back


def naive_end_to_end(document: OpenDocument, edits: list[Edit]) -> list[float]:
    samples = []
    for edit in edits:
        latency, _ = document.change(*edit.range, edit.text, full=True)
        samples.append(latency)
        document.change(edit.revert_start, edit.revert_end, edit.revert_text, full=True)
    return samples


def bench_size(size: int, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    text = with_comments(generate(size, args.seed))
    rng = random.Random(args.seed)
    cases = {kind: edits_of_kind(text, kind, args.count, rng) for kind in KINDS if kind not in REVERT_KINDS.values()}
    result: dict[str, Any] = {"lines": len(text.split("\n")), "in_process": {}, "end_to_end": {}}
    for kind, edits in cases.items():
        forward, back = in_process(text, edits, kind in REVERT_KINDS)
        result["in_process"][kind] = summary(forward)
        if kind in REVERT_KINDS:
            result["in_process"][REVERT_KINDS[kind]] = summary(back)
    result["in_process"]["naive"] = summary(naive_in_process(text, args.naive_runs))
    client, _ = start_server(folder)
    try:
        opened, count = did_open(client, URI, text)
        result["open_ms"] = opened
        result["open_diagnostics"] = count
        result["rss_mb"] = rss_mb(client.process.pid).get("VmRSS")
        document = OpenDocument(client, URI, text)
        for kind, edits in cases.items():
            forward, back = end_to_end(document, edits[: args.e2e_count], kind in REVERT_KINDS)
            result["end_to_end"][kind] = summary(forward)
            if kind in REVERT_KINDS:
                result["end_to_end"][REVERT_KINDS[kind]] = summary(back)
        naive_edits = cases["label"][: args.naive_runs]
        result["end_to_end"]["naive"] = summary(naive_end_to_end(document, naive_edits))
    finally:
        client.close()
    return result


def bench_dangling(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    text = with_dangling(generate(5000, args.seed), 200, args.seed)
    edits = edits_of_kind(text, "label", args.dangling_count, random.Random(args.seed))
    forward, _ = in_process(text, edits, False)
    result: dict[str, Any] = {"in_process": summary(forward), "naive": summary(naive_in_process(text, args.naive_runs))}
    client, _ = start_server(folder)
    try:
        _, result["diagnostics"] = did_open(client, URI, text)
        document = OpenDocument(client, URI, text)
        result["end_to_end"] = summary(end_to_end(document, edits[: args.e2e_count], False)[0])
    finally:
        client.close()
    return result


def bench_warned(args: argparse.Namespace) -> dict[str, Any]:
    """Inserting and deleting a line in process at the smallest and largest sizes, with a warning
    in every lane: the diagnostics then grow with the file (see `report`)."""
    found: dict[str, Any] = {}
    for size in (args.sizes[0], args.sizes[-1]):
        text = with_comments(generate(size, args.seed), None)
        edits = edits_of_kind(text, "insert-line", args.count, random.Random(args.seed))
        forward, back = in_process(text, edits, True)
        count = len(DocumentState(URI, text, 1).model.diagnostics)
        found[str(size)] = {"diagnostics": count, "insert-line": summary(forward), "delete-line": summary(back)}
    return found


def report(result: dict[str, Any]) -> str:
    sizes = result["sizes"]
    smallest, largest = str(sizes[0]), str(sizes[-1])
    kinds = [*KINDS, "naive"]
    out = []
    for where, budget in (("in_process", BUDGET_IN_PROCESS_MS), ("end_to_end", BUDGET_END_TO_END_MS)):
        rows = []
        for kind in kinds:
            medians = [median_of(result["by_size"][str(s)][where].get(kind, {})) for s in sizes]
            growth = ratio(medians[-1], medians[0])
            naive = median_of(result["by_size"][largest][where]["naive"])
            rows.append([kind, *(fmt_ms(m) for m in medians), fmt_ratio(growth), fmt_ratio(ratio(naive, medians[-1]))])
        headers = ["edit kind", *(f"{s} lines" for s in sizes), f"{largest}/{smallest}", f"naive/edit @{largest}"]
        out.append(f"{where.replace('_', ' ')} (median ms; budget {budget:g} ms at 50k, growth <= 3)")
        out.append(table(headers, rows))
        out.append("")
    out.append(
        "The documents carry three warnings at every size (a comment in three lanes). "
        "brace-mid / brace-mid-delete type and delete a `}` mid-lane: the new `}` is the extra one "
        "(one FZ004) and the lane keeps its lines."
    )
    warned = result["warned"]
    small, large = warned[smallest], warned[largest]
    out.append(
        f"With a warning in every lane ({small['diagnostics']} diagnostics at {smallest} lines, "
        f"{large['diagnostics']} at {largest}), in process: insert a line "
        f"{fmt_ms(median_of(small['insert-line']))} -> {fmt_ms(median_of(large['insert-line']))}, delete it "
        f"{fmt_ms(median_of(small['delete-line']))} -> {fmt_ms(median_of(large['delete-line']))}. "
        "A publish sends every diagnostic, and those below the edit moved, so this grows with the "
        "diagnostics."
    )
    out.append("")
    dangling = result["dangling"]
    out.append(
        "label keystroke, 5,000 lines with 200 dangling references: "
        f"in process {fmt_ms(median_of(dangling['in_process']))}, "
        f"end to end {fmt_ms(median_of(dangling['end_to_end']))}, "
        f"naive {fmt_ms(median_of(dangling['naive']))} ({dangling['diagnostics']} diagnostics)"
    )
    rows = [
        [
            str(s),
            fmt_ms(median_of(result["cold"][str(s)]["open_to_diagnostics"])),
            fmt_mb(result["by_size"][str(s)]["rss_mb"]),
        ]
        for s in sizes
    ]
    out.append(table(["lines", "cold open -> diagnostics", "server RSS, document open"], rows))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10000, 50000])
    parser.add_argument("--count", type=int, default=20, help="edits per kind in process")
    parser.add_argument("--e2e-count", type=int, default=10, help="edits per kind end to end")
    parser.add_argument("--dangling-count", type=int, default=5, help="label edits in the dangling-reference file")
    parser.add_argument("--naive-runs", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the JSON here (default: a file under benchmarks/results)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        result: dict[str, Any] = {"environment": environment(), "sizes": args.sizes, "by_size": {}, "cold": {}}
        for size in args.sizes:
            result["by_size"][str(size)] = bench_size(size, args, folder)
            text = generate(size, args.seed)
            result["cold"][str(size)] = cold_opens(folder, text, size, args.cold_runs, 60.0)
        result["dangling"] = bench_dangling(args, folder)
        result["warned"] = bench_warned(args)
    result["command"] = " ".join(["benchmarks/bench_edits.py", *(argv if argv is not None else sys.argv[1:])])
    result["wall_time_s"] = round(time.perf_counter() - started, 1)
    return publish(result, args.json, "bench_edits", report(result))


if __name__ == "__main__":
    sys.exit(main())
