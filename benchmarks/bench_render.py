"""Benchmark of the renderer: layout + SVG at 100 and 1,000 nodes, Graphviz `dot` on the same graphs,
and the geometric violation counts on generated diagrams.

    .venv/bin/python benchmarks/bench_render.py
    .venv/bin/python benchmarks/bench_render.py --sizes 100,1000 --repeat 15 --json out.json

The diagrams come from the generator the geometry tests use (tests/render/render_checks.py):
lanes, chains with cross-lane edges both ways, extra edges that make cycles, loops, every
handle side, labels in several scripts. For each size:

* layout + SVG: `to_svg(layout(model))`, the model built beforehand (median of `--repeat` runs
  after one warm-up, wall clock; the budget applies to it); the same run's CPU time
  (`time.process_time`) tells what the work costs when other jobs share the cores; layout and
  SVG alone are reported too;
* dot: `fz-lsp export --to dot` of the same model (one cluster per lane, compass ports) run
  through `dot -Tsvg` as a subprocess (process start included, as a preview would pay it), when
  Graphviz is installed; the ratio dot / ours is from the same run. dot does not honour lane
  order or full-width bands, and on some clustered graphs it fails ("trouble in init_rank"):
  the exit status is recorded, and the time is then the time to fail;
* violations: the counts `render_checks.check` finds (bands, containment, overlap, sides,
  orthogonality, columns must be 0; edges through a box and colliding labels are reported), and
  pairs of edges that run along one line for a stretch (`shared_segments`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from typing import Any

from benchlib import (
    REPO,
    environment,
    fmt_ms,
    fmt_ratio,
    median_of,
    parse_sizes,
    publish,
    ratio,
    summary,
    table,
    verdict,
)

sys.path.insert(0, str(REPO / "tests" / "render"))

from render_checks import check, generate, shared_segments

from fz_lsp.analysis import analyze_text
from fz_lsp.render import layout, to_svg
from fz_lsp.render.export import to_dot

BUDGETS = {100: 20.0, 1000: 150.0}
VIOLATION_SHAPES = [(1, 12), (3, 40), (5, 100), (8, 200), (12, 400), (30, 600), (20, 1000)]


def lanes_for(nodes: int) -> int:
    return max(1, min(30, nodes // 50 + 3))


def _time(function: Any, repeat: int) -> list[float]:
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _cpu(function: Any, repeat: int) -> list[float]:
    """CPU time of this process per run: what the work costs when other jobs share the cores."""
    function()
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        samples.append((time.process_time() - start) * 1000)
    return samples


def measure_size(nodes: int, repeat: int, seed: int) -> dict[str, Any]:
    model = analyze_text(generate(lanes_for(nodes), nodes, seed))
    lay = layout(model)
    result: dict[str, Any] = {
        "nodes": len(lay.nodes),
        "edges": len(lay.edges),
        "lanes": len(lay.lanes),
        "layout_svg": summary(_time(lambda: to_svg(layout(model)), repeat)),
        "layout_svg_cpu": summary(_cpu(lambda: to_svg(layout(model)), repeat)),
        "layout": summary(_time(lambda: layout(model), repeat)),
        "svg": summary(_time(lambda: to_svg(lay), repeat)),
    }
    dot = shutil.which("dot")
    if dot:
        source = to_dot(model).encode("utf-8")
        outcome: dict[str, Any] = {}

        def run_dot() -> None:
            done = subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, timeout=600)
            outcome["exit"] = done.returncode
            outcome["error"] = done.stderr.decode("utf-8", "replace").splitlines()[:1]

        result["dot"] = summary(_time(run_dot, max(3, repeat // 3)))
        result["dot_exit"] = outcome["exit"]
        if outcome["exit"]:
            result["dot_error"] = outcome["error"]
        version = subprocess.run([dot, "-V"], capture_output=True, text=True).stderr.strip()
        result["dot_version"] = version
    return result


def violations() -> list[dict[str, Any]]:
    rows = []
    for seed, (lanes, nodes) in enumerate(VIOLATION_SHAPES, start=11):
        lay = layout(analyze_text(generate(lanes, nodes, seed)))
        found = check(lay)
        rows.append(
            {
                "lanes": lanes,
                "nodes": nodes,
                "edges": len(lay.edges),
                "labels": sum(1 for e in lay.edges if e.label_box is not None),
                **{kind: len(items) for kind, items in found.hard().items()},
                "through_box": len(found.through_box),
                "label_collisions": len(found.labels),
                "shared_segments": len(shared_segments(lay)),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[100, 1000], help="node counts (default 100,1000)")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per measure (default 15)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", help="write the JSON here (default benchmarks/results/render-<time>.json)")
    args = parser.parse_args()
    started = time.perf_counter()
    sizes = {}
    for nodes in args.sizes:
        print(f"measuring {nodes} nodes ...", file=sys.stderr)
        sizes[str(nodes)] = measure_size(nodes, args.repeat, args.seed)
    print("checking generated diagrams ...", file=sys.stderr)
    counts = violations()
    rows = []
    for nodes, found in sizes.items():
        ours = median_of(found["layout_svg"])
        dot = median_of(found.get("dot", {}))
        budget = BUDGETS.get(int(nodes))
        rows.append(
            [
                f"{nodes} nodes ({found['edges']} edges, {found['lanes']} lanes)",
                fmt_ms(ours),
                fmt_ms(median_of(found["layout_svg_cpu"])),
                fmt_ms(median_of(found["layout"])),
                fmt_ms(median_of(found["svg"])),
                fmt_ms(dot) + (f" (failed: exit {found['dot_exit']})" if found.get("dot_exit") else ""),
                fmt_ratio(ratio(dot, ours)),
                "-" if budget is None else f"{budget:.0f} ms: " + verdict(ours, budget),
            ]
        )
    headers = ["diagram", "layout + SVG", "same, CPU time", "layout", "SVG", "dot -Tsvg", "dot / ours", "budget"]
    text = table(headers, rows)
    kinds = [
        "bands",
        "containment",
        "overlap",
        "orthogonal",
        "sides",
        "columns",
        "through_box",
        "label_collisions",
        "shared_segments",
    ]
    text += "\n\n" + table(
        ["lanes", "nodes", "edges", "labels", *kinds],
        [[str(row[k]) for k in ("lanes", "nodes", "edges", "labels", *kinds)] for row in counts],
    )
    data = {
        "benchmark": "render",
        "environment": environment(),
        "sizes": sizes,
        "violations": counts,
        "wall_time_s": round(time.perf_counter() - started, 1),
    }
    return publish(data, args.json, "render", text)


if __name__ == "__main__":
    sys.exit(main())
