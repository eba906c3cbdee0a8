"""Position encodings: negotiated per client, applied to every range out and position in."""

from __future__ import annotations

from lsp_support import ENCODINGS, LOOP_LINE, MAIN, Session, units
from lsprotocol import types as t


def test_units_helper_counts_like_the_encodings() -> None:
    # The test's own converter, checked on text whose widths are known by heart.
    assert [units("a开🚀", e) for e in ("utf-8", "utf-16", "utf-32")] == [1 + 3 + 4, 1 + 1 + 2, 3]


async def test_position_encoding_is_negotiated_per_client(lsp: Session) -> None:
    assert lsp.result.capabilities.position_encoding == ENCODINGS[lsp.preset]
    assert lsp.result.server_info is not None and lsp.result.server_info.name == "fz-lsp"
    sync = lsp.result.capabilities.text_document_sync
    assert isinstance(sync, t.TextDocumentSyncOptions)
    assert sync.change == t.TextDocumentSyncKind.Incremental and sync.open_close
    provider = lsp.result.capabilities.diagnostic_provider
    assert isinstance(provider, t.DiagnosticOptions) and provider.identifier == "flowzap"


def _emoji_warning(emoji: str, where: str) -> str:
    return f"emoji U+{ord(emoji):04X} in {where}: FlowZap does not allow emoji or control characters"


async def test_diagnostic_ranges_are_in_client_units(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    found = await lsp.diagnostics(uri, 1)

    warning, error = t.DiagnosticSeverity.Warning, t.DiagnosticSeverity.Error
    emoji = [
        ("🛒", "a lane label"),
        ("🚀", "a label"),
        ("📦", "an edge label"),
        ("💳", "an edge label"),
        ("🧾", "a lane label"),
        ("🎉", "a label"),
        ("✅", "an edge label"),
    ]
    expected = [(doc.range(char), "FZ212", warning, _emoji_warning(char, where)) for char, where in emoji]
    expected.append(
        (
            doc.range("n33"),
            "FZ101",
            error,
            '`n33` is not declared; did you mean `n3` "库存够吗？"?',
        )
    )
    expected.sort(key=lambda item: (item[0].start.line, item[0].start.character))
    actual = [(d.range, d.code, d.severity, d.message) for d in found]
    assert actual == expected
    assert all(d.source == "flowzap" for d in found)

    [dangling] = [d for d in found if d.code == "FZ101"]
    assert dangling.related_information is not None
    [related] = dangling.related_information
    assert related.location == t.Location(uri, doc.range("n3:", length=2))
    assert related.message == "`n3` is declared here"
    # The quick fix travels in `data`, its edit in the client's units too.
    n33 = doc.range("n33")
    assert dangling.data == {
        "fix": {
            "title": "Change to `n3`",
            "edits": [
                {
                    "range": {
                        "start": {"line": n33.start.line, "character": n33.start.character},
                        "end": {"line": n33.end.line, "character": n33.end.character},
                    },
                    "newText": "n3",
                }
            ],
        }
    }


async def test_positions_after_emoji_are_read_in_client_units(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    # `loop [重试 🔁] n2 n33 Billing.n4`: every member sits after the emoji.
    member = doc.pos("n4", line=LOOP_LINE, delta=1)
    [location] = await lsp.definition(uri, member)
    assert location == t.Location(uri, doc.range("n4:", length=2))

    hover = await lsp.hover(uri, doc.pos("n2", line=LOOP_LINE))
    assert hover is not None and hover.range == doc.range("n2", line=LOOP_LINE)
    assert isinstance(hover.contents, t.MarkupContent)
    assert hover.contents.value.startswith("**n2 Validate order**")

    prefix = await lsp.hover(uri, doc.end("Billing", line=LOOP_LINE))  # the end of a word still counts
    assert prefix is not None and prefix.range == doc.range("Billing", line=LOOP_LINE)

    # One unit past the emoji's first half is inside the emoji: nothing there, and no error.
    inside = doc.pos("🔁", line=LOOP_LINE)
    assert await lsp.hover(uri, t.Position(inside.line, inside.character + 1)) is None

    # Completion right after the members: the edit range is in client units.
    typed = "loop [重试 🔁] n2 n"
    text = MAIN.replace("loop [重试 🔁] n2 n33 Billing.n4", typed)
    other = lsp.open(text)
    items = await lsp.completion(other, lsp.doc(text).end(typed))
    edits = {item.label: item.text_edit for item in items}
    assert edits["n1"] == t.TextEdit(lsp.doc(text).range("n", line=LOOP_LINE, occurrence=1), "n1")


async def test_crlf_and_byte_order_mark(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    lf = [(d.code, d.range) for d in await lsp.diagnostics(uri, 1)]
    crlf = lsp.open(MAIN.replace("\n", "\r\n"))
    assert [(d.code, d.range) for d in await lsp.diagnostics(crlf, 1)] == lf

    # A BOM stays in the text the client counts in, so the first line's columns move by its width.
    bom = lsp.open("\ufeff" + MAIN)
    doc = lsp.doc("\ufeff" + MAIN)
    found = await lsp.diagnostics(bom, 1)
    assert [(d.code, d.range) for d in found] == [(code, doc.range("🛒") if r.start.line == 0 else r) for code, r in lf]
    assert found[0].range.start.character == lf[0][1].start.character + units("\ufeff", lsp.encoding)
    [location] = await lsp.definition(bom, doc.pos("Shop.n3"))
    assert location.range == doc.range("Shop")
