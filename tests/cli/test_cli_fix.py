"""`fz-lsp check --fix` / `--diff` on copies of the examples (never on the examples themselves)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

from test_cli import REPO, run, write

BROKEN = REPO / "examples" / "broken"

KITCHEN = 'Kitchen { # 厨房\nn1: circle label:"开始"\nn2: rect label:"切菜"\nn1.handle(right) -> n2.handle(up)\n}\n'
KITCHEN_FIXED = KITCHEN.replace("rect ", "rectangle ").replace("handle(up)", "handle(top)")


def codes(folder: Path) -> Counter[str]:
    done = run("check", "--format", "json", str(folder))
    return Counter(d["code"] for d in json.loads(done.stdout)["diagnostics"])


def test_fix_on_the_broken_example_leaves_fewer_diagnostics_no_new_codes_and_is_idempotent(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(BROKEN, folder)
    before = codes(folder)
    first = run("check", "--fix", str(folder))
    once = {p.name: p.read_bytes() for p in folder.iterdir()}
    after = codes(folder)
    assert sum(after.values()) < sum(before.values())
    assert set(after) <= set(before)
    fixed = [line.split(": fixed ")[1].split()[0] for line in first.stdout.splitlines() if ": fixed FZ" in line]
    assert fixed and set(fixed) <= set(before - after)  # every code fixed went down
    assert f"\nMade {len(fixed)} fixes in 1 file\n" in first.stdout
    errors = sum(n for code, n in after.items() if code in ("FZ001", "FZ002", "FZ003", "FZ004", "FZ005", "FZ201"))
    assert errors and first.returncode == 1  # errors no fix can decide remain: exit as `check` on the result
    second = run("check", "--fix", str(folder))
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == once
    assert second.stdout.startswith("Made 0 fixes in 0 files\n")
    assert second.returncode == 1
    assert (BROKEN / "everything-wrong.fz").read_bytes() != once["everything-wrong.fz"]  # the original stays


def test_fix_prints_each_fix_and_the_check_of_the_result(tmp_path: Path) -> None:
    path = write(tmp_path / "kitchen.fz", KITCHEN)
    assert run("check", "kitchen.fz", cwd=tmp_path).returncode == 1
    done = run("check", "--fix", "kitchen.fz", cwd=tmp_path)
    assert done.stdout == (
        "kitchen.fz:3:5: fixed FZ205 Change to `rectangle`\n"
        "kitchen.fz:4:31: fixed FZ105 Change to `top`\n"
        "Made 2 fixes in 1 file\n"
        "Checked 1 file: 0 errors, 0 warnings\n"
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert path.read_text(encoding="utf-8") == KITCHEN_FIXED


def test_diff_shows_the_fixes_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "kitchen.fz", KITCHEN)
    done = run("check", "--diff", "kitchen.fz", cwd=tmp_path)
    assert done.stdout == (
        "--- a/kitchen.fz\n"
        "+++ b/kitchen.fz\n"
        "@@ -1,5 +1,5 @@\n"
        " Kitchen { # 厨房\n"
        ' n1: circle label:"开始"\n'
        '-n2: rect label:"切菜"\n'
        "-n1.handle(right) -> n2.handle(up)\n"
        '+n2: rectangle label:"切菜"\n'
        "+n1.handle(right) -> n2.handle(top)\n"
        " }\n"
    )
    assert done.stderr == "Would make 2 fixes in 1 file; then 0 errors, 0 warnings would remain\n"
    assert done.returncode == 0  # the exit code of the result
    assert path.read_text(encoding="utf-8") == KITCHEN
    broken = write(tmp_path / "worse.fz", KITCHEN.replace("n2: rect", "n2: rect\nn2: circle"))
    worse = run("check", "--diff", "worse.fz", cwd=tmp_path)
    assert worse.returncode == 1 and "then 1 error, 0 warnings would remain" in worse.stderr
    assert broken.read_text(encoding="utf-8") == KITCHEN.replace("n2: rect", "n2: rect\nn2: circle")


def test_fix_keeps_line_endings_and_the_byte_order_mark(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.fz"
    crlf.write_bytes(b"\xef\xbb\xbf" + KITCHEN.replace("\n", "\r\n").encode("utf-8"))
    assert run("check", "--fix", str(crlf)).returncode == 0
    assert crlf.read_bytes() == b"\xef\xbb\xbf" + KITCHEN_FIXED.replace("\n", "\r\n").encode("utf-8")


def test_an_unreadable_file_is_reported_and_the_others_are_still_fixed(tmp_path: Path) -> None:
    (tmp_path / "a-bad.fz").write_bytes(b"Lane {\n\xff\xfe\n}\n")
    good = write(tmp_path / "b-good.fz", KITCHEN)
    done = run("check", "--fix", ".", cwd=tmp_path)
    assert good.read_text(encoding="utf-8") == KITCHEN_FIXED
    assert done.returncode == 2
    assert done.stderr.count("a-bad.fz: not UTF-8 text") == 1
    assert "Made 2 fixes in 1 file" in done.stdout


def test_fix_from_standard_input_writes_the_fixed_text(tmp_path: Path) -> None:
    done = run("check", "--fix", "-", cwd=tmp_path, stdin=KITCHEN)
    assert done.stdout == KITCHEN_FIXED
    assert done.stderr.splitlines() == [
        "<stdin>:3:5: fixed FZ205 Change to `rectangle`",
        "<stdin>:4:31: fixed FZ105 Change to `top`",
        "Made 2 fixes; 0 errors remain",
    ]
    assert done.returncode == 0


REQUEST = (
    'Shop { # 商店 🛒\nn1: circle label:"下单"\nn1.handle(bottom) -> Bank.n2.handle(top) [label="付款"]\n}\n'
    'Bank { # 银行\nn2: rect label:"扣款"\n}\n'
)


def test_diff_and_stdin_switch_on_a_selected_default_off_code_as_check_does(tmp_path: Path) -> None:
    """`--select FZ504` turns the off-by-default rule on for the check of the fixed result too."""
    write(tmp_path / "request.fz", REQUEST)
    check = run("check", "--select", "FZ504,FZ205", "request.fz", cwd=tmp_path)
    assert "request.fz:3:1: warning FZ504 request from lane `Shop` to `Bank` has no edge back" in check.stdout
    done = run("check", "--diff", "--select", "FZ504,FZ205", "request.fz", cwd=tmp_path)
    assert done.stderr == "Would make 1 fix in 1 file; then 0 errors, 1 warning would remain\n"
    assert done.returncode == 0
    strict = run("check", "--diff", "--select", "FZ504,FZ205", "--warnings-as-errors", "request.fz", cwd=tmp_path)
    assert strict.returncode == 1
    piped = run("check", "--fix", "--select", "FZ504,FZ205", "--warnings-as-errors", "-", cwd=tmp_path, stdin=REQUEST)
    assert piped.stdout == REQUEST.replace("n2: rect ", "n2: rectangle ")
    assert piped.stderr.splitlines()[-1] == "Made 1 fix; 0 errors remain"
    assert piped.returncode == 1  # the FZ504 warning remains, and warnings count as errors
