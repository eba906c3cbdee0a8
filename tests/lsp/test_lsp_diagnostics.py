"""Diagnostics: pushed with versions or pulled with result IDs, debounced, and configurable."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsp_support import Session
from lsprotocol import types as t

DIAGRAM = """\
Front { # 前台 Front desk
n1: circle label:"来客"
n2: rectangle label:"Check in"
n1.handle(right) -> n2.handle(left)
n2.handle(bottom) -> Back.n9.handle(top) [label="登记"]
}
Back { # 后台
n3: rectangle label:"Assign room"
}
"""
FIXED_TARGET = "Back.n3"  # what repairs the dangling `Back.n9`


def codes(diagnostics: list[t.Diagnostic]) -> list[tuple[str, t.DiagnosticSeverity | None]]:
    return [(str(d.code), d.severity) for d in diagnostics]


def replace_word(session: Session, text: str, word: str, new: str) -> t.TextDocumentContentChangePartial:
    return t.TextDocumentContentChangePartial(range=session.doc(text).range(word), text=new)


async def test_diagnostics_on_open_and_change(lsp: Session) -> None:
    uri = lsp.open(DIAGRAM, version=3)
    doc = lsp.doc(DIAGRAM)
    first = await lsp.diagnostics(uri, 3)
    assert [(d.code, d.range) for d in first] == [
        ("FZ101", doc.range("n9")),
        ("FZ501", doc.range("n3")),
    ]
    lsp.change(uri, 4, replace_word(lsp, DIAGRAM, "n9", "n3"))
    assert await lsp.diagnostics(uri, 4) == []
    # A whole-document change (no range) replaces the text.
    lsp.change(uri, 5, t.TextDocumentContentChangeWholeDocument(text=DIAGRAM.replace("n3:", "n4:")))
    again = lsp.doc(DIAGRAM.replace("n3:", "n4:"))
    assert [(d.code, d.range) for d in await lsp.diagnostics(uri, 5)] == [
        ("FZ101", again.range("n9")),
        ("FZ204", again.range("n4")),  # same place: in code order
        ("FZ501", again.range("n4")),
    ]
    if not lsp.pull:
        assert [p.version for p in lsp.publishes_for(uri)] == [3, 4, 5]


async def test_push_carries_the_version_and_close_clears(lsp: Session) -> None:
    uri = lsp.open(DIAGRAM, version=7)
    if lsp.pull:
        assert len(await lsp.diagnostics(uri, 7)) == 2
        lsp.close(uri)
        report = await lsp.pull_report(uri)  # closed: nothing to report (and nothing was pushed)
        assert isinstance(report, t.RelatedFullDocumentDiagnosticReport) and list(report.items) == []
        return
    published = await lsp.wait_publish(uri, lambda p: p.version == 7)
    assert len(published.diagnostics) == 2
    lsp.close(uri)
    cleared = await lsp.wait_publish(uri, lambda p: p.version is None)
    assert list(cleared.diagnostics) == []
    assert lsp.publishes_for(uri) == [published, cleared]
    # Opened again, the versions start over: version 1 is not "older" than the 7 before.
    lsp.open(DIAGRAM, uri=uri, version=1)
    reopened = await lsp.wait_publish(uri, lambda p: p.version == 1)
    assert reopened.diagnostics == published.diagnostics


async def test_pull_reports_result_ids_and_unchanged(lsp: Session) -> None:
    uri = lsp.open(DIAGRAM)
    first = await lsp.pull_report(uri)
    assert isinstance(first, t.RelatedFullDocumentDiagnosticReport)
    assert first.kind == "full" and first.result_id
    assert codes(list(first.items)) == [("FZ101", t.DiagnosticSeverity.Error), ("FZ501", t.DiagnosticSeverity.Warning)]

    second = await lsp.pull_report(uri, previous=first.result_id)
    assert isinstance(second, t.RelatedUnchangedDocumentDiagnosticReport)
    assert second.kind == "unchanged" and second.result_id == first.result_id

    lsp.change(uri, 2, replace_word(lsp, DIAGRAM, "Back.n9", FIXED_TARGET))
    third = await lsp.pull_report(uri, previous=first.result_id)
    assert isinstance(third, t.RelatedFullDocumentDiagnosticReport)
    assert third.result_id != first.result_id and list(third.items) == []

    closed = lsp.new_uri("never-opened")
    report = await lsp.pull_report(closed)
    assert isinstance(report, t.RelatedFullDocumentDiagnosticReport) and list(report.items) == []


async def test_quick_fix_from_diagnostic_data(lsp: Session) -> None:
    uri = lsp.open(DIAGRAM)
    doc = lsp.doc(DIAGRAM)
    dangling = next(d for d in await lsp.diagnostics(uri, 1) if d.code == "FZ101")
    actions = await lsp.client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri),
            range=dangling.range,
            context=t.CodeActionContext(diagnostics=[dangling]),
        )
    )
    assert actions is not None
    [action] = actions
    assert isinstance(action, t.CodeAction)
    assert action.title == "Change to `n3`" and action.kind == t.CodeActionKind.QuickFix
    assert action.edit == t.WorkspaceEdit(changes={uri: (t.TextEdit(doc.range("n9"), "n3"),)})


async def test_debounce_publishes_once_with_the_last_version(lsp: Session) -> None:
    await lsp.change_configuration({"fz-lsp": {"debounceMs": 100}})
    try:
        uri = lsp.open(DIAGRAM)
        text, old = DIAGRAM, "Back.n9"
        for version, new in enumerate(["Back.n8", "Back.n7", "Back.n6", "Back.n5", "Back.n3"], start=2):
            lsp.change(uri, version, replace_word(lsp, text, old, new))
            text, old = text.replace(old, new), new
        if lsp.pull:
            assert await lsp.diagnostics(uri, 6) == []
        else:
            published = await lsp.wait_publish(uri, lambda p: p.version == 6)
            assert list(published.diagnostics) == []
            await asyncio.sleep(0.3)  # anything stale would have arrived by now
            assert [p.version for p in lsp.publishes_for(uri)] == [6]

        # Closed while a publish is pending: the clearing is the last word.
        other = lsp.open(DIAGRAM)
        lsp.change(other, 2, replace_word(lsp, DIAGRAM, "Back.n9", FIXED_TARGET))
        lsp.close(other)
        await asyncio.sleep(0.3)
        if not lsp.pull:
            assert [(p.version, list(p.diagnostics)) for p in lsp.publishes_for(other)] == [(None, [])]
    finally:
        await lsp.change_configuration({"fz-lsp": {"debounceMs": 0}})


async def test_severity_from_workspace_configuration(lsp: Session) -> None:
    uri = lsp.open(DIAGRAM)
    before = await lsp.diagnostics(uri, 1)
    assert codes(before) == [("FZ101", t.DiagnosticSeverity.Error), ("FZ501", t.DiagnosticSeverity.Warning)]
    first_pull = await lsp.pull_report(uri) if lsp.pull else None

    mark = len(lsp.client.publishes)
    lsp.client.set_configuration({"debounceMs": 0, "severity": {"FZ501": "off", "FZ101": "info"}}, section="fz-lsp")
    try:
        await lsp.change_configuration(None)
        expected = [("FZ101", t.DiagnosticSeverity.Information)]
        if first_pull is not None:
            # The client pulls again after a settings change; the old result ID no longer matches.
            report = await lsp.pull_report(uri, previous=first_pull.result_id)
            assert isinstance(report, t.RelatedFullDocumentDiagnosticReport)
            assert report.result_id != first_pull.result_id
            assert codes(list(report.items)) == expected
        else:
            republished = await lsp.wait_publish(uri, lambda p: True, since=mark)
            assert republished.version == 1
            assert codes(list(republished.diagnostics)) == expected
    finally:
        lsp.client.set_configuration({"debounceMs": 0}, section="fz-lsp")
        await lsp.change_configuration(None)
    restored = lsp.open(DIAGRAM)
    assert codes(await lsp.diagnostics(restored, 1)) == codes(before)


async def test_severity_from_config_file_next_to_the_document(lsp: Session, tmp_path: Path) -> None:
    folder = tmp_path / "项目 docs"
    folder.mkdir()
    (folder / ".fz-lsp.toml").write_text('[severity]\nFZ501 = "off"\nFZ101 = "warning"\n', encoding="utf-8")
    path = folder / "hotel.fz"
    path.write_text(DIAGRAM, encoding="utf-8")
    uri = lsp.open(DIAGRAM, uri=path.as_uri())
    assert codes(await lsp.diagnostics(uri, 1)) == [("FZ101", t.DiagnosticSeverity.Warning)]

    elsewhere = lsp.open(DIAGRAM)  # no config file there: the defaults
    assert codes(await lsp.diagnostics(elsewhere, 1)) == [
        ("FZ101", t.DiagnosticSeverity.Error),
        ("FZ501", t.DiagnosticSeverity.Warning),
    ]


async def test_config_file_changes_on_disk_are_picked_up(lsp: Session, tmp_path: Path) -> None:
    config = tmp_path / ".fz-lsp.toml"
    config.write_text('severity = { FZ501 = "off" }\n', encoding="utf-8")
    path = tmp_path / "watched.fz"
    path.write_text(DIAGRAM, encoding="utf-8")
    uri = lsp.open(DIAGRAM, uri=path.as_uri())
    assert codes(await lsp.diagnostics(uri, 1)) == [("FZ101", t.DiagnosticSeverity.Error)]

    config.write_text('severity = { FZ501 = "info" }\n', encoding="utf-8")
    mark = len(lsp.client.publishes)
    lsp.client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(changes=[t.FileEvent(uri=config.as_uri(), type=t.FileChangeType.Changed)])
    )
    expected = [("FZ101", t.DiagnosticSeverity.Error), ("FZ501", t.DiagnosticSeverity.Information)]
    if lsp.pull:
        await lsp.round_trip()
        assert codes(await lsp.diagnostics(uri, 1)) == expected
    else:
        republished = await lsp.wait_publish(uri, lambda p: True, since=mark)
        assert codes(list(republished.diagnostics)) == expected


async def test_invalid_editor_settings_fall_back_to_the_defaults(lsp: Session) -> None:
    logs = len(lsp.client.log_messages)
    await lsp.change_configuration({"fz-lsp": {"debounceMs": 0, "severity": {"FZ999": "off"}}})
    try:
        uri = lsp.open(DIAGRAM)
        assert codes(await lsp.diagnostics(uri, 1)) == [
            ("FZ101", t.DiagnosticSeverity.Error),
            ("FZ501", t.DiagnosticSeverity.Warning),
        ]
        lsp.change(uri, 2, replace_word(lsp, DIAGRAM, "Back.n9", FIXED_TARGET))
        assert await lsp.diagnostics(uri, 2) == []
        # Said once, not at every change.
        assert [(m.type, m.message) for m in lsp.client.log_messages[logs:]] == [
            (t.MessageType.Warning, "fz-lsp: editor settings `fz-lsp`: unknown code FZ999; codes run FZ001 to FZ505")
        ]
    finally:
        await lsp.change_configuration({"fz-lsp": {"debounceMs": 0}})


async def test_settings_files_are_watched_where_the_client_allows(lsp: Session) -> None:
    watchers = {registration.method: registration.register_options for registration in lsp.client.registrations}
    if lsp.preset.startswith("neovim"):  # no dynamic registration for watched files
        assert watchers == {}
    else:
        assert watchers == {
            t.WORKSPACE_DID_CHANGE_WATCHED_FILES: {
                "watchers": [
                    {"globPattern": "**/.fz-lsp.toml"},
                    {"globPattern": "**/pyproject.toml"},
                    {"globPattern": "**/*.fz"},
                ]
            }
        }
