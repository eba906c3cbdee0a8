"""`fz-lsp preview FILE` in a real headless Chromium: it renders, it reloads when the file changes,
it keeps pan and zoom across reloads, it keeps the last good picture while the file has errors,
and it shows hostile labels as text."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from cdp import Browser
from preview_support import Preview

DIAGRAM = """\
Shop { # 商店 🛒 Shop
n1: circle label:"开始 🚀"
n2: rectangle label:"<script>window.pwned=1</script> & \\"q\\" 'x'"
n3: diamond label:"库存够吗？"
n1.handle(right) -> n2.handle(left) [label="下单 📦"]
n2.handle(bottom) -> Billing.n4.handle(top) [label="Charge 💳"]
}
Billing { # 账单 🧾
n4: rectangle label:"Charge card"
n4.handle(right) -> Shop.n3.handle(bottom)
}
"""

NODES = "Array.from(document.querySelectorAll('.fz-stage [data-node]')).map(e => e.getAttribute('data-node'))"


def write(path: Path, text: str) -> None:
    """Replace the file the way editors do (new content, new mtime), never half-written."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def nodes(browser: Browser, page: str) -> list[str]:
    value: list[str] = browser.evaluate(page, NODES)
    return value


def test_renders_the_file_and_reloads_when_it_changes(browser: Browser, preview: type[Preview], tmp_path: Path) -> None:
    path = tmp_path / "orders.fz"
    write(path, DIAGRAM)
    running = preview(path)
    page = browser.page(running.url)
    browser.wait_for(page, f"{NODES}.length === 4")
    assert sorted(nodes(browser, page)) == ["n1", "n2", "n3", "n4"]
    assert browser.evaluate(page, "document.querySelectorAll('.fz-stage [data-lane]:not([data-node])').length") == 2
    assert browser.evaluate(page, "document.querySelector('.fz-root').getAttribute('data-state')") == "clean"
    # The renderer's stylesheet applies under the page's CSP: a rectangle is white with a grey border.
    shape = "getComputedStyle(document.querySelector('.fz-stage [data-node=\"n2\"] .fz-shape'))"
    assert browser.evaluate(page, f"{shape}.fill") == "rgb(255, 255, 255)"
    assert browser.evaluate(page, f"{shape}.stroke") == "rgb(110, 119, 129)"
    revision = browser.evaluate(page, "Number(document.body.getAttribute('data-revision'))")

    write(
        path,
        DIAGRAM.replace(
            'n4: rectangle label:"Charge card"', 'n4: rectangle label:"Charge card"\nn5: circle label:"完成 🎉"'
        ),
    )
    browser.wait_for(page, f"{NODES}.length === 5")
    assert "n5" in nodes(browser, page)
    assert browser.evaluate(page, "Number(document.body.getAttribute('data-revision'))") > revision
    browser.screenshot(page, tmp_path / "preview.png")  # kept with pytest's temporary folders


def test_labels_are_text_and_nothing_runs(browser: Browser, preview: type[Preview], tmp_path: Path) -> None:
    path = tmp_path / "hostile.fz"
    write(path, DIAGRAM)
    page = browser.page(preview(path).url)
    browser.wait_for(page, f"{NODES}.length === 4")
    labels = browser.evaluate(
        page,
        "Object.fromEntries(Array.from(document.querySelectorAll('.fz-stage [data-node]'))"
        ".map(e => [e.getAttribute('data-node'), e.textContent.replace(/\\s+/g, '')]))",
    )
    # Labels wrap onto several lines of text: compared without their spaces.
    assert labels["n2"] == "<script>window.pwned=1</script>&\"q\"'x'"
    assert labels["n1"] == "开始🚀"
    assert "商店 🛒 Shop" in browser.evaluate(page, "document.querySelector('.fz-stage svg').textContent")
    assert browser.evaluate(page, "document.querySelectorAll('.fz-stage script').length") == 0
    assert browser.evaluate(page, "typeof window.pwned") == "undefined"


def test_pan_and_zoom_survive_a_reload(browser: Browser, preview: type[Preview], tmp_path: Path) -> None:
    path = tmp_path / "view.fz"
    write(path, DIAGRAM)
    page = browser.page(preview(path).url)
    browser.wait_for(page, f"{NODES}.length === 4")
    fitted = browser.evaluate(page, "document.querySelector('.fz-stage').style.transform")
    browser.evaluate(page, "document.querySelector('button[title=\"Zoom in\"]').click()")
    box = browser.evaluate(page, "JSON.stringify(document.querySelector('.fz-viewport').getBoundingClientRect())")
    viewport = json.loads(box)
    start = (viewport["x"] + 30, viewport["y"] + viewport["height"] - 30)
    browser.drag(page, start, (start[0] + 70, start[1] - 40))
    before = browser.evaluate(page, "document.querySelector('.fz-stage').style.transform")
    assert before != fitted and before.startswith("translate(")
    zoom = float(browser.evaluate(page, "document.querySelector('.fz-root').getAttribute('data-zoom')"))
    assert zoom > 0

    write(path, DIAGRAM.replace("Charge card", "Charge the card"))
    browser.wait_for(page, "document.querySelector('.fz-stage svg').textContent.includes('Charge the card')")
    after = browser.evaluate(page, "document.querySelector('.fz-stage').style.transform")
    assert after == before
    assert float(browser.evaluate(page, "document.querySelector('.fz-root').getAttribute('data-zoom')")) == zoom


def test_keeps_the_last_good_picture_while_the_file_has_errors(
    browser: Browser, preview: type[Preview], tmp_path: Path
) -> None:
    path = tmp_path / "typing.fz"
    write(path, DIAGRAM)
    page = browser.page(preview(path).url)
    browser.wait_for(page, f"{NODES}.length === 4")
    # Mid-word: an edge to a node that does not exist yet (FZ101) and a node line cut short.
    broken = DIAGRAM.replace("n4.handle(right) -> Shop.n3.handle(bottom)", "n4.handle(right) -> Shop.n9.handle(bottom)")
    broken = broken.replace('n3: diamond label:"库存够吗？"', "n3: diam")
    write(path, broken)
    browser.wait_for(page, "document.querySelector('.fz-root').getAttribute('data-state') === 'banner'")
    banner = browser.evaluate(page, "document.querySelector('.fz-banner').textContent")
    assert "showing the last error-free picture" in banner
    assert "line 10:" in banner and "FZ101" in banner
    assert sorted(nodes(browser, page)) == ["n1", "n2", "n3", "n4"]  # the old picture, n3 included

    write(path, DIAGRAM.replace("Charge card", "Card charged"))
    browser.wait_for(page, "document.querySelector('.fz-root').getAttribute('data-state') === 'clean'")
    assert "Card charged" in browser.evaluate(page, "document.querySelector('.fz-stage svg').textContent")


def test_an_unreadable_file_is_said_and_the_picture_stays(
    browser: Browser, preview: type[Preview], tmp_path: Path
) -> None:
    path = tmp_path / "gone.fz"
    write(path, DIAGRAM)
    page = browser.page(preview(path).url)
    browser.wait_for(page, f"{NODES}.length === 4")
    path.unlink()
    browser.wait_for(page, "document.querySelector('.fz-banner').textContent.includes('cannot read')")
    assert len(nodes(browser, page)) == 4
    write(path, DIAGRAM)
    browser.wait_for(page, "document.querySelector('.fz-root').getAttribute('data-state') === 'clean'")


def test_no_script_runs_without_the_nonce(browser: Browser, preview: type[Preview], tmp_path: Path) -> None:
    """The page's CSP refuses inline script: an injected handler would not run."""
    path = tmp_path / "csp.fz"
    write(path, DIAGRAM)
    page = browser.page(preview(path).url)
    browser.wait_for(page, f"{NODES}.length === 4")
    browser.evaluate(
        page,
        "(() => { const s = document.createElement('script'); s.textContent = 'window.inline = 1';"
        " document.body.appendChild(s); })()",
    )
    time.sleep(0.2)
    assert browser.evaluate(page, "typeof window.inline") == "undefined"
