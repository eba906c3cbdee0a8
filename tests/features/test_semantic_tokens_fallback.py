"""Semantic tokens never answer with an error while typing: a failure gives the last good tokens."""

from __future__ import annotations

import pytest
from lsprotocol import types as t

from fz_lsp.features import semantic_tokens
from fz_lsp.server import FlowZapServer, on_semantic_tokens, on_semantic_tokens_delta

URI = "file:///tmp/tokens-fallback.fz"
TEXT = (
    'Shop { # 商店 🛒\nn1: circle label:"开始 🚀"\nn2: rectangle label:"付款"\nn1.handle(right) -> n2.handle(left)\n}\n'
)


def test_a_failure_answers_with_the_last_good_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    ls = FlowZapServer()
    ls.session.start(t.ClientCapabilities(), "utf-16", {})
    ls.session.open(URI, TEXT, 1)
    document = t.TextDocumentIdentifier(URI)
    good = on_semantic_tokens(ls, t.SemanticTokensParams(document))
    assert good.result_id is not None
    # Line 0: `Shop` is a lane declaration; the label `# 商店 🛒` a string of 7 UTF-16 units (the cart is two).
    lane = [0, 0, 4, semantic_tokens.NAMESPACE, semantic_tokens.DECLARATION]
    label = [0, 7, 7, semantic_tokens.STRING, 0]
    assert good.data[:10] == [*lane, *label]

    def broken(*args: object, **kwargs: object) -> list[int]:
        raise RuntimeError("tokeniser failed")

    monkeypatch.setattr(semantic_tokens, "encode", broken)
    monkeypatch.setattr(ls, "report_server_error", lambda error, source: None)
    again = on_semantic_tokens(ls, t.SemanticTokensParams(document))
    assert (again.data, again.result_id) == (good.data, good.result_id)
    delta = on_semantic_tokens_delta(ls, t.SemanticTokensDeltaParams(document, good.result_id))
    assert isinstance(delta, t.SemanticTokens)
    assert (delta.data, delta.result_id) == (good.data, good.result_id)
