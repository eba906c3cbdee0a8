"""Reshaping and reading aids at 10k lines, end to end over stdio and in process.

Semantic tokens (full, and full/delta after a one-line edit), formatting and rename,
each beside a naive baseline measured in the same run: tokens made with a cold
per-line memo (every line tokenised again), the full token array a client without
delta support would fetch, formatting by reading the whole text again (parse and
layout from scratch, in process), and `textDocument/references` for the same node
(the walk a rename is built on).

    .venv/bin/python benchmarks/bench_reshape.py [--lines 10000] [--runs 15] [--json PATH]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_server import OpenDocument, did_open, start_server
from benchlib import check_clean, environment, fmt_ms, fmt_ratio, median_of, publish, ratio, summary, table, verdict
from generate import generate, outline

from fz_lsp.analysis import analyze_text
from fz_lsp.features import facts, semantic_tokens
from fz_lsp.features.formatting import format_text
from fz_lsp.syntax.document import SourceText

BUDGETS = {"tokens_full_ms": 50.0, "tokens_delta_ms": 10.0, "formatting_ms": 200.0, "rename_ms": 50.0}


def timed(function: Any, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def in_process_tokens(text: str, runs: int) -> tuple[list[float], list[float]]:
    """Warm memo (what the server does per request) and cold memo (the naive full tokenisation)."""
    source = SourceText(text)
    dangling = facts.dangling_node_ids(analyze_text(text))

    def encode() -> None:
        semantic_tokens.encode(source.lines, source.statements, dangling, "utf-16")

    encode()
    warm = timed(encode, runs)
    cold = []
    for _ in range(runs):
        semantic_tokens._memos.clear()
        cold += timed(encode, 1)
    return warm, cold


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    text = generate(args.lines, seed=args.seed)
    clean = check_clean(text, f"generated-{args.lines}")
    found = outline(text)
    rng = random.Random(args.seed)
    warm, cold = in_process_tokens(text, args.runs)
    format_samples = timed(lambda: format_text(text), max(3, args.runs // 3))
    folder = Path(tempfile.mkdtemp(prefix="fz-bench-reshape-"))
    client, _ = start_server(folder)
    try:
        uri = (folder / "big.fz").as_uri()
        did_open(client, uri, text)
        document = OpenDocument(client, uri, text)
        ident = {"textDocument": {"uri": uri}}
        full = []
        result_id = ""
        for _ in range(args.runs):
            latency, size, result = client.request("textDocument/semanticTokens/full", ident)
            full.append(latency)
            result_id = result["resultId"]
        token_bytes = size
        delta, delta_full = [], []
        labels = [site for site in found.labels][: args.runs * 2]
        rng.shuffle(labels)
        for site in labels[: args.runs]:
            line = site.line
            column = site.start + 1
            document.change((line, column), (line, column), "x", full=False)
            latency, _, result = client.request(
                "textDocument/semanticTokens/full/delta", {**ident, "previousResultId": result_id}
            )
            assert "edits" in result, "the server answered a delta request with full tokens"
            delta.append(latency)
            result_id = result["resultId"]
            document.change((line, column), (line, column + 1), "", full=False)
            latency, _, result = client.request("textDocument/semanticTokens/full", ident)
            delta_full.append(latency)
            result_id = result["resultId"]
        formatting = []
        format_edits = 0
        for _ in range(max(3, args.runs // 3)):
            latency, _, result = client.request(
                "textDocument/formatting", {**ident, "options": {"tabSize": 2, "insertSpaces": True}}
            )
            formatting.append(latency)
            format_edits = len(result or [])
        rename, references = [], []
        edges = found.edges[: args.runs]
        for edge in edges:
            position = {"line": edge.line, "character": edge.target_start + 1}
            latency, _, result = client.request(
                "textDocument/rename", {**ident, "position": position, "newName": f"n{10**6}"}
            )
            rename.append(latency)
            latency, _, _ = client.request(
                "textDocument/references", {**ident, "position": position, "context": {"includeDeclaration": True}}
            )
            references.append(latency)
    finally:
        client.close()
    measured = {
        "tokens_full_ms": summary(full),
        "tokens_delta_ms": summary(delta),
        "tokens_full_after_edit_ms": summary(delta_full),
        "tokens_in_process_warm_ms": summary(warm),
        "tokens_in_process_cold_ms": summary(cold),
        "formatting_ms": summary(formatting),
        "formatting_in_process_from_text_ms": summary(format_samples),
        "rename_ms": summary(rename),
        "references_ms": summary(references),
    }
    return {
        "benchmark": "bench_reshape",
        "lines": args.lines,
        "clean": clean,
        "token_response_bytes": token_bytes,
        "formatting_edits": format_edits,
        "measured": measured,
        "ratios": {
            "tokens_cold_over_warm_in_process": ratio(
                median_of(measured["tokens_in_process_cold_ms"]), median_of(measured["tokens_in_process_warm_ms"])
            ),
            "tokens_full_over_delta": ratio(
                median_of(measured["tokens_full_after_edit_ms"]), median_of(measured["tokens_delta_ms"])
            ),
            "rename_over_references": ratio(median_of(measured["rename_ms"]), median_of(measured["references_ms"])),
        },
        "budgets": BUDGETS,
        "environment": environment(),
        "wall_time_s": round(time.perf_counter() - started, 1),
    }


def report(data: dict[str, Any]) -> str:
    m = data["measured"]
    r = data["ratios"]

    def cell(key: str) -> str:
        return fmt_ms(median_of(m[key]))

    rows = [
        [
            "semantic tokens full, end to end",
            cell("tokens_full_ms"),
            f"tokenising with a cold memo, in process: {cell('tokens_in_process_cold_ms')} "
            f"(warm {cell('tokens_in_process_warm_ms')}, {fmt_ratio(r['tokens_cold_over_warm_in_process'])})",
            verdict(median_of(m["tokens_full_ms"]), BUDGETS["tokens_full_ms"]),
        ],
        [
            "semantic tokens delta after a one-line edit",
            cell("tokens_delta_ms"),
            f"full tokens after the same edit: {cell('tokens_full_after_edit_ms')} "
            f"({fmt_ratio(r['tokens_full_over_delta'])})",
            verdict(median_of(m["tokens_delta_ms"]), BUDGETS["tokens_delta_ms"]),
        ],
        [
            "formatting (every line re-indented)",
            cell("formatting_ms"),
            f"from text, in process: {cell('formatting_in_process_from_text_ms')}",
            verdict(median_of(m["formatting_ms"]), BUDGETS["formatting_ms"]),
        ],
        [
            "rename a node",
            cell("rename_ms"),
            f"references for it: {cell('references_ms')} ({fmt_ratio(r['rename_over_references'])})",
            verdict(median_of(m["rename_ms"]), BUDGETS["rename_ms"]),
        ],
    ]
    head = (
        f"Reshaping at {data['lines']} lines (medians; token response {data['token_response_bytes']} bytes, "
        f"formatting {data['formatting_edits']} edits; load average {data['environment'].get('load_average')})"
    )
    return head + "\n\n" + table(["what", "median", "baseline in the same run", "budget"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the JSON here instead of benchmarks/results/")
    args = parser.parse_args(argv)
    data = run(args)
    return publish(data, args.json, "bench_reshape", report(data))


if __name__ == "__main__":
    raise SystemExit(main())
