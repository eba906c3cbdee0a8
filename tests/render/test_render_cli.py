"""`fz-lsp render` and `fz-lsp export`, run as the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "multicloud-failover.fz"
FZ_LSP = Path(sys.executable).with_name("fz-lsp")
NS = {"svg": "http://www.w3.org/2000/svg"}
BROKEN = 'A { # A\nn1: circle label:"Start"\nn2: rectangle label:"oops\nn3: rectangle label:"End 终"\nn1.handle(right) -> n3.handle(left)\n}\n'


def run(*args: str, cwd: Path = REPO, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([str(FZ_LSP), *args], cwd=cwd, input=stdin, capture_output=True, env=environment, timeout=60)


def test_one_file_to_stdout_as_svg() -> None:
    result = run("render", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    root = ET.fromstring(result.stdout)
    assert len(root.findall(".//svg:g[@data-node]", NS)) == 18


def test_json_format_and_dark_theme(tmp_path: Path) -> None:
    result = run("render", str(EXAMPLE), "--format", "json")
    data = json.loads(result.stdout)
    assert [lane["id"] for lane in data["lanes"]] == ["TrafficManager", "AWS", "Azure", "DataSync"]
    assert len(data["edges"]) == 18
    result = run("render", str(EXAMPLE), "--theme", "dark", "-o", str(tmp_path / "out.svg"))
    assert result.returncode == 0 and result.stdout == b""
    assert ET.parse(tmp_path / "out.svg").getroot().get("class") == "fz-diagram fz-theme-dark"


def test_format_from_the_output_suffix(tmp_path: Path) -> None:
    assert run("render", str(EXAMPLE), "-o", str(tmp_path / "a.json")).returncode == 0
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["width"] > 0


def test_several_files_beside_their_inputs_or_into_a_folder(tmp_path: Path) -> None:
    for name in ("one.fz", "two.fz"):
        (tmp_path / name).write_bytes(EXAMPLE.read_bytes())
    result = run("render", "one.fz", "two.fz", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.fz", "one.svg", "two.fz", "two.svg"]
    result = run("render", "one.fz", "two.fz", "-o", "out", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["one.json", "two.json"]


def test_errors_are_listed_and_the_rest_is_drawn(tmp_path: Path) -> None:
    path = tmp_path / "broken.fz"
    path.write_text(BROKEN, encoding="utf-8")
    result = run("render", str(path), "--format", "json")
    assert result.returncode == 1
    assert result.stderr.decode("utf-8").splitlines() == [
        f'{path}:3:21: error FZ002 unterminated string: a closing `"` is missing'
    ]
    data = json.loads(result.stdout)
    assert [n["id"] for n in data["nodes"]] == ["n1", "n3"]
    assert data["nodes"][1]["label"] == "End 终"


def test_unreadable_input_is_reported_and_others_still_render(tmp_path: Path) -> None:
    (tmp_path / "good.fz").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "bad.fz").write_bytes(b"A {\n\xff\xfe\n}\n")
    result = run("render", "missing.fz", "bad.fz", "good.fz", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode("utf-8").splitlines() == [
        "fz-lsp: missing.fz: no such file",
        "fz-lsp: bad.fz: not UTF-8 text (byte 0xff at offset 4); save it as UTF-8",
    ]
    assert (tmp_path / "good.svg").exists() and not (tmp_path / "bad.svg").exists()


def test_stdin() -> None:
    result = run("render", "-", "--format", "json", stdin=EXAMPLE.read_bytes())
    assert result.returncode == 0
    assert len(json.loads(result.stdout)["nodes"]) == 18


def test_png_needs_the_extra_or_writes_a_png(tmp_path: Path) -> None:
    result = run("render", str(EXAMPLE), "-o", str(tmp_path / "out.png"))
    try:
        import resvg_py  # noqa: F401
    except ImportError:
        assert result.returncode == 2
        assert b"pip install 'fz-lsp[png]'" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    data = (tmp_path / "out.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    svg = ET.fromstring(run("render", str(EXAMPLE)).stdout)
    assert width == round(float(svg.get("width", "0")))


def test_export_mermaid() -> None:
    result = run("export", "--to", "mermaid", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert lines[0] == "flowchart LR"
    assert lines[1] == '  subgraph lane_TrafficManager["Global Traffic Manager"]'
    assert '    n1(("User Request"))' in lines
    assert '    n3{"Primary Cloud Healthy?"}' in lines
    assert '  n3 -->|"Healthy"| n4' in lines
    assert lines.count("  end") == 4


def test_export_dot_escapes(tmp_path: Path) -> None:
    path = tmp_path / "q.fz"
    path.write_text(
        'A { # Lane "A"\nn1: rectangle label:"say \\"hi\\" \\\\ 好"\nn2: diamond label:"ok?"\nn1.handle(bottom) -> n2.handle(top) [label="<b>&"]\n}\n',
        encoding="utf-8",
    )
    result = run("export", "--to", "dot", str(path))
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")
    assert '    label="Lane \\"A\\"";' in text
    assert '    n1 [label="say \\"hi\\" \\\\ 好", shape=box];' in text
    assert '  n1:s -> n2:n [label="<b>&"];' in text
    mermaid = run("export", "--to", "mermaid", str(path)).stdout.decode("utf-8")
    assert '  n1 -->|"#lt;b#gt;#amp;"| n2' in mermaid


@pytest.mark.parametrize("command", [("render", "nothing.fz"), ("export", "--to", "dot", "nothing.fz")])
def test_missing_file(command: tuple[str, ...]) -> None:
    result = run(*command)
    assert result.returncode == 2
    assert result.stderr.decode("utf-8") == "fz-lsp: nothing.fz: no such file\n"
