"""`fz-lsp render` and `fz-lsp export`: the renderer on the command line.

    fz-lsp render FILE... [-o OUT] [--format svg|png|json] [--theme light|dark|print]
    fz-lsp export --to mermaid|dot FILE [-o OUT]

Files with errors still render what parses; their error lines go to stderr and the
exit status is 1. A file that cannot be read is reported and the others still
render (exit status 2). Outputs are written whole or not at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.config import ConfigError, load_settings
from fz_lsp.analysis.diagnostics import Severity
from fz_lsp.analysis.model import Model
from fz_lsp.files import Unreadable, decode_diagram, read_diagram

COMMANDS = ("render", "export")
RENDER_FORMATS = ("svg", "png", "json")
PNG_HINT = "PNG output needs the optional extra: pip install 'fz-lsp[png]'"


class RenderFailure(Exception):
    """A problem that stops one output (the message says which and why)."""


def add_commands(commands: Any) -> None:
    """Register `render` and `export` on the `fz-lsp` sub-command parser."""
    from fz_lsp.render import THEMES

    render = commands.add_parser("render", help="draw .fz files as SVG, PNG or layout JSON")
    render.add_argument("paths", nargs="+", metavar="FILE", help=".fz files, or - for stdin")
    render.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output file (one input) or folder (several inputs); without it one input goes to stdout "
        "and several are written beside their inputs",
    )
    render.add_argument(
        "--format", choices=RENDER_FORMATS, help="svg (default), png or json; taken from OUT's suffix when omitted"
    )
    render.add_argument("--theme", choices=THEMES, default="light", help="colours (default: light)")
    export = commands.add_parser("export", help="write a .fz file as a Mermaid or Graphviz DOT flowchart")
    export.add_argument("path", metavar="FILE", help="a .fz file, or - for stdin")
    export.add_argument("--to", choices=("mermaid", "dot"), required=True, help="the target language")
    export.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")


def run_command(args: argparse.Namespace) -> int:
    try:
        if args.command == "render":
            return _render(args)
        return _export(args)
    except KeyboardInterrupt:
        return 130


def _say(text: str) -> None:
    sys.stderr.buffer.write((text + "\n").encode("utf-8", "replace"))
    sys.stderr.flush()


def _read(path: str) -> tuple[str, str]:
    """(display name, text); raises Unreadable with a message naming the file."""
    if path == "-":
        return "<stdin>", decode_diagram(sys.stdin.buffer.read(), "<stdin>")
    candidate = Path(path)
    if candidate.is_dir():
        raise Unreadable(f"{path}: is a folder; name .fz files")
    if not candidate.exists():
        raise Unreadable(f"{path}: no such file")
    return path, read_diagram(candidate)


def _errors(model: Model, path: str) -> list[str]:
    """The error lines of a file, as `fz-lsp check` prints them (severities from its config file)."""
    try:
        settings = load_settings(Path(path) if path != "<stdin>" else Path.cwd())
    except ConfigError:
        settings = None
    lines = []
    for d in model.diagnostics:
        severity = settings.severity(d.code) if settings is not None else d.default_severity
        if severity is Severity.ERROR:
            lines.append(f"{path}:{d.line + 1}:{d.start + 1}: error {d.code} {d.message}")
    return lines


def _write(target: Path | None, data: bytes) -> None:
    """Write whole or not at all: a temporary file beside the target, renamed over it."""
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, _mode(target))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise RenderFailure(f"{target}: cannot write: {error.strerror or error}") from None


def _mode(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (0666 less the umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _png(svg: str) -> bytes:
    from fz_lsp.render.png import PngUnavailable, svg_to_png

    try:
        return svg_to_png(svg)
    except PngUnavailable as error:
        raise RenderFailure(str(error)) from None


def _encode(model: Model, fmt: str, theme: str) -> bytes:
    from fz_lsp.render import layout, layout_json, to_svg

    lay = layout(model)
    if fmt == "json":
        return (json.dumps(layout_json(lay), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt == "png":
        return _png(to_svg(lay, theme, resolved_colours=True))
    return (to_svg(lay, theme) + "\n").encode("utf-8")


def _render(args: argparse.Namespace) -> int:
    paths: list[str] = args.paths
    output = Path(args.output) if args.output else None
    fmt: str = args.format or "svg"
    single = len(paths) == 1
    if args.format is None and output is not None and single and output.suffix.lower().lstrip(".") in RENDER_FORMATS:
        fmt = output.suffix.lower().lstrip(".")
    if paths.count("-") and not single:
        _say("fz-lsp: render: stdin (-) can only be rendered alone")
        return 2
    if fmt == "png":
        from fz_lsp.render.png import available

        if not available():
            _say(f"fz-lsp: {PNG_HINT}")
            return 2
    status = 0
    for path in paths:
        try:
            name, text = _read(path)
        except Unreadable as error:
            _say(f"fz-lsp: {error}")
            status = 2
            continue
        model = analyze_text(text)
        errors = _errors(model, name)
        for line in errors:
            _say(line)
        if errors and status == 0:
            status = 1
        if single:
            target = output / (Path(path).stem + "." + fmt) if output is not None and output.is_dir() else output
        elif output is not None:
            target = output / (Path(path).stem + "." + fmt)
        else:
            target = Path(path).with_suffix("." + fmt)
        try:
            _write(target, _encode(model, fmt, args.theme))
        except RenderFailure as error:
            _say(f"fz-lsp: {error}")
            status = 2
    return status


def _export(args: argparse.Namespace) -> int:
    from fz_lsp.render.export import to_dot, to_mermaid

    try:
        name, text = _read(args.path)
    except Unreadable as error:
        _say(f"fz-lsp: {error}")
        return 2
    model = analyze_text(text)
    errors = _errors(model, name)
    for line in errors:
        _say(line)
    result = to_mermaid(model) if args.to == "mermaid" else to_dot(model)
    try:
        _write(Path(args.output) if args.output else None, result.encode("utf-8"))
    except RenderFailure as error:
        _say(f"fz-lsp: {error}")
        return 2
    return 1 if errors else 0
