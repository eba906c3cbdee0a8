"""A check on the test tree itself, before anything is collected.

The test folders have no `__init__.py`: pytest imports each test module, and the helpers it
imports, by its bare name from its own folder. Two files of one name in two folders would
shadow each other (a helper: silently the wrong one) or stop collection with a puzzling
message (a test module), so every module name under `tests/` is unique.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def module_clashes(root: Path) -> dict[str, list[str]]:
    """Module names that more than one file under `root` has (conftest.py aside: pytest keeps those apart)."""
    seen: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        if path.name != "conftest.py":
            seen.setdefault(path.stem, []).append(path.relative_to(root).as_posix())
    return {name: paths for name, paths in seen.items() if len(paths) > 1}


def pytest_sessionstart(session: pytest.Session) -> None:
    clashes = module_clashes(TESTS)
    if clashes:
        named = "; ".join(f"{name}: {', '.join(paths)}" for name, paths in sorted(clashes.items()))
        raise pytest.UsageError(f"test modules must have names unique across tests/ (imported by name): {named}")
