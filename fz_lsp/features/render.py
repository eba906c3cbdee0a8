"""`flowzap/render`: the picture of an open document (or of a bare text), with its error count.

The renderer draws whatever parses; the answer also says how many errors the text has
(with the severities the settings give), so that a preview can keep showing its last
error-free picture while the user is in the middle of a word.

Request: `{textDocument: {uri}, format: "svg" | "json", theme: "light" | "dark" | "print"}`,
or `{text, format, theme}` for text that is no open document (a Markdown fence).
Answer: `{version, errors, svg}` or `{version, errors, layout}`; `null` for a document that
is not open. Ranges in the picture are the renderer's: 0-based lines, columns in code points.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.config import Settings
from fz_lsp.analysis.diagnostics import SEQUENCE_CODES, Severity
from fz_lsp.analysis.model import Model
from fz_lsp.features.state import DocumentState
from fz_lsp.render import layout, layout_json, to_svg

METHOD = "flowzap/render"
FORMATS = ("svg", "json")
THEMES = ("light", "dark", "print")
# Above this many lines the drawing is made in a worker thread from a snapshot of the
# statements, so that the server keeps reading (and applying) the user's edits meanwhile.
OFF_LOOP_LINES = 300
MAX_RETRIES = 2  # redraws when the document changed while a drawing was being made

Documents = Callable[[str], "DocumentState | None"]
SettingsFor = Callable[[str], Settings]


class BadRequest(ValueError):
    """Params that cannot be served; the message says what is wrong (answered as invalid params)."""


@dataclass(frozen=True)
class RenderRequest:
    uri: str | None
    text: str | None
    format: str
    theme: str


def _field(params: Any, name: str) -> Any:
    if isinstance(params, dict):
        return params.get(name)
    return getattr(params, name, None)


def parse_request(params: Any) -> RenderRequest:
    """The request's fields, or `BadRequest` saying what is wrong."""
    fmt = _field(params, "format")
    fmt = "svg" if fmt is None else fmt
    theme = _field(params, "theme")
    theme = "light" if theme is None else theme
    if fmt not in FORMATS:
        raise BadRequest(f"{METHOD}: format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if theme not in THEMES:
        raise BadRequest(f"{METHOD}: theme must be one of {', '.join(THEMES)}, not {theme!r}")
    document = _field(params, "textDocument")
    uri = _field(document, "uri") if document is not None else None
    text = _field(params, "text")
    if isinstance(uri, str) and text is None:
        return RenderRequest(uri, None, fmt, theme)
    if isinstance(text, str) and document is None:
        return RenderRequest(None, text, fmt, theme)
    raise BadRequest(f"{METHOD}: give either textDocument.uri or text")


def error_count(model: Model, settings: Settings) -> int:
    """How many diagnostics the editor shows as errors for this model."""
    found = model.diagnostics
    if any(settings.severity(code) is not Severity.OFF for code in SEQUENCE_CODES):
        found = [*found, *model.sequence_diagnostics()]
    return sum(1 for d in found if settings.severity(d.code) is Severity.ERROR)


def draw(model: Model, request: RenderRequest, settings: Settings, version: int | None) -> dict[str, Any]:
    picture = layout(model)
    answer: dict[str, Any] = {"version": version, "errors": error_count(model, settings)}
    if request.format == "json":
        answer["layout"] = layout_json(picture)
    else:
        answer["svg"] = to_svg(picture, theme=request.theme)
    return answer


def snapshot(state: DocumentState) -> Model:
    """A model of its own for a worker thread; statements are immutable, so this is a list copy."""
    source = state.source
    return Model(list(source.lines), list(source.statements))


async def respond(params: Any, documents: Documents, settings_for: SettingsFor) -> dict[str, Any] | None:
    """Answer for the document's latest version; big documents are drawn off the event loop."""
    request = parse_request(params)

    def lookup(uri: str) -> tuple[DocumentState, Settings] | None:
        state = documents(uri)
        return None if state is None else (state, settings_for(state.uri))

    if request.text is not None:
        settings_for_text = settings_for("")  # no file: the editor's settings over the defaults
        text = request.text
        if text.count("\n") < OFF_LOOP_LINES:
            return draw(analyze_text(text), request, settings_for_text, None)
        return await asyncio.to_thread(lambda: draw(analyze_text(text), request, settings_for_text, None))
    assert request.uri is not None
    for _ in range(MAX_RETRIES + 1):
        found = lookup(request.uri)
        if found is None:
            return None
        state, settings = found
        if len(state.lines) <= OFF_LOOP_LINES:
            return draw(state.model, request, settings, state.version)
        version, model = state.version, snapshot(state)
        answer = await asyncio.to_thread(draw, model, request, settings, version)
        latest = lookup(request.uri)
        if latest is None:
            return None
        if latest[0] is state and state.version == version:
            return answer
    # Still being edited after every retry: draw the latest version here, on the loop.
    found = lookup(request.uri)
    if found is None:
        return None
    state, settings = found
    return draw(state.model, request, settings, state.version)
