"""Analysis: the semantic model and the diagnostic catalogue. Knows nothing of LSP."""

from __future__ import annotations

from fz_lsp.analysis.model import Model
from fz_lsp.syntax.document import SourceText


def analyze_text(text: str) -> Model:
    """Parse and analyse a whole file from scratch."""
    source = SourceText(text)
    return Model(source.lines, source.statements)
