"""`fz-lsp` command line: `fz-lsp check PATH...` for CI, and the language server.

Why this file is longer than 400 lines: `check` takes ruff-like options (select, ignore,
exclude, force-exclude, output formats, jobs, warnings as errors, fix and diff), and the
option parsing, the settings each file resolves to and the report share one record of
the run. What is not the checker lives apart: `fix_command.py` (fixing),
`render_commands.py` (render, export), `rewrite.py` (format, renumber), `preview/`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from fz_lsp import __version__, preview, render_commands, rewrite
from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.config import ConfigError, Settings, load_settings
from fz_lsp.analysis.diagnostics import RULES, Diagnostic, Severity
from fz_lsp.files import DEFAULT_EXCLUDE, Exclusion, Unreadable, decode_diagram, excluded, read_diagram, search
from fz_lsp.fixing import changes, shown, shown_by

FORMATS = ("text", "json", "sarif", "github")
PARALLEL_THRESHOLD = 32  # files; below this, process start-up costs more than it saves
INFO_URI = "https://flowzap.xyz"
WAITING = (
    "fz-lsp: waiting for a language client on stdin (this is the language server; editors start it).\n"
    "To check files instead: fz-lsp check PATH...   (fz-lsp --help for more; Ctrl-D to quit)"
)


@dataclass(frozen=True)
class Reported:
    """A diagnostic in a file, with the severity in force there."""

    path: str
    severity: Severity
    diagnostic: Diagnostic


@dataclass(frozen=True)
class FileResult:
    path: str
    reported: tuple[Reported, ...]
    failure: str | None = None  # why the file could not be checked


def enable(settings: Settings, codes: frozenset[str]) -> Settings:
    """Codes named by `--select` are on, as ruff does it: one whose severity is `off` reports as a warning."""
    switched = {code: Severity.WARNING for code in codes if settings.severity(code) is Severity.OFF}
    return replace(settings, severities={**settings.severities, **switched}) if switched else settings


def check_text(
    text: str, path: str, settings: Settings, selected: frozenset[str], enabled: frozenset[str] = frozenset()
) -> FileResult:
    """Check one text; `enabled` are the codes `--select` named, on even when their severity is `off`."""
    settings = enable(settings, enabled)
    found = shown(analyze_text(text), shown_by(settings, selected))
    return FileResult(path, tuple(Reported(path, settings.severity(d.code), d) for d in found))


Job = tuple[str, frozenset[str], frozenset[str]]  # a path, the codes shown, the codes `--select` named


def check_file(job: Job) -> FileResult:
    """Check one file; every failure becomes a message, never an exception."""
    path, selected, enabled = job
    try:
        text = read_diagram(Path(path))
        settings = load_settings(Path(path))
    except (Unreadable, ConfigError) as error:
        return FileResult(path, (), str(error))
    return check_text(text, path, settings, selected, enabled)


def collect(
    paths: Sequence[str], errors: list[str], exclude: Sequence[str] = (), force_exclude: bool = False
) -> list[str]:
    """Files to check, in a stable order; missing paths and empty folders become errors.

    Folders are searched for `*.fz`, skipping what `exclude` (globs relative to the current
    folder) or the `exclude` setting of the governing config file matches. Paths named here
    are checked even when an exclusion matches them, unless `force_exclude` (as pre-commit
    names every changed file, the exclusions must apply to those too).
    """
    found: list[str] = []
    command_line: Exclusion = (Path.cwd().resolve(), (*DEFAULT_EXCLUDE, *exclude))
    cache: dict[Path, Exclusion | None] = {}
    for raw in paths:
        if raw == "-":
            found.append("-")
            continue
        path = Path(raw)
        if path.is_dir():
            files = search(path, command_line, cache)
            if not files:
                errors.append(f"{raw}: no .fz files in this folder")
            found.extend(files)
        elif path.exists():
            if not (force_exclude and excluded(path, command_line, cache)):
                found.append(raw)
        else:
            errors.append(f"{raw}: no such file or folder")
    return found


def _run_checks(
    files: list[str], selected: frozenset[str], enabled: frozenset[str], jobs: int, progress: TextIO | None
) -> list[FileResult]:
    results: list[FileResult] = []
    work = [(f, selected, enabled) for f in files if f != "-"]
    total = len(files)

    def tick(done: int) -> None:
        if progress is not None:
            progress.write(f"\rchecking {done}/{total} files")
            progress.flush()

    if "-" in files:
        data = sys.stdin.buffer.read()
        try:
            text = decode_diagram(data, "<stdin>")
            results.append(check_text(text, "<stdin>", load_settings(Path.cwd()), selected, enabled))
        except (Unreadable, ConfigError) as error:
            results.append(FileResult("<stdin>", (), str(error)))
    if jobs > 1 and len(work) >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for done, result in enumerate(pool.map(check_file, work, chunksize=8), start=1):
                results.append(result)
                tick(done)
    else:
        for done, job in enumerate(work, start=1):
            results.append(check_file(job))
            tick(done)
    if progress is not None:
        progress.write("\r" + " " * 40 + "\r")
        progress.flush()
    return results


# --- output formats -----------------------------------------------------------------------

_WORDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info", Severity.HINT: "hint"}


def _location(item: Reported) -> dict[str, int]:
    d = item.diagnostic
    return {"line": d.line + 1, "column": d.start + 1, "endLine": d.line + 1, "endColumn": d.end + 1}


def format_text(items: Iterable[Reported]) -> list[str]:
    return [
        f"{i.path}:{i.diagnostic.line + 1}:{i.diagnostic.start + 1}: {_WORDS[i.severity]} "
        f"{i.diagnostic.code} {i.diagnostic.message}"
        for i in items
    ]


def format_json(items: list[Reported], summary: dict[str, int], failures: list[str]) -> str:
    records: list[dict[str, Any]] = []
    for item in items:
        d = item.diagnostic
        record: dict[str, Any] = {
            "path": item.path,
            **_location(item),
            "severity": _WORDS[item.severity],
            "code": d.code,
            "message": d.message,
        }
        if d.related:
            record["related"] = [
                {"line": r.line + 1, "column": r.start + 1, "endColumn": r.end + 1, "message": r.message}
                for r in d.related
            ]
        if d.fix is not None:
            record["fix"] = {
                "title": d.fix.title,
                "replacements": [
                    {"line": c.line + 1, "column": c.start + 1, "endColumn": c.end + 1, "newText": c.new_text}
                    for c in changes(d)
                ],
            }
        records.append(record)
    return json.dumps({"diagnostics": records, "errors": failures, "summary": summary}, ensure_ascii=False, indent=2)


_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}


def _artifact(path: str) -> dict[str, str]:
    if path == "<stdin>":
        return {"uri": "stdin"}
    candidate = Path(path)
    if candidate.is_absolute():
        return {"uri": candidate.as_uri()}
    return {"uri": candidate.as_posix(), "uriBaseId": "%SRCROOT%"}


def format_sarif(items: list[Reported]) -> str:
    codes = list(RULES)
    rules = [
        {
            "id": rule.code,
            "name": rule.title,
            "shortDescription": {"text": rule.title},
            "defaultConfiguration": {
                "level": _SARIF_LEVELS.get(rule.severity, "none"),
                "enabled": rule.severity is not Severity.OFF,
            },
            "helpUri": INFO_URI,
        }
        for rule in RULES.values()
    ]
    results = []
    for item in items:
        d = item.diagnostic
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": codes.index(d.code),
            "level": _SARIF_LEVELS[item.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(item.path),
                        "region": {
                            "startLine": d.line + 1,
                            "startColumn": d.start + 1,
                            "endLine": d.line + 1,
                            "endColumn": d.end + 1,
                        },
                    }
                }
            ],
        }
        if d.related:
            result["relatedLocations"] = [
                {
                    "id": n,
                    "message": {"text": r.message},
                    "physicalLocation": {
                        "artifactLocation": _artifact(item.path),
                        "region": {"startLine": r.line + 1, "startColumn": r.start + 1, "endColumn": r.end + 1},
                    },
                }
                for n, r in enumerate(d.related)
            ]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {"name": "fz-lsp", "version": __version__, "informationUri": INFO_URI, "rules": rules}
                },
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.HINT: "notice",
}


def format_github(items: Iterable[Reported]) -> list[str]:
    lines = []
    for item in items:
        d = item.diagnostic
        properties = (
            f"file={_escape_property(item.path)},line={d.line + 1},endLine={d.line + 1},"
            f"col={d.start + 1},endColumn={d.end + 1},title={_escape_property(d.code)}"
        )
        lines.append(f"::{_GITHUB_COMMANDS[item.severity]} {properties}::{_escape_data(d.code + ' ' + d.message)}")
    return lines


# --- the command --------------------------------------------------------------------------


def _codes(value: str) -> frozenset[str]:
    codes = frozenset(c.strip().upper() for c in value.split(",") if c.strip())
    unknown = sorted(c for c in codes if c not in RULES and not any(r.startswith(c) for r in RULES))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown code {', '.join(unknown)}; codes run FZ001 to FZ505")
    return frozenset(r for r in RULES if any(r.startswith(c) for c in codes))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fz-lsp",
        description="Language server and checker for FlowZap Code (.fz). Without a command, runs the server.",
    )
    parser.add_argument("--version", action="version", version=f"fz-lsp {__version__}")
    parser.add_argument("--stdio", action="store_true", help="serve over stdin/stdout (the default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="serve over TCP instead of stdio")
    commands = parser.add_subparsers(dest="command")
    check = commands.add_parser("check", help="check .fz files and report diagnostics")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (searched for *.fz) or - for stdin")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--select", type=_codes, help="only these codes or prefixes, comma-separated (FZ1,FZ203)")
    check.add_argument("--ignore", type=_codes, default=frozenset(), help="skip these codes or prefixes")
    check.add_argument("--warnings-as-errors", action="store_true", help="exit 1 on warnings too")
    check.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip matching files and folders when searching folders (adds to the config's `exclude`); "
        "a glob with `/` is relative to the current folder, one without matches any name",
    )
    check.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the exclusions to files named on the command line too (for pre-commit, which names them)",
    )
    check.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel processes for large trees")
    check.add_argument("--no-progress", action="store_true", help="no progress indicator, even on a terminal")
    check.add_argument("--fix", action="store_true", help="make every safe fix in place, then report what remains")
    check.add_argument("--diff", action="store_true", help="show what --fix would change as a diff; write nothing")
    rewrite.add_commands(commands)
    render_commands.add_commands(commands)
    preview.add_parser(commands)
    return parser


def _write(stream: TextIO, text: str) -> None:
    data = (text + "\n").encode(stream.encoding or "utf-8", errors="replace")
    stream.buffer.write(data) if hasattr(stream, "buffer") else stream.write(data.decode("utf-8", "replace"))


def distinct_failures(failures: Iterable[str]) -> list[str]:
    """Each failure once: a broken settings file fails every file under it with the same message."""
    counts = Counter(failures)
    return [
        f"{failure} ({counts[failure]} files not checked)" if counts[failure] > 1 else failure for failure in counts
    ]


def run_check(args: argparse.Namespace) -> int:
    failures: list[str] = []
    files = collect(args.paths, failures, args.exclude, args.force_exclude)
    selected = (args.select or frozenset(RULES)) - args.ignore
    enabled = selected if args.select else frozenset()
    show_progress = not args.no_progress and sys.stderr.isatty() and len(files) > 10
    results = _run_checks(files, selected, enabled, max(1, args.jobs), sys.stderr if show_progress else None)
    results.sort(key=lambda r: r.path)
    items = [item for result in results for item in result.reported]
    failures = distinct_failures([*failures, *(result.failure for result in results if result.failure)])
    counts = {severity: 0 for severity in _WORDS}
    for item in items:
        counts[item.severity] += 1
    summary = {
        "files": len(results),
        "errors": counts[Severity.ERROR],
        "warnings": counts[Severity.WARNING],
        "infos": counts[Severity.INFO],
        "hints": counts[Severity.HINT],
        "unreadable": len(failures),
    }
    for failure in failures:
        _write(sys.stderr, f"fz-lsp: {failure}")
    if args.format == "text":
        for line in format_text(items):
            _write(sys.stdout, line)
    elif args.format == "github":
        for line in format_github(items):
            _write(sys.stdout, line)
    elif args.format == "json":
        _write(sys.stdout, format_json(items, summary, failures))
    else:
        _write(sys.stdout, format_sarif(items))
    line = (
        f"Checked {summary['files']} file{'s' if summary['files'] != 1 else ''}: "
        f"{summary['errors']} error{'s' if summary['errors'] != 1 else ''}, "
        f"{summary['warnings']} warning{'s' if summary['warnings'] != 1 else ''}"
        + (f", {other} other" if (other := summary["infos"] + summary["hints"]) else "")
        + (f"; {len(failures)} could not be checked" if failures else "")
    )
    _write(sys.stdout if args.format in ("text", "github") else sys.stderr, line)
    if failures:
        return 2
    if summary["errors"] or (args.warnings_as_errors and summary["warnings"]):
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        status = _main(argv)
        if not sys.stdout.closed:  # the server closes it on `exit`
            sys.stdout.flush()  # inside the `try`: a closed pipe found at exit would print a traceback
        return status
    except BrokenPipeError:
        # The reader went away (`fz-lsp check . | head -1`): stop quietly, as ruff and grep do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "check":
        try:
            if args.fix or args.diff:
                from fz_lsp.fix_command import run_fix  # imports this module: loaded only when asked for

                return run_fix(args)
            return run_check(args)
        except KeyboardInterrupt:
            return 130
    if args.command == "format":
        return rewrite.run_format(args)
    if args.command in render_commands.COMMANDS:
        return render_commands.run_command(args)
    if args.command == "renumber":
        return rewrite.run_renumber(args)
    if args.command == "preview":
        return preview.run(args)
    if not args.tcp and sys.stdin.isatty():
        _write(sys.stderr, WAITING)
    from fz_lsp.server import serve  # the server's imports are heavy; the checker does not need them

    return serve(args.tcp)


if __name__ == "__main__":
    sys.exit(main())
