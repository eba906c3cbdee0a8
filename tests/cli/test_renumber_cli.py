"""`fz-lsp renumber`, run as the installed console script."""

from __future__ import annotations

from pathlib import Path

from test_format_cli import fz

GAPPED = 'A { # 甲\nn2: circle label:"开始 🚀"\nn5: circle label:"b"\nn2.handle(right) -> n5.handle(left)\n}\n'
NUMBERED = 'A { # 甲\nn1: circle label:"开始 🚀"\nn2: circle label:"b"\nn1.handle(right) -> n2.handle(left)\n}\n'


def test_renumber_in_place_check_and_diff(tmp_path: Path) -> None:
    path = tmp_path / "a.fz"
    path.write_text(GAPPED, encoding="utf-8")
    check = fz("renumber", "--check", "a.fz", cwd=tmp_path)
    assert (check.returncode, check.stdout) == (
        1,
        "Would renumber: a.fz\n1 file would be renumbered, 0 files already numbered\n",
    )
    diff = fz("renumber", "--diff", "a.fz", cwd=tmp_path)
    assert diff.returncode == 1
    assert diff.stdout == (
        "--- a.fz\n+++ a.fz\n@@ -1,5 +1,5 @@\n A { # 甲\n"
        '-n2: circle label:"开始 🚀"\n-n5: circle label:"b"\n-n2.handle(right) -> n5.handle(left)\n'
        '+n1: circle label:"开始 🚀"\n+n2: circle label:"b"\n+n1.handle(right) -> n2.handle(left)\n }\n'
    )
    assert path.read_text(encoding="utf-8") == GAPPED
    done = fz("renumber", "a.fz", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "1 file renumbered, 0 files left unchanged\n")
    assert path.read_text(encoding="utf-8") == NUMBERED
    again = fz("renumber", "--check", "a.fz", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "0 files would be renumbered, 1 file already numbered\n")


def test_renumber_refuses_with_the_lines_to_fix(tmp_path: Path) -> None:
    text = GAPPED + 'B {\nn5: circle label:"dup"\n}\n'
    (tmp_path / "dup.fz").write_text(text, encoding="utf-8")
    result = fz("renumber", "dup.fz", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: dup.fz: fix duplicate node IDs on lines 3, 7 first\n"
    assert (tmp_path / "dup.fz").read_text(encoding="utf-8") == text
