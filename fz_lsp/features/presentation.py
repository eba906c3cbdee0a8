"""Answers shaped to what the client can show: plain text instead of Markdown, no label details.

Feature modules build the richest answer; these functions take plain flags (resolved
once from the client's capabilities by the session) and drop what the client did not
declare.
"""

from __future__ import annotations

from lsprotocol import types


def fit_completion(
    items: list[types.CompletionItem], markdown: bool, label_details: bool
) -> list[types.CompletionItem]:
    """Markdown documentation as plain text, and label details only for a client that reads them."""
    for item in items:
        if not markdown and isinstance(item.documentation, types.MarkupContent):
            item.documentation = item.documentation.value
        details = item.label_details
        if not label_details or (details is not None and not (details.detail or details.description)):
            item.label_details = None
    return items


def fit_hover(result: types.Hover | None, markdown: bool) -> types.Hover | None:
    """For a client that reads plain text only: drop the Markdown emphasis and code marks."""
    if result is None or markdown or not isinstance(result.contents, types.MarkupContent):
        return result
    plain = result.contents.value.replace("**", "").replace("`", "")
    result.contents = types.MarkupContent(types.MarkupKind.PlainText, plain)
    return result
