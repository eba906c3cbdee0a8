"""A raw JSON-RPC client over the server's stdio, for what pygls' own client will not send.

Misuse (bad params, no `jsonrpc`, requests out of order), exact exit statuses and
timing-sensitive sequences (cancel while a request runs) need messages written by
hand. Requests from the server (configuration, progress, registration) are answered
with `null`; notifications are kept in order.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

from lsp_support import SERVER_COMMAND

TIMEOUT = 60.0  # generous: the machine running the suite may be loaded


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    return f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body


class RawServer:
    """One `fz-lsp` process spoken to message by message."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.responses: dict[Any, asyncio.Future[dict[str, Any]]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()
        self.next_id = 0
        self.reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls) -> RawServer:
        env = {**os.environ, "FZ_LSP_LOG_LEVEL": "CRITICAL"}  # the misuse is logged; tests read answers
        process = await asyncio.create_subprocess_exec(
            *SERVER_COMMAND,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
        )
        return cls(process)

    async def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                header = await stream.readline()
                if not header:
                    return
                if not header.strip():
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            assert length is not None
            message: dict[str, Any] = json.loads(await stream.readexactly(length))
            if "method" in message and "id" in message:
                self.write({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message:
                self._future(message["id"]).set_result(message)
            else:
                self.notifications.append(message)
                self.arrived.set()

    def _future(self, msg_id: Any) -> asyncio.Future[dict[str, Any]]:
        if msg_id not in self.responses:
            self.responses[msg_id] = asyncio.get_running_loop().create_future()
        return self.responses[msg_id]

    def write(self, message: dict[str, Any] | bytes) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(message if isinstance(message, bytes) else frame(message))

    def send(self, method: str, params: Any = None, *, with_params: bool = True, msg_id: Any = None) -> Any:
        """Write a request (returns its id) without waiting for the answer."""
        if msg_id is None:
            self.next_id += 1
            msg_id = self.next_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if with_params:
            message["params"] = params
        self.write(message)
        return msg_id

    async def response(self, msg_id: Any) -> dict[str, Any]:
        return await asyncio.wait_for(asyncio.shield(self._future(msg_id)), TIMEOUT)

    async def request(self, method: str, params: Any = None, **options: Any) -> dict[str, Any]:
        return await self.response(self.send(method, params, **options))

    def notify(self, method: str, params: Any = None) -> None:
        self.write({"jsonrpc": "2.0", "method": method, "params": params})

    async def initialize(
        self, encoding: str = "utf-16", options: dict[str, Any] | None = None, folder: Path | None = None
    ) -> dict[str, Any]:
        params = {
            "processId": None,
            "rootUri": folder.as_uri() if folder is not None else None,
            "workspaceFolders": [{"uri": folder.as_uri(), "name": folder.name}] if folder is not None else None,
            "capabilities": {"general": {"positionEncodings": [encoding]}},
            "initializationOptions": {"debounceMs": 0, **(options or {})},
        }
        answer = await self.request("initialize", params)
        self.notify("initialized", {})
        return answer

    def open(self, uri: str, text: str, version: int = 1) -> None:
        item = {"uri": uri, "languageId": "flowzap", "version": version, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": item})

    async def publish(
        self, uri: str, version: int | None = None, start: int = 0, timeout: float = TIMEOUT
    ) -> dict[str, Any]:
        """The first publishDiagnostics for `uri` (and `version`) at or after notification `start`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen = start
        while True:
            for message in self.notifications[seen:]:
                params = message.get("params") or {}
                if (
                    message.get("method") == "textDocument/publishDiagnostics"
                    and params.get("uri") == uri
                    and (version is None or params.get("version") == version)
                ):
                    return params
            seen = len(self.notifications)
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), max(0.01, deadline - loop.time()))

    def rss_mb(self) -> float:
        """The server's resident memory now, from /proc."""
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    async def exit_status(self) -> int:
        return await asyncio.wait_for(self.process.wait(), TIMEOUT)

    async def close(self) -> None:
        if self.process.returncode is None:
            self.process.kill()  # our own child
            await self.process.wait()
        self.reader.cancel()
