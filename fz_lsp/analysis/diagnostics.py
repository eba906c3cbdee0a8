"""The diagnostic catalogue (FZ001–FZ505) and the records the checks produce."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from fz_lsp.syntax.statements import FZ001 as FZ001  # re-exported: the catalogue names every code
from fz_lsp.syntax.statements import FZ002 as FZ002


class Severity(IntEnum):
    """Ordered so that a larger value is more severe; OFF hides the code."""

    OFF = 0
    HINT = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @classmethod
    def parse(cls, word: str) -> Severity:
        aliases = {"information": "info", "warn": "warning", "none": "off"}
        return cls[aliases.get(word.lower(), word.lower()).upper()]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    title: str


# One constant per code: checks make and compare diagnostics by these names, never by a bare
# string, so a code that the catalogue lacks cannot be made. FZ001/FZ002 are made by the syntax
# layer (which may not import analysis) and defined there; the catalogue re-exports them.
FZ003: Final = "FZ003"
FZ004: Final = "FZ004"
FZ005: Final = "FZ005"
FZ101: Final = "FZ101"
FZ102: Final = "FZ102"
FZ103: Final = "FZ103"
FZ104: Final = "FZ104"
FZ105: Final = "FZ105"
FZ106: Final = "FZ106"
FZ201: Final = "FZ201"
FZ202: Final = "FZ202"
FZ203: Final = "FZ203"
FZ204: Final = "FZ204"
FZ205: Final = "FZ205"
FZ206: Final = "FZ206"
FZ207: Final = "FZ207"
FZ208: Final = "FZ208"
FZ209: Final = "FZ209"
FZ210: Final = "FZ210"
FZ211: Final = "FZ211"
FZ212: Final = "FZ212"
FZ301: Final = "FZ301"
FZ302: Final = "FZ302"
FZ303: Final = "FZ303"
FZ304: Final = "FZ304"
FZ401: Final = "FZ401"
FZ402: Final = "FZ402"
FZ501: Final = "FZ501"
FZ502: Final = "FZ502"
FZ503: Final = "FZ503"
FZ504: Final = "FZ504"
FZ505: Final = "FZ505"

SEQUENCE_CODES: Final = (FZ504, FZ505)
"""The codes of the sequence pass: off by default, and it costs a pass of its own only when one is on."""

_E, _W, _I, _OFF = Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.OFF

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(FZ001, _E, "syntax error"),
        Rule(FZ002, _E, "unterminated string"),
        Rule(FZ003, _E, "lane not closed"),
        Rule(FZ004, _E, "`}` without an open lane"),
        Rule(FZ005, _E, "lane header inside a lane"),
        Rule(FZ101, _E, "dangling handle: undeclared node"),
        Rule(FZ102, _E, "prefix names no lane"),
        Rule(FZ103, _E, "node is not in the lane its prefix names"),
        Rule(FZ104, _E, "cross-lane target without lane prefix"),
        Rule(FZ105, _E, "not a direction"),
        Rule(FZ106, _E, "edge end without `.handle(direction)`"),
        Rule(FZ201, _E, "node ID declared twice"),
        Rule(FZ202, _E, "lane ID declared twice"),
        Rule(FZ203, _E, "node ID is not `n<number>`"),
        Rule(FZ204, _W, "node numbers are not 1..N"),
        Rule(FZ205, _E, "unknown shape"),
        Rule(FZ206, _W, "unknown node attribute"),
        Rule(FZ207, _E, "node attribute written with `=`"),
        Rule(FZ208, _E, "edge label written with `:`"),
        Rule(FZ209, _W, "attribute given twice"),
        Rule(FZ210, _W, "node without label"),
        Rule(FZ211, _W, "label longer than 50 characters"),
        Rule(FZ212, _W, "emoji or control character in a label"),
        Rule(FZ301, _W, "lane label on the line after `{`"),
        Rule(FZ302, _W, "comment that FlowZap drops"),
        Rule(FZ303, _W, "edge written outside its source node's lane"),
        Rule(FZ304, _W, "edge or loop outside every lane"),
        Rule(FZ401, _W, "loop with fewer than two members"),
        Rule(FZ402, _W, "node listed twice in one loop"),
        Rule(FZ501, _W, "orphan node"),
        Rule(FZ502, _W, "duplicate edge"),
        Rule(FZ503, _I, "edge from a node to itself"),
        Rule(FZ504, _OFF, "cross-lane request without an edge back"),
        Rule(FZ505, _OFF, "new cross-lane request before the previous one was answered"),
    )
}


@dataclass(frozen=True, slots=True)
class Replacement:
    """Replace columns start..end of the line `line_delta` lines below the diagnostic."""

    line_delta: int
    start: int
    end: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A quick fix: a title and the replacements that make it."""

    title: str
    replacements: tuple[Replacement, ...]


def replace(start: int, end: int, new_text: str, title: str) -> Fix:
    """A fix that rewrites one span of the diagnostic's own line."""
    return Fix(title, (Replacement(0, start, end, new_text),))


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a diagnostic (a first declaration, a lane header)."""

    line: int
    start: int
    end: int
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    """A diagnostic on a line not yet known: what per-statement checks produce."""

    code: str
    start: int
    end: int
    message: str
    fix: Fix | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One diagnostic: code, code-point range on one line, message, context, fix."""

    code: str
    line: int
    start: int
    end: int
    message: str
    related: tuple[Related, ...] = ()
    fix: Fix | None = None

    @property
    def default_severity(self) -> Severity:
        return RULES[self.code].severity


def file_order(diagnostic: Diagnostic) -> tuple[int, int, str, str]:
    """The order diagnostics are shown in: by place, then code, then message."""
    return diagnostic.line, diagnostic.start, diagnostic.code, diagnostic.message
