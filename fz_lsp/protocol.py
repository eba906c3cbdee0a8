"""JSON-RPC rules pygls leaves to us: every request gets an answer, and the exit status says how it ended.

pygls 2.1 drops a request whose params do not structure (the client waits forever),
ignores requests after `shutdown` without answering, serves requests before
`initialize`, lets a second `initialize` switch the position encoding, and ends with
status 0 whatever happened. Here each of those is answered as the LSP specification
says: -32602 for unusable params, -32600 for a message that is no JSON-RPC 2.0
request or comes after `shutdown` (or is a second `initialize`), -32002 before
`initialize`; and the process ends with 1 unless `exit` follows `shutdown`.

pygls also keeps, for good, the future of every notification its built-in handlers
pass on (`didOpen`, `didChange`, `didClose`, ...): a future with its lock, condition
and callback per keystroke, RSS rising ~4.6 MB a minute while typing at 30 keys/s
(`benchmarks/soak.py`). Here the futures that are done are dropped at each message.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections.abc import Callable, Generator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from cattrs import transform_error
from cattrs.errors import ClassValidationError
from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest
from pygls.protocol.language_server import lsp_method

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refused:
    """A request that cannot be handled, with the error to answer it with."""

    id: int | str | None
    error: JsonRpcException


class Refusal(JsonRpcException):
    """A request declined with a reason for the user (a rename onto a taken ID): an answer, not a failure."""

    CODE = -32803  # RequestFailed


class FlowZapProtocol(LanguageServerProtocol):
    """pygls' protocol without its own copy of open documents, answering every misuse."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initialize_seen = False
        self.clean_exit = False  # `exit` after `shutdown`: the only way to end with status 0
        self._writes: set[asyncio.Future[Any]] = set()

    # --- messages that cannot be served ------------------------------------------------------

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "id" in data and "method" in data:  # a request: it must be answered
                cause = error.__cause__
                where = "; ".join(transform_error(cause)) if isinstance(cause, ClassValidationError) else str(error)
                return Refused(data["id"], JsonRpcInvalidParams(f"invalid params for {data['method']}: {where}"))
            log.warning("ignored a notification with invalid params: %s", data.get("method"))
            return Refused(None, error)

    def handle_message(self, message: Any) -> None:
        if isinstance(message, Refused):
            self._refuse(message.id, message.error)
            return
        if isinstance(message, dict):  # no `jsonrpc` member: pygls structures nothing
            if "id" in message and "method" in message:
                self._refuse(message["id"], JsonRpcInvalidRequest("not a JSON-RPC 2.0 request: `jsonrpc` is missing"))
            return
        method = getattr(message, "method", None)
        request = isinstance(message, RPCRequest)
        if method == types.EXIT:
            self.clean_exit = self._shutdown
        elif self._shutdown:
            if request:
                self._refuse(message.id, JsonRpcInvalidRequest(f"{method}: the server is shutting down"))
            return
        elif method == types.INITIALIZE:
            if self.initialize_seen:
                self._refuse(message.id, JsonRpcInvalidRequest("initialize: the server is already initialized"))
                return
            self.initialize_seen = True
        elif not self.initialize_seen and method is not None:
            if request:
                self._refuse(message.id, JsonRpcServerNotInitialized(f"{method}: initialize first"))
            return
        super().handle_message(message)

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Callable[..., Any],
        callback: Callable[[Future[Any]], None],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        # A request's future is dropped when its answer is sent; any other stays unless dropped here.
        # Not from a done-callback: `shutdown` cancels the futures while iterating over them.
        for held, future in list(self._request_futures.items()):  # a copy: workers may pop meanwhile
            if future.done() and self._request_futures.get(held) is future:
                del self._request_futures[held]
        super()._execute_handler(msg_id, handler, callback, args, kwargs)

    def _send_handler_result(self, future: Future[Any], *, msg_id: Any) -> None:
        error = None if future.cancelled() else future.exception()
        if isinstance(error, Refusal):  # answered with its message; nothing is logged as an error
            self._request_futures.pop(msg_id, None)
            self._send_response(msg_id, error=error.to_response_error())
            return
        super()._send_handler_result(future, msg_id=msg_id)

    def publish_diagnostics(self, uri: str, version: int | None, diagnostics: str) -> None:
        """`textDocument/publishDiagnostics` with the diagnostics written as JSON already (kept between
        publishes: most do not change from one keystroke to the next, and writing them all was most
        of a publish)."""
        versioned = "" if version is None else f', "version": {json.dumps(version)}'
        params = f'{{"uri": {json.dumps(uri)}{versioned}, "diagnostics": {diagnostics}}}'
        self._write(f'{{"params": {params}, "method": "{types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS}", "jsonrpc": "2.0"}}')

    def _write(self, body: str) -> None:
        """Send one message already written as JSON, as pygls' `_send_data` sends what it writes."""
        if self.writer is None:
            log.error("cannot send a message: no transport")
            return
        try:
            data = body.encode(self.CHARSET)
            if self._include_headers:
                header = (
                    f"Content-Length: {len(data)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
                )
                data = header.encode(self.CHARSET) + data
            written = self.writer.write(data)
            if inspect.isawaitable(written):  # an asynchronous transport: keep the write until it is done
                task = asyncio.ensure_future(written)
                self._writes.add(task)
                task.add_done_callback(self._writes.discard)
        except BrokenPipeError:
            log.exception("cannot send a message: the client is gone")
            raise
        except Exception as error:
            log.exception("cannot send a message")
            self._server._report_server_error(error, JsonRpcInternalError)

    def _refuse(self, msg_id: int | str | None, error: JsonRpcException) -> None:
        if msg_id is not None:
            self._send_response(msg_id, None, error.to_response_error())

    # --- documents: ours, not pygls' copy ----------------------------------------------------

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None
