"""No input makes the parser, the model or the checker raise.

Random bytes (with lone surrogates), random code points, FlowZap-shaped noise, mutations
of the valid examples, NUL bytes, very long lines, unbalanced braces and one ~5 MB file.
Beyond "does not raise", each run checks the invariants every consumer relies on:
one statement per line, diagnostics inside their line, a known code, sorted order.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.config import Settings
from fz_lsp.analysis.diagnostics import RULES, Severity
from fz_lsp.cli import check_text, format_github, format_json, format_sarif, format_text
from fz_lsp.syntax.document import SourceText

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
VALID = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.fz"))]
EVERY_CODE = frozenset(RULES)
ALL_ON = Settings(severities=dict.fromkeys(RULES, Severity.WARNING))
FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def exercise(text: str) -> None:
    """Parse, analyse and check `text`, and hold the results to their invariants."""
    source = SourceText(text)
    assert source.text == text
    model = analyze_text(text)
    lines = model.lines
    assert len(model.statements) == len(lines)
    everything = model.diagnostics + model.sequence_diagnostics()
    for d in everything:
        assert d.code in RULES
        assert 0 <= d.line < len(lines), d
        assert 0 <= d.start <= d.end <= len(lines[d.line]), d
        for related in d.related:
            assert 0 <= related.line < len(lines)
            assert 0 <= related.start <= related.end <= len(lines[related.line])
        if d.fix is not None:
            for r in d.fix.replacements:
                target = d.line + r.line_delta
                assert 0 <= target < len(lines) and 0 <= r.start <= r.end <= len(lines[target]), d
    order = [(d.line, d.start, d.code) for d in model.diagnostics]
    assert order == sorted(order)
    for node_id, refs in model.node_refs.items():
        assert all(r.ref.node.text == node_id for r in refs)
    result = check_text(text, "fuzz.fz", ALL_ON, EVERY_CODE)
    assert result.failure is None
    assert len(result.reported) == len(everything)
    items = list(result.reported)
    summary = {"files": 1, "errors": 0, "warnings": len(items), "infos": 0, "hints": 0, "unreadable": 0}
    rendered = [
        *format_text(items),
        *format_github(items),
        format_json(items, summary, []),
        format_sarif(items),
    ]
    for output in rendered:
        output.encode("utf-8", "replace")  # what the CLI writes: never fails, even on lone surrogates


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_with_surrogate_escapes(data: bytes) -> None:
    exercise(data.decode("utf-8", "surrogateescape"))


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_with_surrogate_pass(data: bytes) -> None:
    try:
        text = data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as error:
        text = data[: error.start].decode("utf-8", "surrogatepass") + data[error.start :].decode("latin-1")
    exercise(text)


@FUZZ
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=[]), max_size=400))
def test_random_code_points(text: str) -> None:
    exercise(text)


TOKENS = [
    "n1", "n2", "n3", "n0", "n01", "start", "Orders", "Billing", "Orders.", "Billing.", ".", ":", "=", " ",
    "\t", "{", "}", "{ # ", "#", "//", "[", "]", '"', '\\"', "\\", "(", ")", "->", "-", "handle", ".handle(",
    "left", "right", "top", "bottom", "up", "circle", "rectangle", "diamond", "taskbox", "rect", "label",
    "owner", "description", "system", "priority", "loop", "Loop", "[x]", "订单", "🚚", "\u200d", "\ufeff",
    "\x00", "\x07", "\u2028", "é",
]  # fmt: skip


@FUZZ
@given(
    st.lists(
        st.lists(st.sampled_from(TOKENS), max_size=14).map("".join),
        max_size=40,
    ),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_flowzap_shaped_noise(lines: list[str], ending: str) -> None:
    exercise(ending.join(lines))


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(VALID)).split("\n")
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(["delete-char", "insert", "drop-line", "duplicate-line", "swap-lines", "cut"]))
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        if kind == "delete-char" and line:
            at = draw(st.integers(0, len(line) - 1))
            lines[index] = line[:at] + line[at + 1 :]
        elif kind == "insert":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.sampled_from(TOKENS)) + line[at:]
        elif kind == "drop-line" and len(lines) > 1:
            del lines[index]
        elif kind == "duplicate-line":
            lines.insert(index, line)
        elif kind == "swap-lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif kind == "cut":
            lines[index] = line[: draw(st.integers(0, len(line)))]
    return "\n".join(lines)


@FUZZ
@given(mutated_example())
def test_mutations_of_the_examples(text: str) -> None:
    exercise(text)


@pytest.mark.parametrize(
    "text",
    [
        "\x00",
        "\x00" * 1000,
        'Orders {\x00 # O\nn1\x00: circle label:"a\x00b"\nn1.handle(right) -> n1.handle(\x00)\n}\x00\n',
        "\x00\n\x00\r\n\x00\r",
    ],
    ids=["nul", "nuls", "nul-in-statements", "nul-lines"],
)
def test_nul_bytes(text: str) -> None:
    exercise(text)


LONG = 100_000


@pytest.mark.parametrize(
    "line",
    [
        'n1: rectangle label:"' + "订" * LONG + '"',
        'n1: rectangle label:"' + "x" * LONG,
        "x" * LONG,
        "{" * LONG,
        "}" * LONG,
        "n1.handle(right) -> " * (LONG // 20),
        "loop [" + "]" * LONG,
        "loop [x]" + " n1" * (LONG // 3),
        "# " + "🚚" * LONG,
        '"' * LONG,
        "\\" * LONG,
    ],
    ids=["long-label", "long-unterminated", "word", "open-braces", "close-braces", "arrows", "brackets",
         "loop-members", "comment", "quotes", "backslashes"],
)  # fmt: skip
def test_a_100000_character_line(line: str) -> None:
    assert len(line) >= 99_990
    exercise(f'Orders {{ # O\nn1: circle label:"a"\n{line}\n}}\n')


def test_unbalanced_braces() -> None:
    exercise("A {\n" * 500)
    exercise("}\n" * 500)
    exercise("".join(f"L{i} {{\n" for i in range(300)) + "}\n" * 100)
    exercise("}\n" * 50 + "".join(f'L{i} {{\nn{i + 1}: circle label:"x"\n}}\n}}\n' for i in range(50)))
    # 500 unclosed headers: each one is FZ003 (closed by nothing), each repeat of `A` is FZ202.
    model = analyze_text("A {\n" * 500)
    assert [d.code for d in model.diagnostics] == ["FZ003"] + ["FZ003", "FZ202"] * 499
    assert [d.code for d in analyze_text("}\n" * 500).diagnostics] == ["FZ004"] * 500


def _big_file(target_bytes: int) -> str:
    parts: list[str] = []
    size = 0
    number = 0
    lane = 0
    note = "订单处理说明" * 60  # long descriptions reach 5 MB with few enough lines to keep this test quick
    while size < target_bytes:
        lane += 1
        block = [f"Lane{lane} {{ # 第{lane}道 Lane {lane}"]
        for k in range(40):
            number += 1
            block.append(f'n{number}: taskbox label:"Step {number}" owner:"Ops" description:"{note}{number}"')
            if k:
                block.append(f'n{number - 1}.handle(right) -> n{number}.handle(left) [label="next"]')
        if lane > 1:
            block.append(f"n{number}.handle(bottom) -> Lane{lane - 1}.n{number - 40}.handle(top)")
        block.append("}")
        chunk = "\n".join(block) + "\n"
        parts.append(chunk)
        size += len(chunk.encode("utf-8"))
    return "".join(parts)


def test_a_5_mb_file_through_the_checker(tmp_path: Path) -> None:
    text = _big_file(5 * 1024 * 1024)
    path = tmp_path / "big.fz"
    path.write_text(text, encoding="utf-8")
    assert 5 * 1024 * 1024 <= path.stat().st_size < 5 * 1024 * 1024 + 100_000
    run = subprocess.run(
        [sys.executable, "-m", "fz_lsp", "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["diagnostics"] == []
    assert report["summary"] == {"files": 1, "errors": 0, "warnings": 0, "infos": 0, "hints": 0, "unreadable": 0}
