"""`fz-lsp check --fix` and `--diff`: every safe fix made to the files checked, or shown.

`--fix` rewrites each file in place (atomically, keeping its line endings and byte-order
mark), prints one line per fix made, then checks the result as `fz-lsp check` would: the
report and the exit code are those of the fixed files. `--diff` prints what `--fix` would
change as a unified diff and writes nothing; its exit code is also that of the result.
A file that cannot be read or fixed is reported and the others are still fixed.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
from pathlib import Path

from fz_lsp.analysis.config import ConfigError, Settings, load_settings
from fz_lsp.analysis.diagnostics import RULES, Severity
from fz_lsp.cli import _write, check_text, collect, enable, run_check
from fz_lsp.files import Unreadable, decode_diagram
from fz_lsp.fixing import Applied, fix_all, shown_by

BOM = "\ufeff"


def _fixed(
    text: str, path: Path, selected: frozenset[str], enabled: frozenset[str]
) -> tuple[str, list[Applied], Settings]:
    settings = enable(load_settings(path), enabled)
    fixed, applied = fix_all(text, shown_by(settings, selected))
    return fixed, applied, settings


def _write_atomically(path: Path, text: str) -> None:
    """Replace the file's content in one step: a crash leaves the old file or the new one."""
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read(path: str) -> tuple[str, bool]:
    """The file's text without a byte-order mark, and whether it had one."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise Unreadable(f"{path}: cannot read: {error.strerror or error}") from None
    return decode_diagram(data, path), data.startswith(BOM.encode("utf-8"))


def _diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


def _fix_line(path: str, applied: Applied) -> str:
    return f"{path}:{applied.line + 1}:{applied.start + 1}: fixed {applied.code} {applied.title}"


def run_fix(args: argparse.Namespace) -> int:
    """`check --fix` (or `--diff`): fix, say what changed, then report on the result."""
    selected = (args.select or frozenset(RULES)) - args.ignore
    enabled = args.select or frozenset()  # `--select` switches on codes that are off, as in the check
    report = sys.stdout if args.format in ("text", "github") and not args.diff else sys.stderr
    failures: list[str] = []
    files = collect(args.paths, failures, args.exclude)
    if "-" in files:
        return _fix_stdin(args, selected, enabled)
    made = 0
    changed = 0
    remaining = {"errors": 0, "warnings": 0}
    for path in files:
        try:
            text, bom = _read(path)
            fixed, applied, settings = _fixed(text, Path(path), selected, enabled)
        except (Unreadable, ConfigError) as error:
            failures.append(str(error))
            continue
        if args.diff:
            if applied:
                _write(sys.stdout, _diff(path, text, fixed).rstrip("\n"))
            result = check_text(fixed, path, settings, selected)
            for reported in result.reported:
                if reported.severity is Severity.ERROR:
                    remaining["errors"] += 1
                elif reported.severity is Severity.WARNING:
                    remaining["warnings"] += 1
        elif applied:
            try:
                _write_atomically(Path(path), (BOM if bom else "") + fixed)
            except OSError as error:
                failures.append(f"{path}: cannot write: {error.strerror or error}")
                continue
            for item in applied:
                _write(report, _fix_line(path, item))
        made += len(applied)
        changed += 1 if applied else 0
    files_word = f"{changed} file{'s' if changed != 1 else ''}"
    fixes_word = f"{made} fix{'es' if made != 1 else ''}"
    if args.diff:
        for failure in failures:
            _write(sys.stderr, f"fz-lsp: {failure}")
        _write(
            sys.stderr,
            f"Would make {fixes_word} in {files_word}; then {remaining['errors']} error"
            f"{'s' if remaining['errors'] != 1 else ''}, {remaining['warnings']} warning"
            f"{'s' if remaining['warnings'] != 1 else ''} would remain",
        )
        if failures:
            return 2
        return 1 if remaining["errors"] or (args.warnings_as_errors and remaining["warnings"]) else 0
    _write(report, f"Made {fixes_word} in {files_word}")
    # Unreadable files are reported by the check of the result, once.
    return run_check(args)


def _fix_stdin(args: argparse.Namespace, selected: frozenset[str], enabled: frozenset[str]) -> int:
    """`-` alone: the fixed text (or the diff) goes to standard output, the report to standard error."""
    if args.paths != ["-"]:
        _write(sys.stderr, "fz-lsp: --fix and --diff read standard input only when `-` is the only path")
        return 2
    try:
        text = decode_diagram(sys.stdin.buffer.read(), "<stdin>")
        settings = enable(load_settings(Path.cwd()), enabled)
    except (Unreadable, ConfigError) as error:
        _write(sys.stderr, f"fz-lsp: {error}")
        return 2
    fixed, applied = fix_all(text, shown_by(settings, selected))
    if args.diff:
        if applied:
            _write(sys.stdout, _diff("<stdin>", text, fixed).rstrip("\n"))
    else:
        sys.stdout.write(fixed)
        sys.stdout.flush()
        for item in applied:
            _write(sys.stderr, _fix_line("<stdin>", item))
    result = check_text(fixed, "<stdin>", settings, selected)
    errors = sum(1 for item in result.reported if item.severity is Severity.ERROR)
    warnings = sum(1 for item in result.reported if item.severity is Severity.WARNING)
    fixes = f"{len(applied)} fix{'es' if len(applied) != 1 else ''}"
    left = f"{errors} error{'s' if errors != 1 else ''}"
    _write(sys.stderr, f"Would make {fixes}; then {left} would remain" if args.diff else f"Made {fixes}; {left} remain")
    return 1 if errors or (args.warnings_as_errors and warnings) else 0
