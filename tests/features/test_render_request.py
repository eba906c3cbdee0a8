"""`flowzap/render` in process: big documents are drawn off the event loop, and an edit that
arrives meanwhile makes the answer follow it (the latest version, never a stale picture)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from fz_lsp.analysis.config import Settings
from fz_lsp.analysis.model import Model
from fz_lsp.features import render
from fz_lsp.features.state import DocumentState

URI = "file:///big.fz"


def big_text(nodes: int) -> str:
    lines = ["Big { # 大 Big"]
    lines += [f'n{i}: rectangle label:"步骤 {i} 🚀"' for i in range(1, nodes + 1)]
    lines += [f"n{i}.handle(right) -> n{i + 1}.handle(left)" for i in range(1, nodes)]
    lines.append("}")
    return "\n".join(lines) + "\n"


async def test_an_edit_during_an_off_loop_drawing_is_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    state = DocumentState(URI, big_text(render.OFF_LOOP_LINES), version=1)
    assert len(state.lines) > render.OFF_LOOP_LINES
    documents = {URI: state}
    started = threading.Event()
    release = threading.Event()
    drawn_in: list[tuple[str, int | None]] = []
    real_draw = render.draw

    def slow_draw(model: Model, request: render.RenderRequest, settings: Settings, version: int | None) -> Any:
        drawn_in.append((threading.current_thread().name, version))
        if version == 1:
            started.set()
            assert release.wait(10)
        return real_draw(model, request, settings, version)

    monkeypatch.setattr(render, "draw", slow_draw)
    task = asyncio.ensure_future(
        render.respond({"textDocument": {"uri": URI}, "format": "json"}, documents.get, lambda uri: Settings())
    )
    while not started.is_set():  # the loop is free while the first drawing runs
        await asyncio.sleep(0.01)
    # The user types: a new node at the end of the lane, version 2.
    last = len(state.lines) - 2
    state.replace((last, 0), (last, 0), 'n9999: circle label:"新 🎉"\n')
    state.version = 2
    release.set()
    answer = await task
    assert answer is not None
    assert answer["version"] == 2
    assert "n9999" in {node["id"] for node in answer["layout"]["nodes"]}
    assert [version for _, version in drawn_in] == [1, 2]
    assert all(name != threading.main_thread().name for name, _ in drawn_in)  # both off the loop


async def test_small_documents_are_drawn_at_once_on_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    state = DocumentState(URI, big_text(5), version=3)
    threads: list[str] = []
    real_draw = render.draw

    def recording_draw(model: Model, request: render.RenderRequest, settings: Settings, version: int | None) -> Any:
        threads.append(threading.current_thread().name)
        return real_draw(model, request, settings, version)

    monkeypatch.setattr(render, "draw", recording_draw)
    answer = await render.respond({"textDocument": {"uri": URI}}, {URI: state}.get, lambda uri: Settings())
    assert answer is not None and answer["version"] == 3 and answer["errors"] == 0
    assert threads == [threading.main_thread().name]


def test_error_count_uses_the_severities() -> None:
    from fz_lsp.analysis import analyze_text

    model = analyze_text('A { # A\nn1: circle label:"x"\nn1.handle(right) -> n7.handle(left)\n}\n')
    assert render.error_count(model, Settings()) == 1
    from fz_lsp.analysis.diagnostics import Severity

    assert render.error_count(model, Settings(severities={"FZ101": Severity.WARNING})) == 0
