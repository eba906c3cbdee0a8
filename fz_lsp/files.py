"""Finding `.fz` files under a folder, for the checker and the server's workspace index.

Folders are walked with the `exclude` globs of the config file that governs each
folder, plus the caller's own; tool and dependency folders are always skipped.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from pathlib import Path

from fz_lsp.analysis.config import ConfigError, find_config_file, parse_exclude

# Never worth searching for diagrams: version control, environments, dependencies, caches.
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
)

Exclusion = tuple[Path, tuple[str, ...]]  # a base folder and globs relative to it


def _matches(relative: str, pattern: str) -> bool:
    """gitignore-like: a pattern with a `/` matches the path from the base, one without matches any name."""
    pattern = pattern.strip("/")
    if "/" in pattern:
        return fnmatch.fnmatchcase(relative, pattern)
    return fnmatch.fnmatchcase(relative.rsplit("/", 1)[-1], pattern)


def _excluded(path: Path, exclusions: Iterable[Exclusion]) -> bool:
    """Whether `path` (absolute) matches a glob of one of the exclusions whose base holds it."""
    for base, patterns in exclusions:
        if not path.is_relative_to(base) or path == base:
            continue
        relative = path.relative_to(base).as_posix()
        if any(_matches(relative, pattern) for pattern in patterns):
            return True
    return False


def _config_exclusion(folder: Path, cache: dict[Path, Exclusion | None]) -> Exclusion | None:
    """The `exclude` globs of the config file that governs `folder`, with that file's folder as base."""
    if folder not in cache:
        exclusion: Exclusion | None = None
        try:
            found = find_config_file(folder)
            if found is not None:
                path, table = found
                exclusion = (path.parent, parse_exclude(table.get("exclude", []), str(path)))
        except ConfigError:
            pass  # every file under it reports the broken config when it is checked
        cache[folder] = exclusion
    return cache[folder]


def excluded(path: Path, command_line: Exclusion, cache: dict[Path, Exclusion | None]) -> bool:
    """Whether a file named explicitly falls under an exclusion (itself or a folder above it)."""
    absolute = path.resolve()
    exclusions = [command_line]
    governing = _config_exclusion(absolute.parent, cache)
    if governing is not None:
        exclusions.append(governing)
    return any(_excluded(candidate, exclusions) for candidate in (absolute, *absolute.parents))


def search(root: Path, command_line: Exclusion, cache: dict[Path, Exclusion | None]) -> list[str]:
    """The `.fz` files under `root`, leaving out what the exclusions match below it."""
    found: list[str] = []
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        absolute = here.resolve()
        exclusions = [command_line]
        governing = _config_exclusion(absolute, cache)
        if governing is not None:
            exclusions.append(governing)
        folders[:] = [name for name in folders if not _excluded(absolute / name, exclusions)]
        found.extend(
            str(here / name)
            for name in files
            if name.endswith(".fz") and (here / name).is_file() and not _excluded(absolute / name, exclusions)
        )
    return sorted(found)


class Unreadable(ValueError):
    """A file that cannot be used as a diagram; the message names it and says why."""


def decode_diagram(data: bytes, path: str) -> str:
    """The text of a diagram file: UTF-8 (a BOM is dropped), never binary."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); save it as UTF-8"
        ) from None
    if "\x00" in text:  # valid UTF-8 but binary: a NUL byte never belongs in a diagram
        raise Unreadable(f"{path}: binary data (a NUL byte at offset {text.index(chr(0))}), not a diagram")
    return text


def read_diagram(path: Path, max_bytes: int | None = None) -> str:
    """Read one `.fz` file for the checker or the workspace index; every failure is `Unreadable`."""
    try:
        if max_bytes is not None and (size := path.stat().st_size) > max_bytes:
            raise Unreadable(f"{path} ({size} bytes; files over {max_bytes // (1024 * 1024)} MB are not indexed)")
        data = path.read_bytes()
    except OSError as error:
        raise Unreadable(f"{path}: cannot read: {error.strerror or error}") from None
    return decode_diagram(data, str(path))
