"""Formatting: the canonical layout, its refusals, and a property test over mangled whitespace."""

from __future__ import annotations

import re

import pytest
from reshape_samples import CORPUS, SAMPLE, graph, mangle, model_of

from fz_lsp.features.formatting import FormatRefused, format_edits, format_text
from fz_lsp.syntax.document import SourceText
from fz_lsp.syntax.statements import Comment, LaneHeader

SEEDS = range(12)
_STRING_OR_SPACE = re.compile(r'"(?:[^"\\]|\\.)*"?|\s+')


def squeeze(text: str) -> str:
    """`text` without whitespace outside double-quoted strings."""
    return _STRING_OR_SPACE.sub(lambda m: m.group() if m.group().startswith('"') else "", text)


def texts_in_place(text: str) -> list[tuple[str, ...]]:
    """Per non-blank line, in order: its label strings, comment text and lane label (trailing spaces aside)."""
    source = SourceText(text)
    found: list[tuple[str, ...]] = []
    for line, statement in zip(source.lines, source.statements, strict=True):
        if not line.strip():
            continue
        strings = tuple(part for part in squeeze(line).split('"')[1::2])
        if isinstance(statement, Comment):
            strings += (statement.text.rstrip(),)
        if isinstance(statement, LaneHeader):
            strings += (statement.display_label or "",)
        found.append(strings)
    return found


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_mangled_whitespace_formats_like_the_original(name: str) -> None:
    original = CORPUS[name]
    expected = format_text(original)
    assert format_text(expected) == expected  # idempotent
    assert texts_in_place(expected) == texts_in_place(original)
    assert graph(model_of(expected)) == graph(model_of(original))
    for seed in SEEDS:
        mangled = mangle(original, seed)
        assert mangled != original
        for variant, ending in ((mangled, "\n"), (mangled.replace("\n", "\r\n"), "\r\n")):
            formatted = format_text(variant)
            assert formatted == expected.replace("\n", ending), (name, seed, ending)
            assert format_text(formatted) == formatted
            assert texts_in_place(formatted.replace("\r\n", "\n")) == texts_in_place(variant.replace("\r\n", "\n"))
            assert graph(model_of(formatted)) == graph(model_of(original))


def test_the_canonical_style() -> None:
    messy = (
        "\n\n// top   \nShop{#  商店 🛒   \n"
        'n1 :circle  label : "开始  🚀"   \n\n\n'
        '\tn1 . handle( right )->Shop.n2.handle(left)[ label = "a  b" ]\n'
        "    loop   [重试  x]   n1    Shop.n2\n"
        'n2: rectangle label:"x"\n'
        "}\nBilling {\n}\n\n\n"
    )
    assert format_text(messy) == (
        "// top\nShop { # 商店 🛒\n"
        '  n1: circle label:"开始  🚀"\n\n'
        '  n1.handle(right) -> Shop.n2.handle(left) [label="a  b"]\n'
        "  loop [重试  x] n1 Shop.n2\n"
        '  n2: rectangle label:"x"\n'
        "}\n\nBilling {\n}\n"
    )
    assert format_text(messy, indent=0).splitlines()[2] == 'n1: circle label:"开始  🚀"'
    assert format_text(messy, indent=4).splitlines()[2] == '    n1: circle label:"开始  🚀"'


def test_line_endings_bom_and_final_newline() -> None:
    assert format_text('A {\r\nn1: circle label:"x"\r\n}') == 'A {\r\n  n1: circle label:"x"\r\n}\r\n'
    assert format_text('A {\nn1: circle label:"x"\r\n}\r\n') == 'A {\n  n1: circle label:"x"\n}\n'  # the first wins
    assert format_text('\ufeffA {\n n1: circle label:"x"\n}\n') == '\ufeffA {\n  n1: circle label:"x"\n}\n'
    assert format_text("") == ""
    assert format_text("\n \n") == ""


def test_a_label_line_under_its_header_stays_under_it() -> None:
    text = 'A {\n# Label\nn1: circle label:"x"\n}\n'
    assert format_text(text) == 'A {\n  # Label\n  n1: circle label:"x"\n}\n'
    assert model_of(format_text(text)).lanes[0].label == "Label"


def test_syntax_errors_refuse_on_the_lines_touched_only() -> None:
    text = 'A {\n  n1: circle label:"x"   \nn1.handle(up -> \n}\n'
    with pytest.raises(FormatRefused, match=r"^not formatted: syntax error on line 3; fix it first$"):
        format_text(text)
    source = SourceText(text)
    edits = format_edits(source.lines, source.endings, source.statements, first=1, last=1)
    assert [(e.first, e.last, e.text) for e in edits] == [(1, 1, '  n1: circle label:"x"\n')]
    with pytest.raises(FormatRefused):
        format_edits(source.lines, source.endings, source.statements, first=1, last=2)


def test_edits_cover_changed_lines_only_and_merge_runs() -> None:
    text = format_text(SAMPLE)
    lines = text.split("\n")
    lines[2] = lines[2].strip()
    lines[3] = "   " + lines[3] + "  "
    lines[7] = lines[7] + " "
    source = SourceText("\n".join(lines))
    edits = format_edits(source.lines, source.endings, source.statements)
    assert [(e.first, e.last) for e in edits] == [(2, 3), (7, 7)]
    assert edits[0].text == "\n".join(text.split("\n")[2:4]) + "\n"
