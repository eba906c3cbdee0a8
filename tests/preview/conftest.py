"""Fixtures for the preview tests: a headless Chromium for the session, `fz-lsp preview` processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp import Browser, find_chromium
from preview_support import Preview


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium on PATH (.ci/run installs the Debian package `chromium`)")
    chromium = Browser(executable)
    yield chromium
    chromium.close()


@pytest.fixture
def preview() -> Iterator[type[Preview]]:
    started: list[Preview] = []

    def start(path: Path, *args: str) -> Preview:
        running = Preview(path, *args)
        started.append(running)
        return running

    yield start  # type: ignore[misc]
    for running in started:
        running.stop()
