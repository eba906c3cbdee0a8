"""Typing soak: minutes of keystrokes at a steady rate, completion on every key, against the real server.

    .venv/bin/python benchmarks/soak.py                        # 10 minutes, 30 keys/s, 5,000 lines
    .venv/bin/python benchmarks/soak.py --minutes 1 --json out.json

A generated 5,000-line document is opened with the editor defaults (debounce 150 ms,
max wait 1,000 ms). Then, in a loop: a new edge line is inserted in a lane and typed
character by character (`n12.handle(right) -> n13.handle(left)`), with a completion
request at the cursor after each key; the line is deleted again and the next one typed
elsewhere. Keys are paced at `--rate` per second (if the server falls behind, the pace
drops and the report says so). Reported: completion latency p50/p99/max per minute and
overall, the longest gap between two diagnostics publishes while typing, and the
server's RSS sampled every 10 s (growth over the run's last 8 minutes, the budget being
<= 10 MB once the first minute is over).
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_server import OpenDocument, did_open, start_server
from benchlib import environment, fmt_mb, fmt_ms, publish, rss_mb, table
from generate import generate, outline

URI = "file:///soak/typing.fz"


def percentile(samples: list[float], q: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def soak(minutes: float, rate: float, lines: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    text = generate(lines, seed)
    found = outline(text)
    with tempfile.TemporaryDirectory() as scratch:
        client, _ = start_server(Path(scratch))
        # The editor defaults, not the benchmarks' debounce 0.
        client.notify("workspace/didChangeConfiguration", {"settings": {"fz-lsp": {}}})
        try:
            did_open(client, URI, text)
            document = OpenDocument(client, URI, text)
            publishes: list[float] = []
            completions: list[tuple[float, float]] = []  # (time since start, latency ms)
            rss: list[tuple[float, float]] = []
            started = time.perf_counter()
            end = started + minutes * 60
            next_key = started
            next_rss = started
            keys = 0
            while time.perf_counter() < end:
                edge = rng.choice(found.edges)
                lane = found.nodes_of[found.lane_of[edge.source]]
                a, b = rng.sample(lane, 2)
                typed = f"n{a}.handle(right) -> n{b}.handle(left)"
                line = edge.line
                document.lines.insert(line, "")
                document.version += 1
                insert = {"range": _range(line, 0, line, 0), "text": "\n"}
                client.notify(
                    "textDocument/didChange",
                    {"textDocument": {"uri": URI, "version": document.version}, "contentChanges": [insert]},
                )
                for column, char in enumerate(typed):
                    now = time.perf_counter()
                    if now >= end:
                        break
                    if now < next_key:
                        time.sleep(next_key - now)
                    next_key = max(next_key + 1 / rate, time.perf_counter() - 1 / rate)
                    document.lines[line] += char
                    document.version += 1
                    key = {"range": _range(line, column, line, column), "text": char}
                    client.notify(
                        "textDocument/didChange",
                        {"textDocument": {"uri": URI, "version": document.version}, "contentChanges": [key]},
                    )
                    keys += 1
                    latency, _, _ = document.query("textDocument/completion", line, column + 1)
                    completions.append((time.perf_counter() - started, latency))
                    while not client.notifications.empty():
                        arrival, message = client.notifications.get_nowait()
                        if message.get("method") == "textDocument/publishDiagnostics":
                            publishes.append(arrival - started)
                    if time.perf_counter() >= next_rss:
                        rss.append((time.perf_counter() - started, rss_mb(client.process.pid).get("VmRSS", 0.0)))
                        next_rss += 10
                # Delete the typed line again.
                removed = {"range": _range(line, 0, line + 1, 0), "text": ""}
                del document.lines[line]
                document.version += 1
                client.notify(
                    "textDocument/didChange",
                    {"textDocument": {"uri": URI, "version": document.version}, "contentChanges": [removed]},
                )
            elapsed = time.perf_counter() - started
            rss.append((elapsed, rss_mb(client.process.pid).get("VmRSS", 0.0)))
        finally:
            client.close()
    latencies = [ms for _, ms in completions]
    gaps = [b - a for a, b in itertools.pairwise(publishes)]
    per_minute = []
    for minute in range(int(minutes + 0.999)):
        window = [ms for at, ms in completions if minute * 60 <= at < (minute + 1) * 60]
        per_minute.append(
            {
                "minute": minute + 1,
                "p50_ms": percentile(window, 0.5),
                "p99_ms": percentile(window, 0.99),
                "max_ms": max(window, default=None),
            }
        )
    late = [mb for at, mb in rss if at >= elapsed - 8 * 60 and at >= 60]
    return {
        "environment": environment(),
        "minutes": minutes,
        "rate_keys_per_s": rate,
        "keys": keys,
        "achieved_rate": round(keys / elapsed, 1),
        "completion": {
            "n": len(latencies),
            "p50_ms": percentile(latencies, 0.5),
            "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies, default=None),
            "mean_ms": statistics.fmean(latencies) if latencies else None,
        },
        "per_minute": per_minute,
        "publishes": len(publishes),
        "longest_publish_gap_s": round(max(gaps, default=0.0), 3),
        "rss_mb": [(round(at, 1), mb) for at, mb in rss],
        "rss_growth_last_8_min_mb": round(max(late) - min(late), 1) if late else None,
    }


def _range(line: int, column: int, end_line: int, end_column: int) -> dict[str, Any]:
    return {"start": {"line": line, "character": column}, "end": {"line": end_line, "character": end_column}}


def report(result: dict[str, Any]) -> str:
    completion = result["completion"]
    rows = [
        [str(m["minute"]), fmt_ms(m["p50_ms"]), fmt_ms(m["p99_ms"]), fmt_ms(m["max_ms"])] for m in result["per_minute"]
    ]
    rows.append(["all", fmt_ms(completion["p50_ms"]), fmt_ms(completion["p99_ms"]), fmt_ms(completion["max_ms"])])
    lines = [
        f"soak: {result['keys']} keys in {result['minutes']} min ({result['achieved_rate']} keys/s asked "
        f"{result['rate_keys_per_s']}), completion on each",
        table(["minute", "completion p50", "p99 (budget 50 ms)", "max (budget 250 ms)"], rows),
        f"diagnostics published {result['publishes']} times; longest gap {result['longest_publish_gap_s']} s",
        "RSS: " + ", ".join(f"{at:.0f}s {fmt_mb(mb)}" for at, mb in result["rss_mb"][::6]),
        f"RSS growth over the last 8 minutes: {fmt_mb(result['rss_growth_last_8_min_mb'])} (budget 10 MB)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=30.0, help="keys per second")
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="write the JSON here (default: a file under benchmarks/results)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = soak(args.minutes, args.rate, args.lines, args.seed)
    result["wall_time_s"] = round(time.perf_counter() - started, 1)
    result["command"] = " ".join(["benchmarks/soak.py", *(argv if argv is not None else sys.argv[1:])])
    return publish(result, args.json, "soak", report(result))


if __name__ == "__main__":
    sys.exit(main())
