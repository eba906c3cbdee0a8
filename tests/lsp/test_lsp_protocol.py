"""Protocol misuse gets the answer the LSP specification names, and the exit status says how it ended.

Each case is written as raw JSON-RPC (pygls' client will not send most of them):
invalid params, a message without `jsonrpc`, requests before `initialize` and after
`shutdown`, a second `initialize`, `exit` without `shutdown`, end of input, and
document versions that go backwards as after an editor reload.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from raw_rpc import RawServer

INVALID_PARAMS, INVALID_REQUEST, NOT_INITIALIZED = -32602, -32600, -32002

DOC = 'Desk { # 服务台 🛎\nn1: circle label:"开始 🚀"\nn2: circle label:"完成 🎉"\nn1.handle(right) -> n2.handle(left)\nloop [重试 🔁] n1 n9\n}\n'
URI = "untitled:protocol"


@pytest.fixture
async def raw() -> AsyncIterator[RawServer]:
    server = await RawServer.start()
    yield server
    await server.close()


def _hover(line: Any = 1, character: Any = 0) -> dict[str, Any]:
    return {"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}


def _error(answer: dict[str, Any]) -> tuple[int, str]:
    assert "result" not in answer, answer
    return answer["error"]["code"], answer["error"]["message"]


async def test_exit_after_shutdown_ends_with_status_0(raw: RawServer) -> None:
    await raw.initialize()
    assert (await raw.request("shutdown"))["result"] is None
    raw.notify("exit")
    assert await raw.exit_status() == 0


async def test_exit_without_shutdown_ends_with_status_1(raw: RawServer) -> None:
    await raw.initialize()
    raw.notify("exit")
    assert await raw.exit_status() == 1


async def test_exit_before_initialize_ends_with_status_1(raw: RawServer) -> None:
    raw.notify("exit")
    assert await raw.exit_status() == 1


async def test_end_of_input_ends_with_status_1(raw: RawServer) -> None:
    await raw.initialize()
    assert raw.process.stdin is not None
    raw.process.stdin.close()
    assert await raw.exit_status() == 1


async def test_requests_before_initialize_are_refused(raw: RawServer) -> None:
    assert _error(await raw.request("textDocument/hover", _hover())) == (
        NOT_INITIALIZED,
        "textDocument/hover: initialize first",
    )
    raw.open(URI, DOC)  # a notification before initialize is dropped, not an error
    answer = await raw.initialize()
    assert answer["result"]["serverInfo"]["name"] == "fz-lsp"
    assert (await raw.request("textDocument/hover", _hover()))["result"] is None  # that didOpen did not count


@pytest.mark.parametrize(
    ("params", "where"),
    [
        (_hover(line="zero"), "invalid value for type, expected int @ $.params.position.line"),
        (_hover(line=-1), "invalid value @ $.params.position"),
        (_hover(character=2**40), "invalid value @ $.params.position"),
        ({"textDocument": {"uri": URI}}, "required field missing @ $.params.position"),
    ],
    ids=["line-zero", "line-minus-one", "character-2^40", "no-position"],
)
async def test_invalid_params_are_answered(raw: RawServer, params: dict[str, Any], where: str) -> None:
    await raw.initialize()
    raw.open(URI, DOC)
    code, message = _error(await raw.request("textDocument/hover", params))
    assert code == INVALID_PARAMS
    assert message.startswith("invalid params for textDocument/hover: ") and message.endswith(where), message
    answer = await raw.request("textDocument/hover", _hover(1, 0))  # and the server goes on answering
    assert answer["result"]["contents"]["value"].startswith("**n1 开始 🚀**")


async def test_missing_params_and_missing_jsonrpc_are_answered(raw: RawServer) -> None:
    await raw.initialize()
    code, message = _error(await raw.request("textDocument/hover", with_params=False))
    assert code == INVALID_PARAMS and "$.params" in message, message
    raw.write({"id": 77, "method": "textDocument/hover", "params": _hover()})
    assert _error(await raw.response(77)) == (
        INVALID_REQUEST,
        "not a JSON-RPC 2.0 request: `jsonrpc` is missing",
    )
    assert (await raw.request("shutdown"))["result"] is None


async def test_second_initialize_is_an_error_and_the_encoding_stays(raw: RawServer) -> None:
    await raw.initialize("utf-8")
    again = await raw.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert _error(again) == (INVALID_REQUEST, "initialize: the server is already initialized")
    raw.open(URI, DOC)
    published = await raw.publish(URI, 1)
    (found,) = [d for d in published["diagnostics"] if d["code"] == "FZ101"]
    # `n9` after `loop [重试 🔁] n1 `: 6 + 3 + 3 + 1 + 4 + 2 + 3 = 22 UTF-8 bytes in (UTF-16 would say 16).
    assert (found["code"], found["range"]["start"], found["range"]["end"]) == (
        "FZ101",
        {"line": 4, "character": 22},
        {"line": 4, "character": 24},
    )


async def test_requests_after_shutdown_are_refused(raw: RawServer) -> None:
    await raw.initialize()
    raw.open(URI, DOC)
    assert (await raw.request("shutdown"))["result"] is None
    for method, params in (("textDocument/hover", _hover()), ("shutdown", None), ("initialize", {"capabilities": {}})):
        assert _error(await raw.request(method, params)) == (
            INVALID_REQUEST,
            f"{method}: the server is shutting down",
        )
    raw.notify("exit")
    assert await raw.exit_status() == 0


async def test_versions_going_backwards_publish_the_latest(raw: RawServer) -> None:
    """10 -> 11 -> 5 -> 6, as after an editor reload: every version is published, the text is the latest."""
    await raw.initialize()
    raw.open(URI, DOC, version=10)

    def undeclared(published: dict[str, Any]) -> list[str]:
        return [d["message"].split(";")[0] for d in published["diagnostics"] if d["code"] == "FZ101"]

    assert undeclared(await raw.publish(URI, 10)) == ["`n9` is not declared"]

    def change(version: int, text: str) -> None:
        # UTF-16: `n9` starts 16 units into `loop [重试 🔁] n1 n9`.
        edit = {"range": {"start": {"line": 4, "character": 16}, "end": {"line": 4, "character": 18}}}
        raw.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": URI, "version": version}, "contentChanges": [{**edit, "text": text}]},
        )

    change(11, "n2")
    assert undeclared(await raw.publish(URI, 11)) == []
    change(5, "n7")
    assert undeclared(await raw.publish(URI, 5)) == ["`n7` is not declared"]
    change(6, "n8")
    assert undeclared(await raw.publish(URI, 6)) == ["`n8` is not declared"]
