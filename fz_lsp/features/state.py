"""One open document: its text, its statements, (computed on demand) its model, and its diagnostics as last sent."""

from __future__ import annotations

from fz_lsp.analysis.model import Model
from fz_lsp.features.diagnostics import Converted
from fz_lsp.syntax.document import SourceText


class DocumentState:
    """An open `.fz` document, edited in place and analysed when asked."""

    def __init__(self, uri: str, text: str, version: int | None = None) -> None:
        self.uri = uri
        self.version = version
        self.source = SourceText(text)
        self._model: Model | None = None
        self.converted = Converted()  # the LSP form of its diagnostics, reused while they do not change

    @property
    def lines(self) -> list[str]:
        return self.source.lines

    def replace(self, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """Apply one edit in code-point positions; the model follows it incrementally."""
        source = self.source
        edit = source.replace(start, end, text)
        if self._model is not None:
            self._model.update(edit)

    def set_text(self, text: str) -> None:
        self.source = SourceText(text)
        self._model = None

    @property
    def model(self) -> Model:
        if self._model is None:
            self._model = Model(self.source.lines, self.source.statements)
        return self._model
