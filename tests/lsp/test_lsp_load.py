"""Heavy requests and large documents: cancellation, capped workspace symbols, opening off the loop, max wait.

Raw JSON-RPC, because these cases depend on when messages arrive: a `$/cancelRequest`
sent while the answer is being computed, a hover sent while a 100k-line document is
still being analysed, a publish that must come while typing goes on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from raw_rpc import RawServer

REQUEST_CANCELLED = -32800


def big_diagram(lines: int) -> str:
    """A valid diagram of about `lines` lines: lanes of 200 nodes in a chain, Chinese labels."""
    out: list[str] = []
    node = 0
    lane = 0
    while len(out) < lines:
        lane += 1
        out.append(f"Lane{lane} {{ # 泳道 {lane}")
        first = node + 1
        for _ in range(200):
            node += 1
            out.append(f'n{node}: rectangle label:"步骤 {node} é"')
        out.extend(f"n{k}.handle(right) -> n{k + 1}.handle(left)" for k in range(first, node))
        out.append("}")
    return "\n".join(out) + "\n"


@pytest.fixture
async def raw() -> AsyncIterator[RawServer]:
    server = await RawServer.start()
    yield server
    await server.close()


def _position(uri: str, line: int, character: int) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


async def test_cancelled_slow_requests_answer_request_cancelled(raw: RawServer) -> None:
    await raw.initialize()
    uri = "untitled:twenty-thousand"
    raw.open(uri, big_diagram(20000))
    assert (await raw.publish(uri, 1))["diagnostics"] == []
    for method, params in (
        ("textDocument/documentSymbol", {"textDocument": {"uri": uri}}),
        ("workspace/symbol", {"query": ""}),
    ):
        msg_id = raw.send(method, params)
        raw.notify("$/cancelRequest", {"id": msg_id})
        answer = await raw.response(msg_id)
        assert answer.get("error", {}).get("code") == REQUEST_CANCELLED, (method, str(answer)[:200])
    # Not cancelled: answered in full.
    answer = await raw.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    lanes = answer["result"]
    assert (lanes[0]["name"], len(lanes[0]["children"])) == ("Lane1 (泳道 1)", 200)
    assert sum(len(lane["children"]) for lane in lanes) == 200 * len(lanes)


async def test_workspace_symbols_are_capped_ranked_and_skip_binary_files(raw: RawServer, tmp_path: Path) -> None:
    (tmp_path / "many.fz").write_text(big_diagram(1500), encoding="utf-8")
    (tmp_path / "binary.fz").write_bytes(b'Blob { # x\n\x00\x01\x02\nn1: circle label:"a"\n}\n')
    (tmp_path / "latin1.fz").write_bytes('Latin { # caf\xe9\nn1: circle label:"b"\n}\n'.encode("latin-1"))
    await raw.initialize(folder=tmp_path)
    deadline = time.monotonic() + 20
    while True:
        found = (await raw.request("workspace/symbol", {"query": ""}))["result"]
        if found or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert len(found) == 128
    uris = {symbol["location"]["uri"] for symbol in found}
    assert uris == {(tmp_path / "many.fz").as_uri()}
    # The empty query: lanes first, then the shortest names.
    assert [s["name"] for s in found[:3]] == ["Lane1 泳道 1", "Lane2 泳道 2", "Lane3 泳道 3"]
    ranked = (await raw.request("workspace/symbol", {"query": "n12"}))["result"]
    assert [s["name"] for s in ranked[:2]] == ["n12 步骤 12 é", "n120 步骤 120 é"]
    assert len(ranked) == 11  # n12 and n120..n129 (there are 800 nodes)
    for query in ("blob", "latin"):  # the files that are not UTF-8 text were never indexed
        assert (await raw.request("workspace/symbol", {"query": query}))["result"] == []


async def test_a_large_open_does_not_block_other_requests(raw: RawServer) -> None:
    await raw.initialize()
    small = "untitled:small"
    raw.open(small, 'Desk { # 服务台\nn1: circle label:"开始"\n}\n')
    await raw.publish(small, 1)
    before = raw.rss_mb()
    big = "untitled:sixty-thousand"
    text = big_diagram(60000)
    raw.open(big, text)
    # An edit right behind the open is held until the analysis is done, then applied.
    edit = {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 2}}, "text": "n0"}
    raw.notify("textDocument/didChange", {"textDocument": {"uri": big, "version": 2}, "contentChanges": [edit]})
    started = time.monotonic()
    hover = await raw.request("textDocument/hover", _position(small, 1, 0))
    answered = time.monotonic() - started
    assert hover["result"]["contents"]["value"].startswith("**n1 开始**")
    published = [
        n
        for n in raw.notifications
        if n.get("method") == "textDocument/publishDiagnostics" and n["params"]["uri"] == big
    ]
    assert published == [], f"the hover waited {answered:.1f} s for the large document"
    second = await raw.publish(big, 2, timeout=120)
    undeclared = [d["message"].split(";")[0] for d in second["diagnostics"] if d["code"] == "FZ101"]
    assert undeclared == ["`n1` is not declared"]  # the held edit renamed it; its edge still names it
    assert [n["params"]["version"] for n in raw.notifications if n.get("params", {}).get("uri") == big] == [2]
    peak = raw.rss_mb()
    raw.notify("textDocument/didClose", {"textDocument": {"uri": big}})
    await raw.request("textDocument/hover", _position(small, 1, 0))
    deadline = time.monotonic() + 60
    while raw.rss_mb() > before + (peak - before) / 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    after = raw.rss_mb()
    assert after <= before + (peak - before) / 2, (before, peak, after)


async def test_publishes_at_least_every_max_wait_while_typing(raw: RawServer) -> None:
    await raw.initialize(options={"debounceMs": 400, "maxWaitMs": 600})
    uri = "untitled:typing"
    raw.open(
        uri,
        'Desk { # 服务台\nn1: circle label:"开始"\nn2: circle label:"完成"\nn1.handle(right) -> n2.handle(left)\n}\n',
    )
    await raw.publish(uri, 1)
    mark = len(raw.notifications)
    started = time.monotonic()
    version = 1
    while time.monotonic() - started < 2.5:  # a keystroke every 100 ms: the debounce alone never fires
        version += 1
        edit = {"range": {"start": {"line": 1, "character": 20}, "end": {"line": 1, "character": 20}}, "text": "x"}
        raw.notify(
            "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit]}
        )
        await asyncio.sleep(0.1)
    during = [
        n["params"]["version"] for n in raw.notifications[mark:] if n.get("method") == "textDocument/publishDiagnostics"
    ]
    assert 3 <= len(during) <= 6, during
    final = await raw.publish(uri, version)
    assert final["diagnostics"] == []
