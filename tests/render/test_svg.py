"""The SVG and JSON forms of a layout: escaping, data attributes, ranges, themes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from fz_lsp.analysis import analyze_text
from fz_lsp.render import THEMES, layout, layout_json, to_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
NASTY = "Pay <script>alert(1)</script> & \"quote\" 'single' 支付 🎉"
QUOTED = NASTY.replace('"', '\\"')
DOC = f"""Shop {{ # Shop & <Co> 商店
n1: circle label:"Start"
n2: rectangle label:"{QUOTED}"
n1.handle(right) -> n2.handle(left) [label="{QUOTED}"]
n2.handle(bottom) -> Bank.n3.handle(top)
}}
Bank {{ # 银行
n3: taskbox label:"审核 🧾" owner:"Ops & co" description:"Check <stock>" system:"ERP"
loop [retry "twice" & <more>] n2 n3
}}
"""


def _svg(theme: str = "light") -> ET.Element:
    return ET.fromstring(to_svg(layout(analyze_text(DOC)), theme))


def _texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter("{http://www.w3.org/2000/svg}text")]


def _lines(element: ET.Element) -> str:
    """The wrapped lines of every text, joined again with the spaces the wrap took out."""
    return " ".join("".join(t.itertext()) for t in element.iter("{http://www.w3.org/2000/svg}tspan"))


def test_labels_are_text_not_markup() -> None:
    root = _svg()
    assert root.find(".//svg:script", NS) is None
    assert not [
        e
        for e in root.iter()
        if e.tag.split("}")[1]
        not in {"svg", "style", "rect", "g", "text", "tspan", "circle", "polygon", "path", "line"}
    ]
    node = root.find(".//svg:g[@data-node='n2']", NS)
    assert node is not None
    assert _lines(node).replace(" ", "") == NASTY.replace(" ", "")
    assert "Pay <script>alert(1)</scri" in _lines(node)
    label = root.find(".//svg:g[@class='fz-edge-label'][@data-edge='n1->n2']", NS)
    assert label is not None
    # A word wider than the label is cut; nothing is lost or altered.
    assert _lines(label).replace(" ", "") == NASTY.replace(" ", "")
    lane = root.find(".//svg:g[@data-lane='Shop']", NS)
    assert lane is not None and _lines(lane) == "Shop & <Co> 商店"
    task = root.find(".//svg:g[@data-node='n3']", NS)
    assert task is not None
    assert _texts(task) == ["审核 🧾", "Check <stock>", "Owner: Ops & co", "System: ERP"]


def test_no_external_reference() -> None:
    text = to_svg(layout(analyze_text(DOC)))
    root = ET.fromstring(text)
    for element in root.iter():
        for name, value in element.attrib.items():
            assert "href" not in name
            assert "url(" not in value
    assert "url(" not in text and "@import" not in text and "javascript:" not in text


def test_data_attributes_and_ranges() -> None:
    root = _svg()
    nodes = {g.get("data-node"): g.get("data-range") for g in root.iterfind(".//svg:g[@data-node]", NS)}
    assert nodes == {
        "n1": "1:0-1:24",
        "n2": f"2:0-2:{len(DOC.splitlines()[2])}",
        "n3": f"7:0-7:{len(DOC.splitlines()[7])}",
    }
    edges = [
        (g.get("data-edge"), g.get("data-from-handle"), g.get("data-to-handle"), g.get("data-range"))
        for g in root.iterfind(".//svg:g[@class='fz-edge']", NS)
    ]
    assert edges == [
        ("n1->n2", "right", "left", f"3:0-3:{len(DOC.splitlines()[3])}"),
        ("n2->n3", "bottom", "top", "4:0-4:40"),
    ]
    lanes = {g.get("data-lane"): g.get("data-range") for g in root.iterfind(".//svg:g[@class='fz-lane']", NS)}
    lanes.update(
        {g.get("data-lane"): g.get("data-range") for g in root.iterfind(".//svg:g[@class='fz-lane fz-lane-alt']", NS)}
    )
    assert lanes == {"Shop": "0:0-0:23", "Bank": "6:0-6:11"}


def test_json_is_the_documented_shape() -> None:
    data = layout_json(layout(analyze_text(DOC)))
    assert set(data) == {"width", "height", "lanes", "nodes", "edges", "loops"}
    assert [set(lane) for lane in data["lanes"]] == [{"id", "label", "x", "y", "width", "height", "range"}] * 2
    assert data["lanes"][0]["label"] == "Shop & <Co> 商店"
    assert [set(n) for n in data["nodes"]] == [
        {"id", "lane", "shape", "label", "x", "y", "width", "height", "range"}
    ] * 3
    assert [n["shape"] for n in data["nodes"]] == ["circle", "rectangle", "taskbox"]
    edge = data["edges"][0]
    assert set(edge) == {"from", "to", "fromHandle", "toHandle", "label", "points", "labelBox", "range"}
    assert edge["label"] == NASTY and edge["range"] == [3, 0, 3, len(DOC.splitlines()[3])]
    assert set(edge["labelBox"]) == {"x", "y", "width", "height"}
    assert data["edges"][1]["labelBox"] is None and data["edges"][1]["label"] is None
    assert data["loops"] == [
        {
            "label": 'retry "twice" & <more>',
            "members": ["n2", "n3"],
            **{k: data["loops"][0][k] for k in ("x", "y", "width", "height")},
            "range": [8, 0, 8, 35],
        }
    ]
    json.dumps(data)  # plain JSON types only


@pytest.mark.parametrize("theme", THEMES)
def test_themes_are_classes_with_custom_properties(theme: str) -> None:
    text = to_svg(layout(analyze_text(DOC)), theme)
    root = ET.fromstring(text)
    assert root.get("class") == f"fz-diagram fz-theme-{theme}"
    assert "--fz-background:" in text and "var(--fz-edge)" in text


def test_resolved_colours_for_rasterisers() -> None:
    text = to_svg(layout(analyze_text(DOC)), "dark", resolved_colours=True)
    assert "var(" not in text and "#0d1117" in text


def test_unknown_theme_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown theme 'blue'"):
        to_svg(layout(analyze_text(DOC)), "blue")


def test_broken_lines_are_left_out() -> None:
    text = 'A { # A\nn1: circle label:"Start"\nn2: rectangle label:"oops\nn3: rectangle label:"End"\nn1.handle(right) -> n3.handle(left)\nn1.handle(right) -> n2.handle(left)\nn3.handle(right) ->\n}\n'
    lay = layout(analyze_text(text))
    assert [n.id for n in lay.nodes] == ["n1", "n3"]
    assert [(e.source, e.target) for e in lay.edges] == [("n1", "n3")]


def test_empty_document() -> None:
    lay = layout(analyze_text(""))
    assert (lay.lanes, lay.nodes, lay.edges) == ([], [], [])
    assert ET.fromstring(to_svg(lay)).get("width") == "320"
