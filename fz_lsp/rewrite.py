"""`fz-lsp format` and `fz-lsp renumber`: rewriting files in place, with ruff's conventions.

Exit status: 0 when nothing needed changing (or everything was written), 1 when
`--check` or `--diff` found a file that would change, 2 when a file could not be
read or rewritten (a syntax error; for renumbering also duplicate IDs or
undeclared references; not UTF-8 text).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fz_lsp.features.formatting import FormatRefused, format_text  # no LSP types: lsprotocol loads lazily
from fz_lsp.features.options import DEFAULT_INDENT
from fz_lsp.features.renumber import RenumberBlocked, renumber_text


class Refused(Exception):
    """A file that cannot be rewritten; the message says why and where."""


def add_commands(commands: Any) -> None:
    """Add `format` and `renumber` to the `fz-lsp` subcommands."""
    fmt = commands.add_parser("format", help="format .fz files in place (one canonical layout)")
    fmt.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (searched for *.fz) or - for stdin")
    fmt.add_argument("--indent", type=int, default=DEFAULT_INDENT, help="spaces before statements in a lane")
    _common(fmt)
    renumber = commands.add_parser("renumber", help="renumber node IDs to n1..nN, keeping their numeric order")
    renumber.add_argument("paths", nargs="+", metavar="FILE", help="files, folders (searched for *.fz) or - for stdin")
    _common(renumber)


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    command.add_argument("--diff", action="store_true", help="write nothing; print the changes; exit 1 if any")


def _write(stream: Any, text: str) -> None:
    data = text.encode(getattr(stream, "encoding", None) or "utf-8", errors="replace")
    if hasattr(stream, "buffer"):
        stream.buffer.write(data)
        stream.flush()
    else:
        stream.write(data.decode("utf-8", "replace"))


def _read(path: str) -> str:
    """The file's text, a byte-order mark kept (it is written back as it was)."""
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refused(f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})") from None
    return text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def run(args: argparse.Namespace, rewrite: Callable[[str], str], verb: str) -> int:
    """Rewrite every file named (folders searched like `check`), then say what happened."""
    from fz_lsp.cli import collect  # the checker's folder search, exclusions included

    failures: list[str] = []
    files = collect(args.paths, failures)
    changed: list[str] = []
    unchanged = 0
    for path in files:
        try:
            text = _read(path)
            result = rewrite(text)
        except OSError as error:
            failures.append(f"{path}: cannot read: {error.strerror or error}")
            continue
        except (Refused, FormatRefused, RenumberBlocked) as error:
            failures.append(f"{path}: {error}")
            continue
        if result == text:
            unchanged += 1
            if path == "-" and not (args.check or args.diff):
                _write(sys.stdout, text)
            continue
        changed.append(path)
        if args.diff:
            name = "stdin" if path == "-" else path
            diff = difflib.unified_diff(text.splitlines(keepends=True), result.splitlines(keepends=True), name, name)
            _write(sys.stdout, "".join(line if line.endswith("\n") else line + "\n" for line in diff))
        elif args.check:
            _write(sys.stdout, f"Would {verb}: {path}\n")
        elif path == "-":
            _write(sys.stdout, result)
        else:
            try:
                Path(path).write_bytes(result.encode("utf-8"))
            except OSError as error:
                failures.append(f"{path}: cannot write: {error.strerror or error}")
                changed.pop()
    for failure in failures:
        _write(sys.stderr, f"error: {failure}\n")
    dry = args.check or args.diff
    past = {"reformat": "reformatted", "renumber": "renumbered"}[verb]
    already = "already formatted" if verb == "reformat" else "already numbered"
    summary = [
        f"{_plural(len(changed), 'file')} {'would be ' + past if dry else past}",
        f"{_plural(unchanged, 'file')} {already if dry else 'left unchanged'}",
    ]
    if "-" not in files:
        _write(sys.stdout if not args.diff else sys.stderr, ", ".join(summary) + "\n")
    if failures:
        return 2
    return 1 if dry and changed else 0


def run_format(args: argparse.Namespace) -> int:
    indent = max(0, args.indent)
    return run(args, lambda text: format_text(text, indent), "reformat")


def run_renumber(args: argparse.Namespace) -> int:
    return run(args, renumber_text, "renumber")
