"""Smoke test of a built language server over stdio, with nothing but the standard library.

    python3 scripts/smoke_lsp.py --version 0.1.0 FILE.fz -- COMMAND [ARGS...]

Starts COMMAND (for the .vsix: `python3 -I -S <unpacked>/extension/bundled/tool/fz_lsp_server.py`,
a Python that sees nothing installed), sends `initialize`, checks `serverInfo` (name fz-lsp and
the given version), opens FILE and waits for its diagnostics (at least one, each with an FZ code),
then shuts the server down. Prints one line per step; exits 1 on the first failure.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import IO, Any

TIMEOUT_S = 30.0


def send(stream: IO[bytes], message: dict[str, Any]) -> None:
    body = json.dumps(message).encode("utf-8")
    stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream.flush()


def reader(stream: IO[bytes], out: Queue[dict[str, Any] | None]) -> None:
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                out.put(None)
                return
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            continue
        out.put(json.loads(stream.read(length)))


def wait_for(messages: Queue[dict[str, Any] | None], what: str, match: Any) -> dict[str, Any]:
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        try:
            message = messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except Empty:
            raise SystemExit(f"FAIL no {what} within {TIMEOUT_S:.0f} s") from None
        if message is None:
            raise SystemExit(f"FAIL the server exited before {what}")
        if match(message):
            return message


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", required=True, help="the version serverInfo must report")
    parser.add_argument("file", type=Path)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    uri = args.file.resolve().as_uri()
    text = args.file.read_text(encoding="utf-8")

    started = time.monotonic()
    server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert server.stdin is not None and server.stdout is not None
    messages: Queue[dict[str, Any] | None] = Queue()
    threading.Thread(target=reader, args=(server.stdout, messages), daemon=True).start()
    try:
        send(server.stdin, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": None, "rootUri": None, "capabilities": {},
            "initializationOptions": {"debounceMs": 0},
        }})  # fmt: skip
        answer = wait_for(messages, "initialize answer", lambda m: m.get("id") == 1)
        info = answer.get("result", {}).get("serverInfo", {})
        if info != {"name": "fz-lsp", "version": args.version}:
            raise SystemExit(f"FAIL serverInfo is {info}, expected fz-lsp {args.version}")
        print(f"ok   initialize: serverInfo fz-lsp {info['version']} ({time.monotonic() - started:.2f} s)")
        send(server.stdin, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
        send(server.stdin, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "flowzap", "version": 1, "text": text},
        }})  # fmt: skip
        published = wait_for(
            messages,
            "diagnostics",
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri,
        )
        diagnostics = published["params"]["diagnostics"]
        codes = sorted({str(d.get("code")) for d in diagnostics})
        if not diagnostics or not all(c.startswith("FZ") for c in codes):
            raise SystemExit(f"FAIL diagnostics for {args.file.name}: {diagnostics}")
        print(f"ok   diagnostics: {len(diagnostics)} for {args.file.name} ({', '.join(codes)})")
        send(server.stdin, {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
        wait_for(messages, "shutdown answer", lambda m: m.get("id") == 2)
        send(server.stdin, {"jsonrpc": "2.0", "method": "exit", "params": None})
        code = server.wait(timeout=TIMEOUT_S)
        if code != 0:
            raise SystemExit(f"FAIL the server exited with {code} after shutdown")
        print("ok   shutdown and exit")
    finally:
        if server.poll() is None:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
