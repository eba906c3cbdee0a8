"""Semantic tokens (full, range, delta), folding ranges and selection ranges over stdio."""

from __future__ import annotations

from lsp_support import Doc, Session
from lsprotocol import types as t

TEXT = """\
// 注释 😀 one
// 注释 two
Shop { # 商店 🛒
n1: circle label:"开始 🚀" owner:"我"
n1.handle(right) -> Billing.n4.handle(top) [label="下单 📦"]
loop [重试 🔁] n1 n9 Billing.n4
}
Billing {
n4: rectangle label:"x 🎉"
}
"""

TYPES = ["namespace", "variable", "type", "enumMember", "keyword", "property", "string", "comment"]
DECL, DANGLING = 1, 2

# (line, text, occurrence on that line, type, modifiers), in file order.
EXPECTED = [
    (0, "// 注释 😀 one", 0, "comment", 0),
    (1, "// 注释 two", 0, "comment", 0),
    (2, "Shop", 0, "namespace", DECL),
    (2, "# 商店 🛒", 0, "string", 0),
    (3, "n1", 0, "variable", DECL),
    (3, "circle", 0, "type", 0),
    (3, "label", 0, "property", 0),
    (3, '"开始 🚀"', 0, "string", 0),
    (3, "owner", 0, "property", 0),
    (3, '"我"', 0, "string", 0),
    (4, "n1", 0, "variable", 0),
    (4, "handle", 0, "keyword", 0),
    (4, "right", 0, "enumMember", 0),
    (4, "Billing", 0, "namespace", 0),
    (4, "n4", 0, "variable", 0),
    (4, "handle", 1, "keyword", 0),
    (4, "top", 0, "enumMember", 0),
    (4, "label", 0, "property", 0),
    (4, '"下单 📦"', 0, "string", 0),
    (5, "loop", 0, "keyword", 0),
    (5, "[重试 🔁]", 0, "string", 0),
    (5, "n1", 0, "variable", 0),
    (5, "n9", 0, "variable", DANGLING),
    (5, "Billing", 0, "namespace", 0),
    (5, "n4", 0, "variable", 0),
    (7, "Billing", 0, "namespace", DECL),
    (8, "n4", 0, "variable", DECL),
    (8, "rectangle", 0, "type", 0),
    (8, "label", 0, "property", 0),
    (8, '"x 🎉"', 0, "string", 0),
]


def expected_tokens(doc: Doc, rows: list[tuple[int, str, int, str, int]]) -> list[tuple[int, int, int, str, int]]:
    """(line, start, length, type, modifiers) in the client's units, from the test's own converter."""
    found = []
    for line, needle, occurrence, kind, modifiers in rows:
        rng = doc.range(needle, occurrence, line=line)
        found.append((line, rng.start.character, rng.end.character - rng.start.character, kind, modifiers))
    return found


def decode(data: list[int]) -> list[tuple[int, int, int, str, int]]:
    found = []
    line = start = 0
    for index in range(0, len(data), 5):
        delta_line, delta_start, length, kind, modifiers = data[index : index + 5]
        line += delta_line
        start = start + delta_start if delta_line == 0 else delta_start
        found.append((line, start, length, TYPES[kind], modifiers))
    return found


async def full(lsp: Session, uri: str) -> t.SemanticTokens:
    result = await lsp.client.text_document_semantic_tokens_full_async(
        t.SemanticTokensParams(t.TextDocumentIdentifier(uri))
    )
    assert isinstance(result, t.SemanticTokens)
    return result


async def test_legend_and_full_tokens(lsp: Session) -> None:
    provider = lsp.result.capabilities.semantic_tokens_provider
    assert isinstance(provider, t.SemanticTokensOptions)
    assert list(provider.legend.token_types) == TYPES
    assert list(provider.legend.token_modifiers) == ["declaration", "dangling"]
    assert provider.range is True
    assert provider.full == t.SemanticTokensFullDelta(delta=True)
    uri = lsp.open(TEXT)
    result = await full(lsp, uri)
    assert decode(list(result.data)) == expected_tokens(lsp.doc(TEXT), EXPECTED)
    assert result.result_id


async def test_range_tokens_are_the_lines_asked_for(lsp: Session) -> None:
    uri = lsp.open(TEXT)
    result = await lsp.client.text_document_semantic_tokens_range_async(
        t.SemanticTokensRangeParams(t.TextDocumentIdentifier(uri), t.Range(t.Position(4, 3), t.Position(5, 2)))
    )
    assert isinstance(result, t.SemanticTokens)
    rows = [row for row in EXPECTED if row[0] in (4, 5)]
    assert decode(list(result.data)) == expected_tokens(lsp.doc(TEXT), rows)


def apply_edits(data: list[int], edits: list[t.SemanticTokensEdit]) -> list[int]:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        data = data[: edit.start] + list(edit.data or []) + data[edit.start + edit.delete_count :]
    return data


async def test_delta_after_edits_equals_full_and_never_fails_while_typing(lsp: Session) -> None:
    uri = lsp.open(TEXT)
    doc = lsp.doc(TEXT)
    previous = await full(lsp, uri)
    data = list(previous.data)
    text = TEXT
    # Type `n1.handle(bottom) -> n4.handle(top)` into a new line after the loop, one key at a time.
    typed = "\nn1.handle(bottom) -> n9.handle(top)"
    line, column = 5, len(doc.lines[5])
    for version, char in enumerate(typed, start=2):
        position = lsp.doc(text).at(line, column)
        lsp.change(uri, version, t.TextDocumentContentChangePartial(range=t.Range(position, position), text=char))
        lines = text.split("\n")
        lines[line] = lines[line][:column] + char + lines[line][column:]
        text = "\n".join(lines)
        if char == "\n":
            line, column = line + 1, 0
        else:
            column += 1
        result = await lsp.client.text_document_semantic_tokens_full_delta_async(
            t.SemanticTokensDeltaParams(t.TextDocumentIdentifier(uri), previous.result_id or "")
        )
        assert isinstance(result, t.SemanticTokensDelta), result
        data = apply_edits(data, list(result.edits))
        fresh = await full(lsp, uri)
        assert data == list(fresh.data), (version, text.split("\n")[line])
        previous = fresh
    rows = [
        *EXPECTED[:25],
        (6, "n1", 0, "variable", 0),
        (6, "handle", 0, "keyword", 0),
        (6, "bottom", 0, "enumMember", 0),
    ]
    rows += [(6, "n9", 0, "variable", DANGLING), (6, "handle", 1, "keyword", 0), (6, "top", 0, "enumMember", 0)]
    rows += [(row[0] + 1, *row[1:]) for row in EXPECTED[25:]]
    assert decode(data) == expected_tokens(lsp.doc(text), rows)  # type: ignore[arg-type]


async def test_a_stale_result_id_gets_full_tokens(lsp: Session) -> None:
    uri = lsp.open(TEXT)
    result = await lsp.client.text_document_semantic_tokens_full_delta_async(
        t.SemanticTokensDeltaParams(t.TextDocumentIdentifier(uri), "no-such-result")
    )
    assert isinstance(result, t.SemanticTokens)
    assert decode(list(result.data)) == expected_tokens(lsp.doc(TEXT), EXPECTED)


async def test_folding_ranges_per_lane_and_comment_run(lsp: Session) -> None:
    uri = lsp.open(TEXT + 'Open {\nn5: circle label:"😀"\n')
    result = await lsp.client.text_document_folding_range_async(t.FoldingRangeParams(t.TextDocumentIdentifier(uri)))
    assert [(r.start_line, r.end_line, r.kind) for r in result or []] == [
        (0, 1, t.FoldingRangeKind.Comment),
        (2, 5, None),  # Shop: the header to the line before `}`
        (7, 8, None),
        (10, 12, None),  # a lane never closed runs to the end of the file
    ]


async def test_selection_ranges_grow_from_token_to_file(lsp: Session) -> None:
    uri = lsp.open(TEXT)
    doc = lsp.doc(TEXT)
    positions = [doc.pos("n4", line=5, delta=1), doc.pos("开始", delta=1), doc.pos("top", line=4)]
    result = await lsp.client.text_document_selection_range_async(
        t.SelectionRangeParams(t.TextDocumentIdentifier(uri), positions)
    )

    def chain(item: t.SelectionRange | None) -> list[t.Range]:
        found = []
        while item is not None:
            found.append(item.range)
            item = item.parent
        return found

    file = doc.line_range(0, 0, 0, 10)
    shop = doc.line_range(2, 0, 1, 6)
    loop = doc.lines[5]
    assert chain(result[0]) == [
        doc.range("n4", line=5),
        doc.range("Billing.n4", line=5),
        doc.line_range(5, 0, len(loop)),
        shop,
        file,
    ]
    assert chain(result[1]) == [
        doc.range("开始 🚀"),
        doc.range('"开始 🚀"'),
        doc.range('label:"开始 🚀"'),
        doc.line_range(3, 0, len(doc.lines[3])),
        shop,
        file,
    ]
    assert chain(result[2]) == [
        doc.range("top", line=4),
        doc.range(".handle(top)", line=4),
        doc.range("Billing.n4.handle(top)", line=4),
        doc.line_range(4, 0, len(doc.lines[4])),
        shop,
        file,
    ]
