"""The editor settings of the reading aids and formatting, read leniently from `fz-lsp`.

VS Code sends dotted settings as nested objects (`{"format": {"indent": 2}}`); other
clients may send them flat (`{"format.indent": 2}`). A value of the wrong type falls
back to the default: a typo in a setting must not switch a feature off silently, nor
break it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_INDENT = 2
DEFAULT_HINT_LENGTH = 24


def _setting(options: Mapping[str, Any], dotted: str) -> Any:
    if dotted in options:
        return options[dotted]
    value: Any = options
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _whole(value: Any, default: int, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        return default
    return value


def _flag(value: Any, default: bool) -> bool:
    return value if isinstance(value, bool) else default


@dataclass(frozen=True)
class EditorOptions:
    """`format.indent` (spaces, 0 allowed), `inlayHints.labels`, `inlayHints.maxLength`, `codeLens`."""

    indent: int = DEFAULT_INDENT
    inlay_labels: bool = True
    inlay_max_length: int = DEFAULT_HINT_LENGTH
    code_lens: bool = False

    @classmethod
    def read(cls, options: Mapping[str, Any]) -> EditorOptions:
        return cls(
            indent=_whole(_setting(options, "format.indent"), DEFAULT_INDENT, 0),
            inlay_labels=_flag(_setting(options, "inlayHints.labels"), True),
            inlay_max_length=_whole(_setting(options, "inlayHints.maxLength"), DEFAULT_HINT_LENGTH, 2),
            code_lens=_flag(_setting(options, "codeLens"), False),
        )
