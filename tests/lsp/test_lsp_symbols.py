"""Document symbols (lanes holding nodes) and workspace symbols over open and indexed files."""

from __future__ import annotations

from lsp_support import BIG_FILE_NAME, INDEX_TOKEN, MAIN, WORKSPACE_NESTED, WORKSPACE_ORDERS, Doc, Session
from lsprotocol import types as t

S = t.SymbolKind


def whole_line(doc: Doc, needle: str) -> t.Range:
    line = doc.line_of(needle)
    return doc.line_range(line, 0, len(doc.lines[line]))


async def test_document_symbols_nest_nodes_in_lanes(lsp: Session) -> None:
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    shop_end = doc.line_of("}")
    billing_end = len(doc.lines) - 2

    def node(name: str, kind: t.SymbolKind, shape: str, node_id: str) -> t.DocumentSymbol:
        return t.DocumentSymbol(
            name=name,
            detail=shape,
            kind=kind,
            range=whole_line(doc, f"{node_id}:"),  # from the ID to the last attribute's closing quote
            selection_range=doc.range(f"{node_id}:", length=len(node_id)),
        )

    assert await lsp.document_symbols(uri) == [
        t.DocumentSymbol(
            name="Shop (商店 🛒 Shop)",
            detail="商店 🛒 Shop",
            kind=S.Namespace,
            range=doc.line_range(0, 0, 1, end_line=shop_end),
            selection_range=doc.range("Shop"),
            children=(
                node("n1 开始 🚀", S.Event, "circle", "n1"),
                node("n2 Validate order", S.Function, "rectangle", "n2"),
                node("n3 库存够吗？", S.Boolean, "diamond", "n3"),
            ),
        ),
        t.DocumentSymbol(
            name="Billing (账单 🧾)",
            detail="账单 🧾",
            kind=S.Namespace,
            range=doc.line_range(shop_end + 1, 0, 1, end_line=billing_end),
            selection_range=doc.range("Billing {", length=len("Billing")),
            children=(
                node("n4 Charge card", S.Object, "taskbox", "n4"),
                node("n5 完成 🎉", S.Event, "circle", "n5"),
            ),
        ),
    ]


async def test_document_symbols_of_indented_and_unlabelled_lanes(lsp: Session) -> None:
    text = '  Ops {\n\tn1: rectangle label:"运维 🔧" owner:"x"\n  }\n'
    uri = lsp.open(text)
    doc = lsp.doc(text)
    [lane] = await lsp.document_symbols(uri)
    assert (lane.name, lane.detail, lane.range, lane.selection_range) == (
        "Ops",
        None,
        doc.line_range(0, 2, 3, end_line=2),
        doc.range("Ops"),
    )
    assert lane.children == (
        t.DocumentSymbol(
            name="n1 运维 🔧",
            detail="rectangle",
            kind=S.Function,
            range=doc.line_range(1, 1, len(doc.lines[1])),
            selection_range=doc.range("n1"),
        ),
    )


def symbol_view(
    symbols: list[t.WorkspaceSymbol | t.SymbolInformation],
) -> list[tuple[str, t.SymbolKind, str, t.Range, str | None]]:
    view = []
    for symbol in symbols:
        # The JSON of a WorkspaceSymbol with a full location reads back as a SymbolInformation.
        assert isinstance(symbol, (t.WorkspaceSymbol, t.SymbolInformation)) and isinstance(symbol.location, t.Location)
        view.append((symbol.name, symbol.kind, symbol.location.uri, symbol.location.range, symbol.container_name))
    return sorted(view, key=lambda s: (s[2], s[3].start.line, s[0]))


async def workspace_symbols(lsp: Session, query: str) -> list[tuple[str, t.SymbolKind, str, t.Range, str | None]]:
    result = await lsp.client.workspace_symbol_async(t.WorkspaceSymbolParams(query=query))
    return symbol_view(list(result or []))


async def test_workspace_symbols_index_the_folder_and_report_progress(lsp: Session) -> None:
    root = lsp.workspace
    big = root / BIG_FILE_NAME
    # Start-up indexed the folder with work-done progress, and said why the big file was left out.
    reports = lsp.client.progress_reports[INDEX_TOKEN]
    assert reports[0] == t.WorkDoneProgressBegin(title="Indexing FlowZap files", percentage=0)
    assert reports[-1] == t.WorkDoneProgressEnd(message="2 files indexed")  # the big one is skipped
    skipped = [m for m in lsp.client.log_messages if str(big) in m.message]
    assert [(m.type, m.message) for m in skipped] == [
        (
            t.MessageType.Log,
            f"fz-lsp: skipped {big} ({big.stat().st_size} bytes; files over 5 MB are not indexed)",
        )
    ]

    orders_uri = (root / "orders.fz").as_uri()
    support_uri = (root / "team" / "support.fz").as_uri()
    orders, support = Doc(WORKSPACE_ORDERS, lsp.encoding), Doc(WORKSPACE_NESTED, lsp.encoding)
    indexed = [
        ("Orders 订单 Orders", S.Namespace, orders_uri, orders.range("Orders"), None),
        ("n1 收到订单", S.Event, orders_uri, orders.range("n1"), "Orders"),
        ("n2 Pack parcel", S.Function, orders_uri, orders.range("n2"), "Orders"),
        ("Courier", S.Namespace, orders_uri, orders.range("Courier {", length=7), None),
        ("n3 Delivered", S.Event, orders_uri, orders.range("n3:", length=2), "Courier"),
        ("Support 客服", S.Namespace, support_uri, support.range("Support"), None),
        ("n1 Answer ticket", S.Function, support_uri, support.range("n1"), "Support"),
        ("n2 Closed", S.Event, support_uri, support.range("n2"), "Support"),
    ]
    assert await workspace_symbols(lsp, "") == symbol_view_of(indexed)
    assert await workspace_symbols(lsp, "订单") == symbol_view_of(indexed[:2])
    assert await workspace_symbols(lsp, "ANSWER") == symbol_view_of([indexed[6]])
    assert await workspace_symbols(lsp, "filler") == []  # the big file's nodes
    assert await workspace_symbols(lsp, "not a diagram") == []  # a .txt file

    # Open documents join the index, and an open copy of an indexed file replaces it.
    uri = lsp.open(MAIN)
    doc = lsp.doc(MAIN)
    assert await workspace_symbols(lsp, "完成") == [("n5 完成 🎉", S.Event, uri, doc.range("n5:", length=2), "Billing")]
    edited = WORKSPACE_ORDERS.replace("Pack parcel", "Pack 包裹")
    lsp.open(edited, uri=orders_uri)
    assert await workspace_symbols(lsp, "pack") == [
        ("n2 Pack 包裹", S.Function, orders_uri, orders.range("n2"), "Orders")
    ]
    lsp.close(orders_uri)


def symbol_view_of(
    rows: list[tuple[str, t.SymbolKind, str, t.Range, str | None]],
) -> list[tuple[str, t.SymbolKind, str, t.Range, str | None]]:
    return sorted(rows, key=lambda s: (s[2], s[3].start.line, s[0]))


async def test_watched_diagram_files_update_the_index(lsp: Session) -> None:
    folder = lsp.workspace / f"watched-{lsp.encoding}"
    folder.mkdir()
    path = folder / "new.fz"
    try:
        path.write_text('Late { # 迟到\nn1: circle label:"Arrived 🛬"\n}\n', encoding="utf-8")
        created = t.FileEvent(uri=path.as_uri(), type=t.FileChangeType.Created)
        lsp.client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[created]))
        doc = Doc(path.read_text(encoding="utf-8"), lsp.encoding)
        assert await workspace_symbols(lsp, "arrived") == [
            ("n1 Arrived 🛬", S.Event, path.as_uri(), doc.range("n1"), "Late")
        ]
        path.unlink()
        deleted = t.FileEvent(uri=path.as_uri(), type=t.FileChangeType.Deleted)
        lsp.client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[deleted]))
        assert await workspace_symbols(lsp, "arrived") == []
    finally:
        path.unlink(missing_ok=True)
        folder.rmdir()
