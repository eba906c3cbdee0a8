"""`flowzap/render` end to end over stdio, on an open document right after an edit.

    .venv/bin/python benchmarks/bench_render_request.py
    .venv/bin/python benchmarks/bench_render_request.py --nodes 1000 --edits 20 --json out.json

Opens a generated document (checked clean with `fz-lsp check`) with at least `--nodes`
nodes in `python -m fz_lsp` (debounce 0), then for each edit (one character typed into a
node's label) sends the `didChange` and at once the `flowzap/render` request, and times
from just before the `didChange` is written to the moment the picture has arrived and been
decoded. The naive reference, in the same run: the same edit sent as a full-text change.
Each edit is reverted (untimed) before the next. Also measured in process, for scale:
layout + SVG of the same model, and the whole path from text (parse, analysis, layout, SVG).

Budget (issue #10): <= 300 ms median for 1,000 nodes, end to end.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_server import OpenDocument, start_server
from benchlib import (
    REPO,
    check_clean,
    environment,
    fmt_ms,
    fmt_ratio,
    label_edits,
    median_of,
    ratio,
    save_json,
    summary,
    table,
    verdict,
)
from generate import generate, outline

sys.path.insert(0, str(REPO))

BUDGET_MS = 300.0


def document_with(nodes: int, seed: int) -> str:
    """A generated document with at least `nodes` node declarations."""
    lines = int(nodes * 2.3) + 40
    while True:
        text = generate(lines, seed)
        if len(re.findall(r"^n\d+: ", text, flags=re.MULTILINE)) >= nodes:
            return text
        lines += max(10, lines // 50)


def render_after_edit(document: OpenDocument, edit: Any, full: bool, fmt: str) -> tuple[float, dict[str, Any]]:
    """didChange then flowzap/render without waiting in between: ms until the answer is decoded."""
    (l1, c1), (l2, c2) = edit.range
    document._apply_locally((l1, c1), (l2, c2), edit.text)
    document.version += 1
    if full:
        change: dict[str, Any] = {"text": document.text}
    else:
        change = {
            "range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}},
            "text": edit.text,
        }
    started = time.perf_counter()
    document.client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": document.uri, "version": document.version}, "contentChanges": [change]},
    )
    _, _, answer = document.client.request(
        "flowzap/render", {"textDocument": {"uri": document.uri}, "format": fmt, "theme": "light"}
    )
    elapsed = (time.perf_counter() - started) * 1000
    if answer is None or answer.get("version") != document.version:
        raise SystemExit(f"flowzap/render answered for {answer and answer.get('version')}, not {document.version}")
    # Put the text back (untimed), waiting for that version's diagnostics so the next edit starts clean.
    document.change(edit.revert_start, edit.revert_end, edit.revert_text, full=False)
    return elapsed, answer


def in_process(text: str, repeats: int) -> dict[str, Any]:
    from fz_lsp.analysis import analyze_text
    from fz_lsp.render import layout, to_svg

    model = analyze_text(text)
    draw, whole = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        to_svg(layout(model), theme="light")
        draw.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        to_svg(layout(analyze_text(text)), theme="light")
        whole.append((time.perf_counter() - started) * 1000)
    return {"layout_svg": summary(draw), "text_to_svg": summary(whole)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="where to write the results (default: benchmarks/results/)")
    args = parser.parse_args(argv)

    text = document_with(args.nodes, args.seed)
    nodes = len(re.findall(r"^n\d+: ", text, flags=re.MULTILINE))
    clean = check_clean(text, "render-bench.fz")
    found = outline(text)
    edits = label_edits(found, args.edits, random.Random(args.seed))

    results: dict[str, Any] = {"environment": environment(), "nodes": nodes, "lines": text.count("\n"), "check": clean}
    with tempfile.TemporaryDirectory(prefix="fz-render-bench-") as folder:
        client, _ = start_server(Path(folder))
        try:
            uri = (Path(folder) / "render-bench.fz").as_uri()
            client.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "flowzap", "version": 1, "text": text}},
            )
            client.diagnostics(uri, 1)
            document = OpenDocument(client, uri, text)
            client.request("flowzap/render", {"textDocument": {"uri": uri}, "format": "svg"})  # warm-up
            measured: dict[str, list[float]] = {"svg": [], "json": [], "svg_full_text": []}
            sizes: list[int] = []
            for edit in edits:
                elapsed, answer = render_after_edit(document, edit, False, "svg")
                measured["svg"].append(elapsed)
                sizes.append(len(answer["svg"]))
                measured["json"].append(render_after_edit(document, edit, False, "json")[0])
                measured["svg_full_text"].append(render_after_edit(document, edit, True, "svg")[0])
        finally:
            client.close()
    stats = {name: summary(samples) for name, samples in measured.items()}
    results["end_to_end"] = stats
    results["svg_bytes_median"] = int(statistics.median(sizes))
    results["in_process"] = in_process(text, max(5, args.edits // 2))
    svg_median = median_of(stats["svg"])
    results["ratio_full_text_over_ranged"] = ratio(median_of(stats["svg_full_text"]), svg_median)
    results["budget_ms"] = BUDGET_MS
    results["verdict"] = verdict(svg_median, BUDGET_MS)

    rows = [
        ["didChange + flowzap/render (svg)", fmt_ms(svg_median), f"<= {BUDGET_MS:.0f} ms", results["verdict"]],
        ["didChange + flowzap/render (json)", fmt_ms(median_of(stats["json"])), "", ""],
        [
            "naive: full-text didChange + render (svg)",
            fmt_ms(median_of(stats["svg_full_text"])),
            f"ratio {fmt_ratio(results['ratio_full_text_over_ranged'])}",
            "",
        ],
        ["in process: layout + SVG", fmt_ms(median_of(results["in_process"]["layout_svg"])), "", ""],
        [
            "in process: text -> SVG (parse, analyse, draw)",
            fmt_ms(median_of(results["in_process"]["text_to_svg"])),
            "",
            "",
        ],
    ]
    print(f"flowzap/render on an open document of {nodes} nodes ({results['lines']} lines), {len(edits)} edits")
    print(table(["what (median)", "time", "budget / ratio", "verdict"], rows))
    target = save_json(results, args.json, "render-request")
    print(f"results: {target}")
    return 0 if results["verdict"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
