"""Every list of diagnostic codes in the repository agrees with the one catalogue.

The VS Code manifest lists each code with its default severity for the settings UI;
the READMEs, editor docs and messages name codes and the code range. None of them may
name a code the catalogue lacks, and the manifest must list every code with the
severity the server really defaults to.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from fz_lsp.analysis.diagnostics import RULES

REPO = Path(__file__).resolve().parents[2]
CODE = re.compile(r"\bFZ\d{3}\b")


def test_vscode_manifest_lists_every_code_with_its_default_severity() -> None:
    manifest = json.loads((REPO / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    configuration = manifest["contributes"]["configuration"]
    sections = configuration if isinstance(configuration, list) else [configuration]
    (severity,) = [s["properties"]["flowzap.severity"] for s in sections if "flowzap.severity" in s["properties"]]
    listed = severity["properties"]
    assert list(listed) == list(RULES)
    for code, rule in RULES.items():
        entry = listed[code]
        assert entry["enum"] == ["off", "hint", "info", "warning", "error"], code
        assert entry["description"].endswith(f"(default: {rule.severity.name.lower()})."), (code, entry)


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    suffixes = {".py", ".md", ".json", ".ts", ".lua", ".el", ".vim", ".toml", ".yaml", ".yml", ".txt", ".fz"}
    return [
        REPO / name
        for name in listed.splitlines()
        if Path(name).suffix in suffixes
        and not name.startswith(("tests/", "editors/vscode/test/"))
        and (REPO / name).is_file()
    ]


def test_no_file_names_a_code_the_catalogue_lacks() -> None:
    unknown: dict[str, set[str]] = {}
    for path in _tracked_text_files():
        for code in CODE.findall(path.read_text(encoding="utf-8", errors="replace")):
            if code not in RULES:
                unknown.setdefault(path.relative_to(REPO).as_posix(), set()).add(code)
    assert unknown == {}


def test_the_code_range_quoted_in_messages_is_the_catalogue_s() -> None:
    first, last = min(RULES), max(RULES)
    for path in _tracked_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        # "codes run FZ001 to FZ505" (messages), "Codes `FZ001`–`FZ505`" (README); not other ranges.
        for match in re.finditer(r"[Cc]odes (?:run )?`?FZ\d{3}`?(?: to |–)`?FZ\d{3}", text):
            ends = CODE.findall(match.group())
            assert ends == [first, last], (path.relative_to(REPO).as_posix(), match.group())
