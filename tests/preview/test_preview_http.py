"""`fz-lsp preview` over plain HTTP: loopback only, its port, its headers, its errors."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from preview_support import Preview

DIAGRAM = 'Shop { # 商店\nn1: circle label:"开始 🚀"\nn2: rectangle label:"<b>x</b>"\nn1.handle(right) -> n2.handle(left)\n}\n'


def get(url: str, path: str, host: str | None = None) -> http.client.HTTPResponse:
    address = url.removeprefix("http://").rstrip("/")
    hostname, port = address.split(":")
    connection = http.client.HTTPConnection(hostname, int(port), timeout=10)
    connection.putrequest("GET", path, skip_host=host is not None)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    return connection.getresponse()


def first_event(url: str) -> dict[str, object]:
    response = get(url, "/events?theme=dark")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
    while True:
        line = response.readline().decode("utf-8")
        if line.startswith("data: "):
            event: dict[str, object] = json.loads(line[6:])
            return event


def test_page_headers_and_static_files(tmp_path: Path) -> None:
    path = tmp_path / "shop.fz"
    path.write_text(DIAGRAM, encoding="utf-8")
    running = Preview(path)
    try:
        assert running.banner == f"Previewing {path} at {running.url} (Ctrl-C to stop)\n"
        page = get(running.url, "/")
        assert page.status == 200
        csp = page.getheader("Content-Security-Policy") or ""
        nonce = csp.split("'nonce-")[1].split("'")[0]
        assert csp == (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src data: blob:; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
        body = page.read().decode()
        assert body.count(f'nonce="{nonce}"') == 3 and "<title>shop.fz – FlowZap preview</title>" in body
        assert get(running.url, "/viewer.js").getheader("Content-Type") == "text/javascript; charset=utf-8"
        assert get(running.url, "/nope").status == 404
        assert get(running.url, "/../pyproject.toml").status == 404
        event = first_event(running.url)
        assert event["errors"] == 0 and event["messages"] == []
        svg = str(event["svg"])
        assert "fz-theme-dark" in svg and "&lt;b&gt;x&lt;/b&gt;" in svg and "<b>" not in svg
    finally:
        running.stop()


def test_other_host_names_are_refused(tmp_path: Path) -> None:
    """A page on another site cannot reach the preview by pointing its own name at 127.0.0.1."""
    path = tmp_path / "shop.fz"
    path.write_text(DIAGRAM, encoding="utf-8")
    running = Preview(path)
    try:
        assert get(running.url, "/", host="attacker.example").status == 403
        assert get(running.url, "/events", host="attacker.example:80").status == 403
        assert get(running.url, "/", host=f"localhost:{running.url.rsplit(':', 1)[1].rstrip('/')}").status == 200
    finally:
        running.stop()


def test_listens_on_loopback_and_on_the_port_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "shop.fz"
    path.write_text(DIAGRAM, encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = Preview(path, "--port", str(port))
    try:
        assert running.url == f"http://127.0.0.1:{port}/"
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        # The same port twice: the second says why it cannot start.
        second = subprocess.run(
            [sys.executable, "-m", "fz_lsp", "preview", str(path), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 2
        assert second.stderr.startswith(f"fz-lsp: cannot listen on 127.0.0.1:{port}: ")
    finally:
        running.stop()


def test_errors_are_counted_and_listed(tmp_path: Path) -> None:
    path = tmp_path / "typing.fz"
    path.write_text(DIAGRAM.replace("-> n2", "-> n9"), encoding="utf-8")
    running = Preview(path)
    try:
        event = first_event(running.url)
        assert event["errors"] == 1
        messages = event["messages"]
        assert isinstance(messages, list) and len(messages) == 1
        assert str(messages[0]).startswith("line 4: FZ101 ")
    finally:
        running.stop()


def test_an_svg_file_is_served_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "picture.svg"
    picture = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g data-node="n1"/></svg>'
    path.write_text(picture, encoding="utf-8")
    running = Preview(path)
    try:
        assert first_event(running.url) == {"revision": 1, "svg": picture, "errors": 0, "messages": []}
    finally:
        running.stop()


def test_a_missing_file_and_a_bad_port_are_told(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUTF8": "1"}
    missing = subprocess.run(
        [sys.executable, "-m", "fz_lsp", "preview", str(tmp_path / "nope.fz")], capture_output=True, text=True, env=env
    )
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == f"fz-lsp: {tmp_path / 'nope.fz'}: no such file\n"
    path = tmp_path / "shop.fz"
    path.write_text(DIAGRAM, encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "fz_lsp", "preview", str(path), "--port", "70000"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert (bad.returncode, bad.stderr) == (2, "fz-lsp: --port 70000: not a port number\n")
