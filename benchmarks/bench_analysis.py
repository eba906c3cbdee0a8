"""In-process benchmark of parsing and analysis: cold, one-line edits, the naive baseline, memory.

    .venv/bin/python benchmarks/bench_analysis.py
    .venv/bin/python benchmarks/bench_analysis.py --sizes 1000,10000 --repeat 7 --json out.json

For each size a generated document (see generate.py; checked clean with `fz-lsp check`)
is measured:

* cold: `analyze_text(text)` with the per-line memos cleared (parse + analysis from
  scratch), and its parse-only part (`SourceText(text)`), and a full re-analysis with
  the memos warm (what a full-text sync costs a server that keeps its memos);
* edits: `DocumentState.replace(...)` then `.model.diagnostics`, timed together, for
  edge-target edits (references change), label keystrokes and inserted lines; each edit
  is reverted, untimed, before the next;
* naive: the same reference edit answered by `analyze_text(whole text)` with the memos
  cleared, so that every line is parsed again; the ratio naive / incremental is
  measured in the same run;
* memory, in a fresh subprocess per size: tracemalloc peak of the cold analysis and RSS.

A median over distinct edits is reported; results go to a table, JSON on stdout and a
file (`--json PATH`, else benchmarks/results/analysis-<time>.json).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchlib import (
    Edit,
    check_clean,
    environment,
    fmt_mb,
    fmt_ms,
    fmt_ratio,
    insert_edits,
    label_edits,
    median_of,
    parse_sizes,
    publish,
    ratio,
    reference_edits,
    rss_mb,
    short_path,
    summary,
    table,
    verdict,
)
from generate import generate, outline

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.statement_checks import findings_for_line
from fz_lsp.features.state import DocumentState
from fz_lsp.syntax.document import SourceText
from fz_lsp.syntax.parser import parse_line

EDIT_BUDGET_MS = 10.0  # one-line edit -> diagnostics, 10k lines, in process
EDIT_SCALING_BUDGET = 3.0  # edit cost at 10k / edit cost at 1k
URI = "file:///bench/generated.fz"


def clear_memos() -> None:
    """Forget every parsed line, so that the next analysis parses the whole file."""
    parse_line.cache_clear()
    findings_for_line.cache_clear()


def warm_up() -> None:
    """Build the lark parser once (it is cached per process), outside every timing."""
    analyze_text('A {\nn1: circle label:"a"\nn2: circle label:"b"\nn1.handle(right) -> n2.handle(left)\n}\n')
    clear_memos()


def timed_runs(
    run: Callable[[], object], setup: Callable[[], object], most: int, budget_s: float, least: int = 3
) -> list[float]:
    """Time `run` (after an untimed `setup`) up to `most` times; past the time budget, stop after `least` runs."""
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(samples) < most and (len(samples) < least or time.perf_counter() < deadline):
        setup()
        gc.collect()
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def diagnostics_key(diagnostics: list[Any]) -> list[str]:
    return sorted(repr(d) for d in diagnostics)


def apply(state: DocumentState, edit: Edit) -> int:
    state.replace(*edit.range, edit.text)
    return len(state.model.diagnostics)


def revert(state: DocumentState, edit: Edit) -> None:
    state.replace(edit.revert_start, edit.revert_end, edit.revert_text)
    len(state.model.diagnostics)


def time_edits(state: DocumentState, edits: list[Edit], budget_s: float) -> tuple[list[float], int]:
    """Incremental cost of each edit (replace + model + diagnostics); each is reverted untimed."""
    samples: list[float] = []
    worst = 0
    deadline = time.perf_counter() + budget_s
    for edit in edits:
        if len(samples) >= 5 and time.perf_counter() > deadline:
            break
        gc.collect()
        start = time.perf_counter()
        count = apply(state, edit)
        samples.append((time.perf_counter() - start) * 1000)
        worst = max(worst, count)
        revert(state, edit)
    return samples, worst


def time_naive(state: DocumentState, edits: list[Edit], most: int, budget_s: float) -> tuple[list[float], int]:
    """The same edits answered by a full re-parse and re-analysis; also checks both agree."""
    samples: list[float] = []
    mismatches = 0
    deadline = time.perf_counter() + budget_s
    for edit in edits[:most]:
        if len(samples) >= 3 and time.perf_counter() > deadline:
            break
        apply(state, edit)
        text = state.source.text
        clear_memos()
        gc.collect()
        start = time.perf_counter()
        model = analyze_text(text)
        naive = model.diagnostics
        samples.append((time.perf_counter() - start) * 1000)
        if diagnostics_key(naive) != diagnostics_key(state.model.diagnostics):
            mismatches += 1
        revert(state, edit)
    return samples, mismatches


def profile_edits(state: DocumentState, edits: list[Edit], top: int = 10) -> list[dict[str, Any]]:
    """cProfile over the edit path (replace + model + diagnostics), top functions by own time."""
    profiler = cProfile.Profile()
    for edit in edits:
        profiler.enable()
        apply(state, edit)
        profiler.disable()
        revert(state, edit)
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (filename, line, function), (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{short_path(filename)}:{line}({function})",
                "calls_per_edit": round(calls / len(edits), 1),
                "tottime_ms": round(tottime * 1000 / len(edits), 3),
                "cumtime_ms": round(cumtime * 1000 / len(edits), 3),
            }
        )
    rows.sort(key=lambda r: r["tottime_ms"], reverse=True)
    return rows[:top]


def memory_probe(size: int, seed: int, what: str) -> dict[str, Any]:
    """Run in a fresh process: the tracemalloc peak of a cold analysis, or the RSS with the document open."""
    warm_up()
    base = rss_mb()
    text = generate(size, seed)
    if what == "tracemalloc":
        tracemalloc.start()
        model = analyze_text(text)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del model
        return {"tracemalloc_peak_mb": round(peak / 2**20, 1)}
    state = DocumentState(URI, text, 1)  # what an open document holds: text, statements, model, memos
    len(state.model.diagnostics)
    gc.collect()
    after = rss_mb()
    return {
        "rss_before_mb": base.get("VmRSS"),
        "rss_with_document_mb": after.get("VmRSS"),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_memory_probe(size: int, seed: int, what: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--memory-probe", str(size), what, "--seed", str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench_size(size: int, args: argparse.Namespace, smallest: dict[str, Any] | None) -> dict[str, Any]:
    """Every in-process measure at one size; `smallest` (the 1k result) decides what to profile."""
    rng = random.Random(args.seed)
    text = generate(size, args.seed)
    found = outline(text)
    print(
        f"-- {size} lines: {len(found.lane_of)} nodes, {len(found.nodes_of)} lanes, {len(found.edges)} edges",
        file=sys.stderr,
        flush=True,
    )
    result: dict[str, Any] = {
        "lines": size,
        "nodes": len(found.lane_of),
        "lanes": len(found.nodes_of),
        "edges": len(found.edges),
        "cross_lane_edges": sum(1 for e in found.edges if e.target_lane is not None),
        "bytes": len(text.encode("utf-8")),
    }
    budget = args.time_budget
    began = time.perf_counter()

    def phase(name: str) -> None:
        print(f"   {time.perf_counter() - began:6.1f} s  {name}", file=sys.stderr, flush=True)

    phase("cold analyses")
    result["cold"] = summary(timed_runs(lambda: analyze_text(text).diagnostics, clear_memos, args.repeat, budget))
    result["parse_only_cold"] = summary(timed_runs(lambda: SourceText(text), clear_memos, args.repeat, budget / 2, 1))
    analyze_text(text)  # fill the memos
    result["full_reanalysis_warm_memo"] = summary(
        timed_runs(lambda: analyze_text(text).diagnostics, lambda: None, args.repeat, budget / 2, 1)
    )

    clear_memos()
    state = DocumentState(URI, text, 1)
    if state.model.diagnostics:
        raise SystemExit(f"the generated {size}-line document has diagnostics in process")
    references = reference_edits(found, args.edits, rng)
    edits = {
        "reference": references,
        "label": label_edits(found, args.edits, rng),
        "insert_line": insert_edits(found, args.edits, rng),
    }
    result["edit"] = {}
    for kind, planned in edits.items():
        phase(f"{kind} edits")
        samples, worst = time_edits(state, planned, budget)
        result["edit"][kind] = {**summary(samples), "max_diagnostics_after_edit": worst}
    phase("naive baseline")
    samples, mismatches = time_naive(state, references, args.repeat, budget)
    result["naive_full_reparse"] = summary(samples)
    result["naive_vs_incremental_mismatches"] = mismatches
    naive = median_of(result["naive_full_reparse"])
    result["ratio_naive_over_incremental"] = {
        kind: ratio(naive, median_of(stats)) for kind, stats in result["edit"].items()
    }
    # Profile every kind of edit that misses a budget here (or all of them with --profile).
    result["profile_top10_per_edit"] = {}
    for kind, planned in edits.items():
        edit_ms = median_of(result["edit"][kind])
        base_ms = median_of(smallest["edit"][kind]) if smallest is not None else None
        slow = edit_ms is not None and edit_ms > EDIT_BUDGET_MS
        scales_badly = (ratio(edit_ms, base_ms) or 0) > EDIT_SCALING_BUDGET
        if args.profile or (size == 10_000 and (slow or scales_badly)):
            phase(f"profiling {kind} edits")
            result["profile_top10_per_edit"][kind] = profile_edits(state, planned[:10])
    del state
    phase("checker and memory probes")
    # Nothing is timed from here on: the checker and the memory probes run side by side.
    with ThreadPoolExecutor(max_workers=3) as pool:
        check = pool.submit(check_clean, text, f"generated-{size}.fz")
        peak = pool.submit(run_memory_probe, size, args.seed, "tracemalloc")
        rss = pool.submit(run_memory_probe, size, args.seed, "rss")
        result["check"] = check.result()
        result["memory"] = {**peak.result(), **rss.result()}
    phase("done")
    return result


def report(results: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    sizes = [r["lines"] for r in results]
    headers = ["measure (median)", *(f"{s:,} lines" for s in sizes)]

    def row(label: str, cell: Callable[[dict[str, Any]], str]) -> list[str]:
        return [label, *(cell(r) for r in results)]

    def edit_cell(kind: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: fmt_ms(median_of(r["edit"][kind]))

    base = next((r for r in results if r["lines"] == 1_000), None)

    def scaling(kind: str) -> Callable[[dict[str, Any]], str]:
        if base is None:
            return lambda r: "-"
        return lambda r: fmt_ratio(ratio(median_of(r["edit"][kind]), median_of(base["edit"][kind])))

    rows = [
        row("nodes / lanes / edges", lambda r: f"{r['nodes']} / {r['lanes']} / {r['edges']}"),
        row("cold parse + analysis", lambda r: fmt_ms(median_of(r["cold"]))),
        row("cold parsing alone (SourceText)", lambda r: fmt_ms(median_of(r["parse_only_cold"]))),
        row("full re-analysis, memos warm", lambda r: fmt_ms(median_of(r["full_reanalysis_warm_memo"]))),
        row("edit: edge target (incremental)", edit_cell("reference")),
        row("edit: label keystroke", edit_cell("label")),
        row("edit: insert a line", edit_cell("insert_line")),
        row("target edit ÷ same at 1k lines", scaling("reference")),
        row("label edit ÷ same at 1k lines", scaling("label")),
        row("insert line ÷ same at 1k lines", scaling("insert_line")),
        row("naive full re-parse, same edit", lambda r: fmt_ms(median_of(r["naive_full_reparse"]))),
        row("naive / incremental (target edit)", lambda r: fmt_ratio(r["ratio_naive_over_incremental"]["reference"])),
        row("naive / incremental (label edit)", lambda r: fmt_ratio(r["ratio_naive_over_incremental"]["label"])),
        row("naive / incremental (insert line)", lambda r: fmt_ratio(r["ratio_naive_over_incremental"]["insert_line"])),
        row("tracemalloc peak, cold analysis", lambda r: fmt_mb(r["memory"]["tracemalloc_peak_mb"])),
        row("RSS with the document open", lambda r: fmt_mb(r["memory"]["rss_with_document_mb"])),
        row("ru_maxrss (process peak)", lambda r: fmt_mb(r["memory"]["ru_maxrss_mb"])),
        row(
            "samples: cold / edits / naive",
            lambda r: f"{r['cold']['n']} / {r['edit']['reference']['n']} / {r['naive_full_reparse']['n']}",
        ),
    ]
    text = table(headers, rows)

    by_size = {r["lines"]: r for r in results}
    budgets: dict[str, Any] = {}
    kinds = ("reference", "label", "insert_line")
    if 10_000 in by_size:
        for kind in kinds:
            value = median_of(by_size[10_000]["edit"][kind])
            budgets[f"edit_10k_in_process_ms.{kind}"] = {
                "value": value,
                "budget": EDIT_BUDGET_MS,
                "verdict": verdict(value, EDIT_BUDGET_MS),
            }
    if 1_000 in by_size and 10_000 in by_size:
        for kind in kinds:
            value = ratio(median_of(by_size[10_000]["edit"][kind]), median_of(by_size[1_000]["edit"][kind]))
            budgets[f"edit_10k_over_1k.{kind}"] = {
                "value": value,
                "budget": EDIT_SCALING_BUDGET,
                "verdict": verdict(value, EDIT_SCALING_BUDGET),
            }
    lines = [text, ""]
    for name, entry in budgets.items():
        lines.append(f"budget {name}: {entry['value']} (budget <= {entry['budget']}) -> {entry['verdict']}")
    for r in results:
        if r["naive_vs_incremental_mismatches"]:
            lines.append(
                f"WARNING {r['lines']} lines: incremental diagnostics differed from a full re-analysis "
                f"after {r['naive_vs_incremental_mismatches']} edit(s)"
            )
        for kind, top in r["profile_top10_per_edit"].items():
            lines.append(f"\nprofile of the {kind} edit at {r['lines']:,} lines (per edit, top 10 by own time):")
            lines.append(
                table(
                    ["function", "calls/edit", "tottime/edit", "cumtime/edit"],
                    [
                        [p["function"], str(p["calls_per_edit"]), fmt_ms(p["tottime_ms"]), fmt_ms(p["cumtime_ms"])]
                        for p in top
                    ],
                )
            )
    return "\n".join(lines), budgets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=parse_sizes, default=[1_000, 10_000, 50_000], help="e.g. 1000,10000,50k")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each cold and naive measurement (default 5)")
    parser.add_argument("--edits", type=int, default=50, help="distinct one-line edits of each kind (default 50)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--time-budget",
        type=float,
        default=10.0,
        help="seconds per measurement before stopping early (at least 3 runs of the main measures; default 10)",
    )
    parser.add_argument("--profile", action="store_true", help="profile the edit path at every size")
    parser.add_argument("--json", metavar="PATH", help="write the JSON here (default: benchmarks/results/)")
    parser.add_argument("--memory-probe", nargs=2, metavar=("LINES", "WHAT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_probe:
        print(json.dumps(memory_probe(int(args.memory_probe[0]), args.seed, args.memory_probe[1])))
        return 0

    started = time.perf_counter()
    warm_up()
    results: list[dict[str, Any]] = []
    for size in sorted(args.sizes):
        smallest = next((r for r in results if r["lines"] == 1_000), None)
        results.append(bench_size(size, args, smallest))
    text, budgets = report(results)
    data = {
        "benchmark": "analysis",
        "command": " ".join(["benchmarks/bench_analysis.py", *(argv if argv is not None else sys.argv[1:])]),
        "environment": environment(),
        "settings": {"repeat": args.repeat, "edits": args.edits, "seed": args.seed, "time_budget_s": args.time_budget},
        "results": results,
        "budgets": budgets,
        "wall_time_s": round(time.perf_counter() - started, 1),
    }
    return publish(data, args.json, "analysis", text)


if __name__ == "__main__":
    sys.exit(main())
