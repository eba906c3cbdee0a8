"""`flowzap/render` over stdio: the picture of the latest version, its error count, both formats."""

from __future__ import annotations

import re
from typing import Any

import pytest
from lsp_support import MAIN, Session
from lsprotocol import types as t
from pygls.exceptions import JsonRpcInvalidParams
from pygls.protocol import JsonRPCResponseMessage

METHOD = "flowzap/render"
NODE_IDS = ["n1", "n2", "n3", "n4", "n5"]


async def render(lsp: Session, params: dict[str, Any]) -> Any:
    # pygls hands back results of methods it does not know as named tuples, renaming keys
    # such as `from`; the tests read the JSON as a client would.
    lsp.client.protocol._converter.register_structure_hook(JsonRPCResponseMessage, lambda obj, cls: cls(**obj))
    return await lsp.client.protocol.send_request_async(METHOD, params)


def svg_nodes(svg: str) -> list[str]:
    return sorted(re.findall(r'data-node="([^"]+)"', svg))


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if needle in line)


async def test_svg_of_an_open_document(lsp: Session) -> None:
    uri = lsp.open(MAIN, version=4)
    answer = await render(lsp, {"textDocument": {"uri": uri}, "format": "svg", "theme": "dark"})
    # MAIN's loop names n33, which is declared nowhere: one error, the rest is drawn.
    assert answer["version"] == 4
    assert answer["errors"] == 1
    assert set(answer) == {"version", "errors", "svg"}
    assert answer["svg"].startswith("<svg")
    assert svg_nodes(answer["svg"]) == NODE_IDS
    assert "开始 🚀" in answer["svg"] and "账单 🧾" in answer["svg"]


async def test_json_layout_carries_source_lines(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    answer = await render(lsp, {"textDocument": {"uri": uri}, "format": "json"})
    layout = answer["layout"]
    assert {"width", "height", "lanes", "nodes", "edges", "loops"} <= set(layout)
    assert [lane["id"] for lane in layout["lanes"]] == ["Shop", "Billing"]
    nodes = {node["id"]: node for node in layout["nodes"]}
    assert sorted(nodes) == NODE_IDS
    for node_id in NODE_IDS:
        assert nodes[node_id]["range"][0] == line_of(MAIN, f"{node_id}: "), node_id
    edges = {(edge["from"], edge["to"]): edge for edge in layout["edges"]}
    assert sorted(edges) == [("n1", "n2"), ("n2", "n4"), ("n3", "n5"), ("n4", "n3"), ("n4", "n5")]
    assert edges[("n4", "n3")]["range"][0] == line_of(MAIN, "Shop.n3.handle")
    assert (edges[("n2", "n4")]["fromHandle"], edges[("n2", "n4")]["toHandle"]) == ("bottom", "top")


async def test_answers_for_the_latest_version(lsp: Session) -> None:
    uri = lsp.open(MAIN, version=1)
    doc = lsp.doc(MAIN)
    # Declare the missing n33 in the same breath as the request: no wait in between.
    end_of_n5 = doc.end('n5: circle label:"完成 🎉"')
    lsp.change(
        uri,
        2,
        t.TextDocumentContentChangePartial(range=t.Range(end_of_n5, end_of_n5), text='\nn33: circle label:"再来 🔁"'),
    )
    answer = await render(lsp, {"textDocument": {"uri": uri}, "format": "svg", "theme": "light"})
    assert answer["version"] == 2
    assert answer["errors"] == 0
    assert svg_nodes(answer["svg"]) == sorted([*NODE_IDS, "n33"])


async def test_errors_follow_the_severity_settings(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    assert (await render(lsp, {"textDocument": {"uri": uri}}))["errors"] == 1
    await lsp.change_configuration({"fz-lsp": {"debounceMs": 0, "severity": {"FZ101": "warning"}}})
    try:
        assert (await render(lsp, {"textDocument": {"uri": uri}}))["errors"] == 0
    finally:
        await lsp.change_configuration({"fz-lsp": {"debounceMs": 0}})


async def test_a_bare_text_for_markdown_fences(lsp: Session) -> None:
    answer = await render(lsp, {"text": MAIN.replace(" n33", ""), "format": "svg", "theme": "light"})
    assert answer["version"] is None
    assert answer["errors"] == 0
    assert svg_nodes(answer["svg"]) == NODE_IDS


async def test_a_document_that_is_not_open(lsp: Session) -> None:
    assert await render(lsp, {"textDocument": {"uri": lsp.new_uri("never-opened")}, "format": "svg"}) is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"text": "A {\n}\n", "format": "png"}, "flowzap/render: format must be one of svg, json, not 'png'"),
        ({"text": "A {\n}\n", "theme": "neon"}, "flowzap/render: theme must be one of light, dark, print, not 'neon'"),
        (
            {"text": "x", "textDocument": {"uri": "file:///x.fz"}},
            "flowzap/render: give either textDocument.uri or text",
        ),
        ({}, "flowzap/render: give either textDocument.uri or text"),
    ],
)
async def test_bad_requests_are_told_why(lsp: Session, params: dict[str, Any], message: str) -> None:
    """An InvalidParams answer that says what is wrong; nothing logged as a server error (the fixture checks)."""
    with pytest.raises(JsonRpcInvalidParams) as raised:
        await render(lsp, params)
    assert raised.value.message == message
    assert raised.value.code == -32602
    assert await render(lsp, {"text": "A {\n}\n"}) is not None  # still answering
