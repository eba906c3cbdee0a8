"""One fz-lsp server per client preset for the whole session, and a per-test view of it.

Each test gets a `Session` (fixture `lsp`) bound to the session's server. It opens
documents under distinct URIs; whatever it leaves open is closed afterwards, and the
test fails if the server showed a message, logged an error or pushed diagnostics to
a client that pulls them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsp_support import (
    BIG_FILE_BYTES,
    BIG_FILE_NAME,
    ENCODINGS,
    PRESETS,
    SERVER_COMMAND,
    WORKSPACE_NESTED,
    WORKSPACE_ORDERS,
    RecordingClient,
    Session,
    initialize_params,
    make_client,
    wait_for_index,
)
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig


@pytest.fixture(scope="session")
def workspace_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace folder: two diagrams, one file over 5 MB, and a file that is no diagram."""
    root = tmp_path_factory.mktemp("workspace")
    (root / "orders.fz").write_text(WORKSPACE_ORDERS, encoding="utf-8")
    (root / "team").mkdir()
    (root / "team" / "support.fz").write_text(WORKSPACE_NESTED, encoding="utf-8")
    line = b'n1: rectangle label:"filler"\n'
    with (root / BIG_FILE_NAME).open("wb") as handle:
        handle.write(b"Huge { # Huge\n")
        handle.write(line * (BIG_FILE_BYTES // len(line) + 1))
    (root / "notes.txt").write_text("Orders { # not a diagram\n", encoding="utf-8")
    # Dependency and tool folders are never indexed.
    for skipped in ("node_modules/pkg", ".git", ".venv/share"):
        (root / skipped).mkdir(parents=True)
        (root / skipped / "vendored.fz").write_text(WORKSPACE_NESTED, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def docs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where test documents live (as URIs; nothing is written there)."""
    return tmp_path_factory.mktemp("docs")


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client),
    scope="session",
    params=PRESETS,
)
async def client(
    lsp_client: RecordingClient, request: pytest.FixtureRequest, workspace_dir: Path, docs_dir: Path
) -> AsyncIterator[None]:
    preset: str = request.param
    result = await lsp_client.initialize_session(initialize_params(preset, workspace_dir, {"debounceMs": 0}))
    lsp_client.session_info = (preset, result, workspace_dir, docs_dir)
    await wait_for_index(lsp_client)  # the server's start-up work (settings, refresh, index) is over
    yield
    await lsp_client.shutdown_session()
    server = lsp_client._server
    assert server is not None and server.returncode == 0, "the server did not exit cleanly after shutdown"


@pytest.fixture
async def lsp(client: RecordingClient, request: pytest.FixtureRequest) -> AsyncIterator[Session]:
    assert client.session_info is not None
    preset, result, workspace, docs = client.session_info
    session = Session(client, preset, ENCODINGS[preset], result, docs, workspace, test_name=request.node.originalname)
    logs_before = len(client.log_messages)
    stderr_before = len(client.stderr_lines)
    publishes_before = len(client.publishes)
    yield session
    for uri in list(session.opened):
        session.close(uri)
    await client.text_document_hover_async(  # a round trip: the closes have been handled
        t.HoverParams(t.TextDocumentIdentifier(session.new_uri("flush")), t.Position(0, 0))
    )
    assert client.error is None, client.error
    assert client.messages == [], [m.message for m in client.messages]
    errors = [m.message for m in client.log_messages[logs_before:] if m.type == t.MessageType.Error]
    assert errors == [], errors
    crashes = [line for line in client.stderr_lines[stderr_before:] if "Traceback" in line or "ERROR" in line]
    assert crashes == [], "".join(client.stderr_lines[stderr_before:])
    if session.pull:
        pushed = client.publishes[publishes_before:]
        assert pushed == [], f"diagnostics pushed to a pull client: {[p.uri for p in pushed]}"
