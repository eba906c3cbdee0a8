"""Settings shared by the checker and the server: per-code severities and debounce.

Read from `.fz-lsp.toml` (top level) or `[tool.fz-lsp]` in `pyproject.toml`, the
nearest one found walking up from the checked file; the server overlays what the
editor sends (`workspace/configuration`, section `fz-lsp`). A config file may also
list `exclude` globs, which only the checker's folder search uses.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fz_lsp.analysis.diagnostics import RULES, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILE = ".fz-lsp.toml"
DEFAULT_DEBOUNCE_MS = 150
DEFAULT_MAX_WAIT_MS = 1000  # while typing goes on, diagnostics are published at least this often
SETTING_NAMES = frozenset({"severity", "exclude", "debounceMs", "maxWaitMs"})


class ConfigError(ValueError):
    """A settings file or object that cannot be used; the message names the place."""


@dataclass(frozen=True)
class Settings:
    severities: Mapping[str, Severity] = field(default_factory=dict)
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    max_wait_ms: int = DEFAULT_MAX_WAIT_MS
    source: str | None = None  # the file the settings came from, for messages
    exclude: tuple[str, ...] = ()  # globs relative to the config file's folder (folder search only)

    def severity(self, code: str) -> Severity:
        found = self.severities.get(code)
        return found if found is not None else RULES[code].severity

    def overlay(self, options: Mapping[str, Any], where: str) -> Settings:
        """These settings with an editor's settings object laid over them."""
        severities = dict(self.severities)
        severities.update(parse_severities(options.get("severity", {}), where))
        waits = {}
        for name, current in (("debounceMs", self.debounce_ms), ("maxWaitMs", self.max_wait_ms)):
            value = options.get(name, current)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{where}: {name} must be a whole number of milliseconds, not {value!r}")
            waits[name] = value
        return replace(self, severities=severities, debounce_ms=waits["debounceMs"], max_wait_ms=waits["maxWaitMs"])


def parse_severities(table: object, where: str) -> dict[str, Severity]:
    if not isinstance(table, Mapping):
        raise ConfigError(f'{where}: `severity` must be a table of codes, like {{ FZ501 = "off" }}')
    parsed: dict[str, Severity] = {}
    for code, word in table.items():
        code = str(code).upper()
        if code not in RULES:
            raise ConfigError(f"{where}: unknown code {code}; codes run FZ001 to FZ505")
        try:
            parsed[code] = Severity.parse(str(word))
        except KeyError:
            raise ConfigError(
                f"{where}: {code} = {word!r} is not a severity (off, hint, info, warning, error)"
            ) from None
    return parsed


def parse_exclude(value: object, where: str) -> tuple[str, ...]:
    """`exclude = ["examples/broken", "*.draft.fz"]`: a list of glob strings."""
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip("/") for item in value):
        raise ConfigError(f'{where}: `exclude` must be a list of glob patterns, like ["examples/broken"]')
    return tuple(value)


def _table_of(path: Path) -> Mapping[str, Any] | None:
    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError as error:
        byte = error.object[error.start]
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{byte:02x} at offset {error.start})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    if path.name == CONFIG_FILE:
        return data
    tool = data.get("tool", {})
    section = tool.get("fz-lsp") if isinstance(tool, Mapping) else None
    return section if isinstance(section, Mapping) else None


def find_config_file(start: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """The nearest `.fz-lsp.toml`, or `pyproject.toml` with `[tool.fz-lsp]`, above `start`."""
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        for name in (CONFIG_FILE, "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file():
                table = _table_of(candidate)
                if table is not None:
                    return candidate, table
    return None


def load_settings(start: Path) -> Settings:
    """Settings for a file or folder: from the nearest config file, else the defaults."""
    found = find_config_file(start.resolve())
    if found is None:
        return Settings()
    path, table = found
    unknown = sorted(set(table) - SETTING_NAMES)
    if path.name == CONFIG_FILE and "tool" in unknown:  # `[tool.fz-lsp]` copied from pyproject.toml
        raise ConfigError(
            f"{path}: `[tool.fz-lsp]` is how pyproject.toml names the section; "
            f"in {CONFIG_FILE} drop the `tool.fz-lsp` prefix and write the settings at the top level"
        )
    if unknown:  # a misspelt setting would otherwise be silently ignored
        raise ConfigError(
            f"{path}: unknown setting `{unknown[0]}`; the settings are {', '.join(sorted(SETTING_NAMES))}"
        )
    exclude = parse_exclude(table.get("exclude", []), str(path))
    return Settings(source=str(path), exclude=exclude).overlay(table, str(path))
