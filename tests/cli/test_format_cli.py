"""`fz-lsp format`, run as the installed console script: ruff's modes and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fz_lsp.features.formatting import format_text

FZ_LSP = Path(sys.executable).with_name("fz-lsp")
MESSY = 'Shop {#  商店 🛒\nn1:circle label:"开始 🚀"  \n}\nBilling {\n  n2: rectangle label:"x"\n}\n'
CLEAN = 'Shop { # 商店 🛒\n  n1: circle label:"开始 🚀"\n}\n\nBilling {\n  n2: rectangle label:"x"\n}\n'
BROKEN = 'Shop {\n n1: circle label:"x"\nn1.handle(up -> \n}\n'


def fz(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [str(FZ_LSP), *args], cwd=cwd, input=stdin, capture_output=True, text=True, encoding="utf-8", env=env
    )


def test_format_writes_in_place_and_reports(tmp_path: Path) -> None:
    (tmp_path / "a.fz").write_text(MESSY, encoding="utf-8")
    (tmp_path / "b.fz").write_text(CLEAN, encoding="utf-8")
    result = fz("format", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "1 file reformatted, 1 file left unchanged\n", "")
    assert (tmp_path / "a.fz").read_text(encoding="utf-8") == CLEAN
    assert format_text(MESSY) == CLEAN
    again = fz("format", "a.fz", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "0 files reformatted, 1 file left unchanged\n")


def test_check_and_diff_write_nothing_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "a.fz"
    path.write_bytes(MESSY.replace("\n", "\r\n").encode("utf-8"))
    check = fz("format", "--check", "a.fz", cwd=tmp_path)
    assert (check.returncode, check.stdout) == (
        1,
        "Would reformat: a.fz\n1 file would be reformatted, 0 files already formatted\n",
    )
    diff = fz("format", "--diff", "a.fz", cwd=tmp_path)
    assert diff.returncode == 1
    assert diff.stdout.replace("\r", "") == (
        "--- a.fz\n+++ a.fz\n@@ -1,6 +1,7 @@\n"
        '-Shop {#  商店 🛒\n-n1:circle label:"开始 🚀"  \n+Shop { # 商店 🛒\n+  n1: circle label:"开始 🚀"\n'
        ' }\n+\n Billing {\n   n2: rectangle label:"x"\n }\n'
    )
    assert diff.stderr == "1 file would be reformatted, 0 files already formatted\n"
    assert path.read_bytes() == MESSY.replace("\n", "\r\n").encode("utf-8")
    fz("format", "a.fz", cwd=tmp_path)
    assert path.read_bytes() == CLEAN.replace("\n", "\r\n").encode("utf-8")  # CRLF kept
    clean = fz("format", "--check", "a.fz", cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "0 files would be reformatted, 1 file already formatted\n")


def test_syntax_errors_and_unreadable_files_exit_2_and_change_nothing(tmp_path: Path) -> None:
    (tmp_path / "broken.fz").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "latin1.fz").write_bytes("A { # caf\xe9\n}\n".encode("latin-1"))
    (tmp_path / "ok.fz").write_text(MESSY, encoding="utf-8")
    result = fz("format", "broken.fz", "latin1.fz", "ok.fz", "missing.fz", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: missing.fz: no such file or folder",
        "error: broken.fz: not formatted: syntax error on line 3; fix it first",
        "error: latin1.fz: not UTF-8 text (byte 0xe9 at offset 9)",
    ]
    assert result.stdout == "1 file reformatted, 0 files left unchanged\n"
    assert (tmp_path / "broken.fz").read_text(encoding="utf-8") == BROKEN
    assert (tmp_path / "ok.fz").read_text(encoding="utf-8") == CLEAN


def test_stdin_to_stdout(tmp_path: Path) -> None:
    result = fz("format", "-", cwd=tmp_path, stdin=MESSY)
    assert (result.returncode, result.stdout, result.stderr) == (0, CLEAN, "")
    check = fz("format", "--check", "-", cwd=tmp_path, stdin=MESSY)
    assert (check.returncode, check.stdout) == (1, "Would reformat: -\n")
