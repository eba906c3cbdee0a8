"""The README's picture is what `fz-lsp render` draws today, and its JSON excerpt is real.

The picture is compared by structure (the same elements, classes, data attributes and texts, in
the same order), not by pixels or coordinates. After a deliberate change to the drawing,
regenerate it with the command the README shows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from fz_lsp.analysis import analyze_text
from fz_lsp.render import layout, layout_json

REPO = Path(__file__).resolve().parents[2]
PICTURE = REPO / "docs" / "multicloud-failover.svg"
COMMAND = "fz-lsp render examples/multicloud-failover.fz -o docs/multicloud-failover.svg"


def _structure(root: ET.Element) -> list[tuple[str, str, tuple[tuple[str, str], ...], str]]:
    found = []
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        data = tuple(sorted((k, v) for k, v in element.attrib.items() if k.startswith("data-")))
        text = (element.text or "").strip() if tag in ("tspan", "style") else ""
        found.append((tag, element.get("class", ""), data, text))
    return found


def test_readme_shows_the_picture_and_the_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "](docs/multicloud-failover.svg)" in readme
    assert COMMAND in readme


def test_picture_matches_a_fresh_render() -> None:
    command = COMMAND.split()[1:3]
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    fresh = subprocess.run(
        [str(Path(sys.executable).with_name("fz-lsp")), *command],
        cwd=REPO,
        capture_output=True,
        env=environment,
        check=True,
        timeout=60,
    ).stdout
    committed = ET.parse(PICTURE).getroot()
    drawn = ET.fromstring(fresh)
    assert _structure(committed) == _structure(drawn), f"the README picture is stale: run `{COMMAND}`"
    assert len(committed.findall(".//{http://www.w3.org/2000/svg}g[@data-node]")) == 18


def test_readme_json_excerpt_is_real() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    data = layout_json(layout(analyze_text((REPO / "examples" / "multicloud-failover.fz").read_text(encoding="utf-8"))))
    lane = next(lane for lane in data["lanes"] if lane["id"] == "AWS")
    node = next(node for node in data["nodes"] if node["id"] == "n6")
    edge = next(edge for edge in data["edges"] if edge["from"] == "n6")
    assert f'{{"width": {data["width"]}, "height": {data["height"]},' in readme
    assert json.dumps(lane, ensure_ascii=False) in readme
    assert json.dumps(node, ensure_ascii=False) in readme
    assert f'"points": {json.dumps(edge["points"])}, "labelBox": {json.dumps(edge["labelBox"])}' in readme
    strangler = layout_json(
        layout(analyze_text((REPO / "examples" / "strangler-fig-migration.fz").read_text(encoding="utf-8")))
    )
    assert json.dumps(strangler["loops"][0], ensure_ascii=False) in readme
