"""What both benchmarks share: statistics, tables, JSON output, the clean-document check."""

from __future__ import annotations

import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generate import Outline

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"


def summary(samples_ms: Sequence[float]) -> dict[str, Any]:
    """Median and spread of timings in milliseconds (empty when nothing was measured)."""
    if not samples_ms:
        return {"n": 0}
    ordered = sorted(samples_ms)

    def rank(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 3),
        "p10_ms": round(rank(0.1), 3),
        "p90_ms": round(rank(0.9), 3),
        "min_ms": round(ordered[0], 3),
        "max_ms": round(ordered[-1], 3),
    }


def median_of(stats: dict[str, Any]) -> float | None:
    value = stats.get("median_ms")
    return float(value) if value is not None else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 2)


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}x" if value >= 10 else f"{value:.2f}x"


def fmt_mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} MB"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table, padded so that it also reads well in a terminal."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join([line(headers), "| " + " | ".join("-" * w for w in widths) + " |", *map(line, rows)])


def verdict(value: float | None, budget: float) -> str:
    if value is None:
        return "not measured"
    return "ok" if value <= budget else "MISSED"


def rss_mb(pid: int | str = "self") -> dict[str, float]:
    """Current and peak resident memory of a process, from /proc (Linux)."""
    found: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = round(int(rest.split()[0]) / 1024, 1)  # kB
    except OSError:
        pass
    return found


def git_revision() -> str | None:
    """The checked-out commit (read only), marked `+dirty` when the tree has changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


def environment() -> dict[str, Any]:
    import fz_lsp

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in load] if load else None,
        "fz_lsp": fz_lsp.__version__,
        "revision": git_revision(),
    }


def check_clean(text: str, name: str) -> dict[str, Any]:
    """Run `fz-lsp check` on a generated document; it must exit 0 with no errors."""
    with tempfile.TemporaryDirectory(prefix="fz-bench-") as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "fz_lsp", "check", "--format", "json", "--no-progress", str(path)],
            capture_output=True,
            text=True,
            encoding="utf-8",
        )
    try:
        report = json.loads(done.stdout)
        counts = report.get("summary", report) if isinstance(report, dict) else {}
    except json.JSONDecodeError:
        counts = {}
    if done.returncode != 0 or counts.get("errors", 0) != 0:
        raise SystemExit(
            f"generated document {name} does not check clean (exit {done.returncode}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return {"exit": done.returncode, **{k: counts[k] for k in ("errors", "warnings") if k in counts}}


def save_json(data: dict[str, Any], path: str | None, stem: str) -> Path:
    """Write the results to `path`, or to benchmarks/results/<stem>-<time>.json."""
    if path is None:
        RESULTS_DIR.mkdir(exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = RESULTS_DIR / f"{stem}-{stamp}.json"
    else:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def parse_sizes(value: str) -> list[int]:
    sizes = []
    for part in value.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        sizes.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    if not sizes:
        raise ValueError("no sizes given")
    return sizes


# --- realistic one-line edits of a generated document ------------------------------------


@dataclass(frozen=True)
class Edit:
    """Replace columns start..end of `line` by `text`; the revert puts the old text back."""

    kind: str
    line: int
    start: int
    end: int
    text: str
    revert_start: tuple[int, int]
    revert_end: tuple[int, int]
    revert_text: str

    @property
    def range(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return (self.line, self.start), (self.line, self.end)


def reference_edits(found: Outline, count: int, rng: random.Random) -> list[Edit]:
    """Point edge targets at another node of the same lane: the references change, the file stays valid."""
    drawn = {(e.source, e.target) for e in found.edges}
    edits: list[Edit] = []
    for edge in rng.sample(found.edges, len(found.edges)):
        lane = edge.target_lane or found.lane_of[edge.source]
        choices = [
            n for n in found.nodes_of[lane] if n not in (edge.source, edge.target) and (edge.source, n) not in drawn
        ]
        if not choices:
            continue
        new = f"n{rng.choice(choices)}"
        old = f"n{edge.target}"
        start = edge.target_start
        edits.append(
            Edit(
                "reference",
                edge.line,
                start,
                edge.target_end,
                new,
                (edge.line, start),
                (edge.line, start + len(new)),
                old,
            )
        )
        if len(edits) == count:
            break
    return edits


def label_edits(found: Outline, count: int, rng: random.Random) -> list[Edit]:
    """Type one character at the end of a node's label."""
    edits = []
    for index, site in enumerate(rng.sample(found.labels, min(count, len(found.labels)))):
        char = "abcdefghijklmnopqrstuvwxyz"[index % 26]
        edits.append(
            Edit("label", site.line, site.end, site.end, char, (site.line, site.end), (site.line, site.end + 1), "")
        )
    return edits


def insert_edits(found: Outline, count: int, rng: random.Random) -> list[Edit]:
    """Insert a whole new edge line inside a lane (every later line moves down)."""
    drawn = {(e.source, e.target) for e in found.edges}
    edits = []
    for edge in rng.sample(found.edges, len(found.edges)):
        lane = found.nodes_of[found.lane_of[edge.source]]
        a, b = rng.sample(lane, 2)
        if (a, b) in drawn:
            continue
        drawn.add((a, b))
        text = f"n{a}.handle(right) -> n{b}.handle(left)\n"
        edits.append(Edit("insert", edge.line, 0, 0, text, (edge.line, 0), (edge.line + 1, 0), ""))
        if len(edits) == count:
            break
    return edits


def short_path(filename: str) -> str:
    """A profiled function's file, from the package it belongs to."""
    for marker in ("/fz_lsp/", "/pygls/", "/lsprotocol/", "/cattrs/", "/lark/", "/json/", "/benchmarks/"):
        if marker in filename:
            return marker.strip("/") + "/" + filename.split(marker, 1)[1]
    return filename.rsplit("/", 1)[-1]


def publish(data: dict[str, Any], path: str | None, stem: str, text: str) -> int:
    """Save the JSON, print the table and the JSON, and say where it went."""
    saved = save_json(data, path, stem)
    print()
    print(text)
    print()
    print(json.dumps(data, indent=2, ensure_ascii=False))
    print(f"\nwritten to {saved} in {data['wall_time_s']} s", file=sys.stderr)
    return 0
