"""The marked diagrams of `tests/analysis/marked/` over stdio: each client gets exactly the
marked diagnostics, every range in its own units (UTF-16, UTF-8 or UTF-32 by preset), so the
Chinese and emoji before a range are counted as the client counts them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lsp_support import Session
from lsprotocol import types as t

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))
from marked_diagnostics import split_marks

MARKED = sorted((Path(__file__).resolve().parents[1] / "analysis" / "marked").glob("*.fz"))


@pytest.mark.parametrize("path", MARKED, ids=[path.name for path in MARKED])
async def test_marked_diagram_over_stdio(lsp: Session, path: Path) -> None:
    text, marks = split_marks(path.read_bytes().decode("utf-8"))
    uri = lsp.open(text)
    found = await lsp.diagnostics(uri, 1)
    doc = lsp.doc(text)
    unmatched: list[t.Diagnostic] = list(found)
    missing = []
    for mark in marks:
        where = doc.line_range(mark.line, mark.start, mark.end)
        hit = next((d for d in unmatched if (d.code, d.range) == (mark.code, where) and mark.says(d.message)), None)
        if hit is None:
            missing.append((mark.written_at, mark.code, where, mark.message))
        else:
            unmatched.remove(hit)
    assert (missing, unmatched) == ([], [])
    assert all(d.source == "flowzap" for d in found)
