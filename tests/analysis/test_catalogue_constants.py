"""One catalogue: every code is a named constant of `fz_lsp.analysis.diagnostics`, and the
package makes and compares diagnostics by those names, never by a bare `"FZ101"` string.

A bare string can name a code that the catalogue lacks (a typo makes a diagnostic no setting
can switch off); a constant cannot. Wire values stay the bare strings, so tests elsewhere keep
asserting them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fz_lsp.analysis import diagnostics
from fz_lsp.analysis.diagnostics import RULES

PACKAGE = Path(diagnostics.__file__).resolve().parents[1]
CODE = re.compile(r"FZ\d{3}")

# Where a bare code string may be written, relative to the package.
DEFINITIONS = {
    "analysis/diagnostics.py",  # the catalogue itself
    "syntax/statements.py",  # FZ001/FZ002: the syntax layer makes them and may not import analysis
}
# Modules being re-cut, switched to the constants after: empty this set entry by entry. An entry
# whose module no longer has a bare code string fails the test below, so the set only shrinks.
NOT_YET_SWITCHED: set[str] = set()


def _constants() -> dict[str, object]:
    return {name: value for name, value in vars(diagnostics).items() if CODE.fullmatch(name)}


def test_every_code_is_a_constant_named_after_itself() -> None:
    constants = _constants()
    assert all(value == name for name, value in constants.items()), constants
    assert sorted(constants) == sorted(RULES)


def test_the_catalogue_lists_codes_in_order() -> None:
    assert list(RULES) == sorted(RULES)
    assert all(code == rule.code for code, rule in RULES.items())


def test_sequence_codes_are_the_catalogue_s() -> None:
    assert diagnostics.SEQUENCE_CODES == ("FZ504", "FZ505")
    assert all(code in RULES for code in diagnostics.SEQUENCE_CODES)


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the docstring nodes of a module, its classes and functions (prose, not code)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def bare_codes(source: str) -> list[tuple[int, str]]:
    """(line, code) of every string literal in `source` that is exactly a code, docstrings aside."""
    tree = ast.parse(source)
    prose = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CODE.fullmatch(node.value)
        and id(node) not in prose
    ]


def _package_modules() -> dict[str, str]:
    return {
        path.relative_to(PACKAGE).as_posix(): path.read_text(encoding="utf-8") for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_the_scan_finds_bare_codes_and_ignores_prose() -> None:
    source = '''"""Module docstring naming "FZ101"."""
# a comment: "FZ102"
def f(code: str) -> bool:
    """FZ103"""
    message = f"codes run FZ001 to FZ505, got {code}"
    return code == "FZ201" or code in {"FZ202", 'FZ203'}
'''
    assert bare_codes(source) == [(6, "FZ201"), (6, "FZ202"), (6, "FZ203")]


def test_no_module_outside_the_catalogue_writes_a_bare_code() -> None:
    modules = _package_modules()
    assert set(modules) >= DEFINITIONS | NOT_YET_SWITCHED
    offenders = {
        name: found
        for name, source in modules.items()
        if name not in DEFINITIONS | NOT_YET_SWITCHED and (found := bare_codes(source))
    }
    assert offenders == {}, "use the constants of fz_lsp.analysis.diagnostics"


def test_modules_not_yet_switched_still_need_their_exemption() -> None:
    modules = _package_modules()
    switched = {name for name in NOT_YET_SWITCHED if not bare_codes(modules[name])}
    assert switched == set(), "these modules use the constants now: remove them from NOT_YET_SWITCHED"


def test_the_syntax_layer_defines_only_the_codes_it_makes() -> None:
    modules = _package_modules()
    assert sorted(code for _, code in bare_codes(modules["syntax/statements.py"])) == ["FZ001", "FZ002"]
