"""`fz-lsp preview FILE`: the live picture of a `.fz` file in a browser, for any editor.

A small HTTP server on the loopback interface serves one page; the page listens to
Server-Sent Events and swaps in the new picture each time the file changes on disk,
keeping its pan and zoom. The file is polled (no extra dependency, works on every OS);
a change is a different size, modification time or content.

The page is strict: a Content-Security-Policy that allows only its own nonce script
and stylesheet, no remote content. The renderer escapes every label; the page never
builds markup from text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import sys
import threading
import webbrowser
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.config import ConfigError, Settings, load_settings
from fz_lsp.analysis.diagnostics import Severity
from fz_lsp.files import Unreadable, decode_diagram

HOST = "127.0.0.1"  # loopback only: the picture is nobody else's business
THEMES = ("light", "dark", "print")
POLL_SECONDS = 0.2
KEEPALIVE_SECONDS = 15.0
MAX_MESSAGES = 5  # error lines shown in the page's banner
STATIC = ("index.html", "viewer.js", "page.js", "viewer.css")


def _static(name: str) -> bytes:
    return resources.files(__package__).joinpath("static").joinpath(name).read_bytes()


@dataclass(frozen=True)
class Snapshot:
    """What the file held at one moment: its text (or why it could not be read)."""

    stamp: tuple[int, int, str]  # size, mtime_ns, digest
    text: str | None
    problem: str | None


def read_snapshot(path: Path) -> Snapshot:
    try:
        stat = path.stat()
        data = path.read_bytes()
    except OSError as error:
        return Snapshot((-1, -1, ""), None, f"cannot read {path}: {error.strerror or error}")
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    stamp = (stat.st_size, stat.st_mtime_ns, digest)
    try:
        return Snapshot(stamp, decode_diagram(data, str(path)), None)
    except Unreadable as error:
        return Snapshot(stamp, None, str(error))


def picture(path: Path, snapshot: Snapshot, theme: str, revision: int) -> dict[str, Any]:
    """One SSE message: the SVG (from a `.fz` file, or an `.svg` file as it is) and its errors."""
    from fz_lsp.features.render import error_count  # the renderer loads only when a page asks
    from fz_lsp.render import layout, to_svg

    if snapshot.text is None:
        return {"revision": revision, "problem": snapshot.problem}
    if path.suffix.lower() == ".svg":
        return {"revision": revision, "svg": snapshot.text, "errors": 0, "messages": []}
    try:
        settings = load_settings(path)
    except ConfigError:
        settings = Settings()  # `fz-lsp check` reports a broken config; the picture needs none
    model = analyze_text(snapshot.text)
    errors = [d for d in model.diagnostics if settings.severity(d.code) is Severity.ERROR]
    messages = [f"line {d.line + 1}: {d.code} {d.message}" for d in errors[:MAX_MESSAGES]]
    svg = to_svg(layout(model), theme=theme)
    return {"revision": revision, "svg": svg, "errors": error_count(model, settings), "messages": messages}


class Watched:
    """The file's latest snapshot, shared by the poller and every open page."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.changed = threading.Condition()
        self.snapshot = read_snapshot(path)
        self.revision = 1
        self.stopped = False
        self._cache: dict[tuple[int, str], bytes] = {}

    def poll_forever(self) -> None:
        while not self.stopped:
            snapshot = read_snapshot(self.path)
            if snapshot.stamp != self.snapshot.stamp or snapshot.problem != self.snapshot.problem:
                with self.changed:
                    self.snapshot = snapshot
                    self.revision += 1
                    self._cache.clear()
                    self.changed.notify_all()
            with self.changed:
                self.changed.wait(POLL_SECONDS)

    def stop(self) -> None:
        with self.changed:
            self.stopped = True
            self.changed.notify_all()

    def event(self, theme: str) -> tuple[int, bytes]:
        """The current picture as one SSE event, drawn once per revision and theme."""
        with self.changed:
            revision, snapshot = self.revision, self.snapshot
        key = (revision, theme)
        if key not in self._cache:
            try:
                message = picture(self.path, snapshot, theme, revision)
            except Exception as error:  # a renderer bug must not take the page down
                message = {"revision": revision, "problem": f"cannot draw {self.path.name}: {error}"}
            data = json.dumps(message, ensure_ascii=False)
            self._cache[key] = f"event: picture\nid: {revision}\ndata: {data}\n\n".encode()
        return revision, self._cache[key]

    def wait(self, revision: int, timeout: float) -> bool:
        """Block until a revision newer than `revision` exists (True) or the timeout (False)."""
        with self.changed:
            if self.revision == revision and not self.stopped:
                self.changed.wait(timeout)
            return self.revision != revision


def content_security_policy(nonce: str) -> str:
    return (
        "default-src 'none'; "
        f"script-src 'nonce-{nonce}'; "
        f"style-src 'nonce-{nonce}'; "
        "img-src data: blob:; "
        "connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def make_handler(watched: Watched, forced_theme: str | None) -> type[BaseHTTPRequestHandler]:
    title = watched.path.name

    class Handler(BaseHTTPRequestHandler):
        server_version = "fz-lsp-preview"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the terminal is the user's, not a request log

        def _send(
            self, status: HTTPStatus, body: bytes, content_type: str, extra: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if not self._local_host():
                self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain; charset=utf-8")
            elif url.path == "/":
                self._page()
            elif url.path == "/events":
                theme = parse_qs(url.query).get("theme", ["light"])[0]
                self._events(forced_theme or (theme if theme in THEMES else "light"))
            elif url.path.lstrip("/") in STATIC[1:]:
                name = url.path.lstrip("/")
                kind = "text/css" if name.endswith(".css") else "text/javascript"
                self._send(HTTPStatus.OK, _static(name), f"{kind}; charset=utf-8")
            else:
                self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

        def _local_host(self) -> bool:
            """Refuse other Host names: a web page elsewhere cannot rebind its name to this port."""
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            return host in ("127.0.0.1", "localhost", "[::1]")

        def _page(self) -> None:
            nonce = secrets.token_urlsafe(18)
            page = _static("index.html").decode()
            page = page.replace("{{nonce}}", nonce).replace("{{title}}", _escape(title))
            page = page.replace("{{theme}}", forced_theme or "")
            csp = content_security_policy(nonce)
            self._send(HTTPStatus.OK, page.encode(), "text/html; charset=utf-8", {"Content-Security-Policy": csp})

        def _events(self, theme: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                revision, data = watched.event(theme)
                self.wfile.write(b"retry: 500\n\n" + data)
                self.wfile.flush()
                while not watched.stopped:
                    if watched.wait(revision, KEEPALIVE_SECONDS):
                        revision, data = watched.event(theme)
                        self.wfile.write(data)
                    else:
                        self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return  # the page was closed

    return Handler


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # open event streams must not keep the process alive
    allow_reuse_address = True


def start(path: Path, port: int = 0, theme: str | None = None) -> tuple[PreviewServer, Watched]:
    """Bind the loopback port and start polling; the caller runs `serve_forever`."""
    watched = Watched(path)
    server = PreviewServer((HOST, port), make_handler(watched, theme))
    threading.Thread(target=watched.poll_forever, name="fz-preview-poll", daemon=True).start()
    return server, watched


def add_parser(commands: Any) -> None:
    """The `preview` subcommand, for `cli.py`."""
    preview = commands.add_parser("preview", help="serve the live picture of a .fz file on 127.0.0.1")
    preview.add_argument("file", metavar="FILE", help="the .fz file (or an .svg file) to show; reloads when it changes")
    preview.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    preview.add_argument("--theme", choices=THEMES, help="colours (default: follow the browser's light/dark setting)")
    preview.add_argument("--open", action="store_true", help="open the page in the default browser")


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"fz-lsp: {args.file}: no such file", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"fz-lsp: --port {args.port}: not a port number", file=sys.stderr)
        return 2
    try:
        server, watched = start(path, args.port, args.theme)
    except OSError as error:
        print(f"fz-lsp: cannot listen on {HOST}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 2
    url = f"http://{HOST}:{server.server_address[1]}/"
    print(f"Previewing {path} at {url} (Ctrl-C to stop)", flush=True)
    if args.open:
        webbrowser.open(url)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        watched.stop()
        server.server_close()
    return 0
