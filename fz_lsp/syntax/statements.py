"""Syntax nodes: one statement per line, spans in code-point columns of that line.

Statements are immutable and shared between identical lines, so they carry no
line number: the document knows which line each one sits on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

IDENTIFIER = r"[^\W\d](?:[\w-]*\w)?"
"""A lane or node ID: a letter, then letters, digits, `_` or `-`, not ending in `-`. The one pattern."""

# The two codes the syntax layer makes; the catalogue (`fz_lsp.analysis.diagnostics`) re-exports them.
FZ001: Final = "FZ001"  # syntax error
FZ002: Final = "FZ002"  # unterminated string


@dataclass(frozen=True, slots=True)
class Name:
    """A word of the source and where it sits on its line."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Text:
    """A quoted string: `raw` as written (quotes included), `value` unescaped."""

    raw: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """Why a line did not parse: FZ001 (syntax) or FZ002 (unterminated string)."""

    code: str
    message: str
    start: int
    end: int
    escape: tuple[int, ...] = ()  # quotes inside a quoted value that need a backslash before them


@dataclass(frozen=True, slots=True)
class Ref:
    """A node reference, `n4` or `Billing.n4`."""

    lane: Name | None
    node: Name

    @property
    def start(self) -> int:
        return self.lane.start if self.lane is not None else self.node.start

    @property
    def end(self) -> int:
        return self.node.end


@dataclass(frozen=True, slots=True)
class Handle:
    """`.handle(dir)`: the keyword as written and the direction, if any."""

    keyword: Name
    direction: Name
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One end of an edge: a reference and its handle."""

    ref: Ref
    handle: Handle | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Attribute:
    """`key:"value"` on a node, or `key="value"` inside an edge's brackets."""

    key: Name
    separator: Name
    value: Text


@dataclass(frozen=True, slots=True)
class Blank:
    """An empty or whitespace-only line."""

    problem: SyntaxProblem | None = None


@dataclass(frozen=True, slots=True)
class Comment:
    """A `# ...` or `// ...` line; `text` includes the marker."""

    text: str
    start: int
    end: int
    problem: SyntaxProblem | None = None


@dataclass(frozen=True, slots=True)
class LaneHeader:
    """`LaneId {` with an optional `# Display label`."""

    lane: Name
    brace: Name
    label: Name | None
    problem: SyntaxProblem | None = None

    @property
    def display_label(self) -> str | None:
        return None if self.label is None else self.label.text[1:].strip()


@dataclass(frozen=True, slots=True)
class LaneClose:
    """The `}` that closes a lane."""

    brace: Name
    problem: SyntaxProblem | None = None


@dataclass(frozen=True, slots=True)
class NodeDecl:
    """`nK: shape key:"value" ...`."""

    node: Name
    shape: Name
    attributes: tuple[Attribute, ...]
    problem: SyntaxProblem | None = None

    def attribute(self, key: str) -> Attribute | None:
        for attribute in self.attributes:
            if attribute.key.text == key:
                return attribute
        return None

    @property
    def label(self) -> str | None:
        attribute = self.attribute("label")
        return None if attribute is None else attribute.value.value


@dataclass(frozen=True, slots=True)
class Edge:
    """`source -> target [label="..."]`."""

    source: Endpoint
    arrow: Name
    target: Endpoint
    label: Attribute | None
    label_start: int
    label_end: int
    problem: SyntaxProblem | None = None

    @property
    def start(self) -> int:
        return self.source.start

    @property
    def end(self) -> int:
        return self.label_end if self.label is not None else self.target.end


@dataclass(frozen=True, slots=True)
class Loop:
    """`loop [text] nA nB ...`."""

    keyword: Name
    text: Name
    members: tuple[Ref, ...]
    problem: SyntaxProblem | None = None

    @property
    def end(self) -> int:
        return self.members[-1].end if self.members else self.text.end


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A line nothing could be read from."""

    problem: SyntaxProblem


Statement = Blank | Comment | LaneHeader | LaneClose | NodeDecl | Edge | Loop | Unparsed
