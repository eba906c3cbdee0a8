"""Checker options that follow ruff: `--select` enables, `--force-exclude`; one report per broken config.

Also what `fz-lsp` says when started by hand on a terminal, and the summary line
without "0 other".
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

FZ_LSP = Path(sys.executable).with_name("fz-lsp")
REPO = Path(__file__).resolve().parents[2]

# `Shop.n1` asks `Billing.n3` and nothing answers: FZ504, which is off unless selected.
ONE_WAY = """\
Shop { # 商店
n1: circle label:"开始"
n2: rectangle label:"Done"
n1.handle(right) -> n2.handle(left)
n1.handle(bottom) -> Billing.n3.handle(top) [label="Charge"]
}
Billing { # Facturación
n3: rectangle label:"Cobrar"
n4: circle label:"Fin"
n3.handle(right) -> n4.handle(left)
}
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([str(FZ_LSP), *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=environment)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_select_switches_on_a_code_that_is_off_by_default(tmp_path: Path) -> None:
    write(tmp_path / "one-way.fz", ONE_WAY)
    plain = run("check", "one-way.fz", cwd=tmp_path)
    assert (plain.returncode, plain.stdout) == (0, "Checked 1 file: 0 errors, 0 warnings\n")
    selected = run("check", "--select", "FZ504", "one-way.fz", cwd=tmp_path)
    assert selected.returncode == 0
    lines = selected.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith("one-way.fz:5:1: warning FZ504 "), selected.stdout
    assert lines[1] == "Checked 1 file: 0 errors, 1 warning"
    # A prefix selects too; a severity set in the settings file is kept.
    write(tmp_path / ".fz-lsp.toml", '[severity]\nFZ504 = "error"\n')
    prefixed = run("check", "--select", "FZ5", "one-way.fz", cwd=tmp_path)
    assert prefixed.returncode == 1
    assert prefixed.stdout.splitlines()[-1] == "Checked 1 file: 1 error, 0 warnings"


def test_a_broken_settings_file_is_reported_once(tmp_path: Path) -> None:
    config = write(tmp_path / ".fz-lsp.toml", "[severity\n")
    for name in ("a.fz", "b.fz", "sub/c.fz"):
        write(tmp_path / name, ONE_WAY)
    done = run("check", ".", cwd=tmp_path)
    assert done.returncode == 2
    (message,) = done.stderr.splitlines()
    assert message.startswith(f"fz-lsp: {config}: not valid TOML: ") and message.endswith("(3 files not checked)")
    assert done.stdout == "Checked 3 files: 0 errors, 0 warnings; 1 could not be checked\n"


def test_tool_section_copied_into_the_config_file_gets_a_hint(tmp_path: Path) -> None:
    config = write(tmp_path / ".fz-lsp.toml", '[tool.fz-lsp]\nseverity = { FZ501 = "off" }\n')
    write(tmp_path / "a.fz", ONE_WAY)
    done = run("check", "a.fz", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"fz-lsp: {config}: `[tool.fz-lsp]` is how pyproject.toml names the section; "
        "in .fz-lsp.toml drop the `tool.fz-lsp` prefix and write the settings at the top level\n"
    )


def test_force_exclude_applies_exclusions_to_files_named_explicitly(tmp_path: Path) -> None:
    write(tmp_path / ".fz-lsp.toml", 'exclude = ["drafts"]\n')
    write(tmp_path / "drafts" / "wip.fz", "Broken {\nn1: circle label:\n")
    write(tmp_path / "ok.fz", ONE_WAY)
    named = run("check", "drafts/wip.fz", "ok.fz", cwd=tmp_path)
    assert named.returncode == 1 and named.stdout.startswith("drafts/wip.fz:"), named.stdout
    forced = run("check", "--force-exclude", "drafts/wip.fz", "ok.fz", cwd=tmp_path)
    assert (forced.returncode, forced.stdout, forced.stderr) == (0, "Checked 1 file: 0 errors, 0 warnings\n", "")
    command_line = run("check", "--force-exclude", "--exclude", "ok.fz", "ok.fz", cwd=tmp_path)
    assert (command_line.returncode, command_line.stdout) == (0, "Checked 0 files: 0 errors, 0 warnings\n")


def test_the_pre_commit_hook_forces_the_exclusions() -> None:
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    entries = [line.split(":", 1)[1].strip() for line in hooks.splitlines() if line.strip().startswith("entry:")]
    assert entries == ["fz-lsp check --force-exclude"]


def test_started_on_a_terminal_it_says_what_it_waits_for() -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen([str(FZ_LSP)], stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        os.close(terminal)
        deadline = time.monotonic() + 30
        assert process.stderr is not None
        first = process.stderr.readline().decode("utf-8")
        second = process.stderr.readline().decode("utf-8")
        assert first == (
            "fz-lsp: waiting for a language client on stdin (this is the language server; editors start it).\n"
        )
        assert second.startswith("To check files instead: fz-lsp check PATH...")
        time.sleep(0.5)
        assert process.poll() is None and time.monotonic() < deadline  # and it serves: still waiting
    finally:
        process.kill()  # our own child
        process.wait()
        os.close(controller)


def test_not_on_a_terminal_it_says_nothing(tmp_path: Path) -> None:
    done = subprocess.run([str(FZ_LSP)], input=b"", capture_output=True, timeout=60)
    assert (done.returncode, done.stderr) == (1, b"")  # end of input before `exit`: status 1


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """`fz-lsp check . | head -1`: the pipe closes while the checker writes; it stops quietly."""
    broken = (REPO / "examples" / "broken" / "everything-wrong.fz").read_text(encoding="utf-8")
    for number in range(60):  # well over a pipe's buffer of output
        write(tmp_path / f"copy{number}.fz", broken)
    process = subprocess.Popen(
        [str(FZ_LSP), "check", "--jobs", "1", "."], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=120) == 1
    assert first.startswith(b"copy0.fz:")
    assert stderr == ""
