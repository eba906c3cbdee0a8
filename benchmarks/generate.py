"""Generate large, valid FlowZap Code documents for the benchmarks.

    python benchmarks/generate.py 10000 > big.fz
    python benchmarks/generate.py 10000 --seed 7 > other.fz

`generate(lines, seed)` returns a document of exactly `lines` lines (each ending in
a newline): several lanes (about one per 500 lines), nodes numbered n1..nN with no
gaps, about 30 % cross-lane edges written in the source node's lane with the
target's `Lane.` prefix, decisions with Yes/No branches, a few taskboxes and
loops, and some Chinese and accented labels. Every node takes part in an edge and
no edge is drawn twice, so the document checks clean (no errors, no warnings).

`outline(text)` reads back what the benchmarks need to pick realistic edits:
which lane each node is in, where the edge targets and node labels are.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass, field

LANE_WORDS = (
    "Client", "Gateway", "Auth", "Billing", "Orders", "Inventory", "Shipping", "Payments",
    "Notify", "Analytics", "Search", "Catalog", "Support", "Fraud", "Ledger", "Reporting",
    "Identity", "Pricing", "Warehouse", "Returns",
)  # fmt: skip
LANE_LABELS = (
    "Customer Portal", "API Gateway", "Identity Service", "Facturación", "Commandes et suivi",
    "库存管理", "Versand & Logistik", "支付网关", "Benachrichtigungen", "Análisis de datos",
)  # fmt: skip
VERBS = (
    "Validate", "Store", "Publish", "Fetch", "Approve", "Reject", "Route", "Notify", "Retry",
    "Reserve", "Release", "Compute", "Render", "Archive", "Audit", "Merge", "Split", "Queue",
)  # fmt: skip
OBJECTS = (
    "order", "invoice", "payment", "session", "token", "shipment", "refund", "customer record",
    "price list", "audit log", "cart", "report", "stock level", "webhook", "ledger entry",
)  # fmt: skip
CHINESE = ("审核申请", "支付处理", "发送通知", "更新库存", "生成报表", "校验令牌", "创建订单", "退款审批")
ACCENTED = (
    "Vérifier la commande", "Crédit approuvé", "Übertragung prüfen", "Año fiscal cerrado",
    "Réessayer plus tard", "Café résumé", "Pedido concluído", "Zahlung bestätigt",
)  # fmt: skip
QUESTIONS = ("Valid?", "Approved?", "In stock?", "Paid?", "Retry left?", "库存充足？", "Crédit accepté ?")
ANSWERS = (("Yes", "No"), ("Sí", "No"), ("是", "否"), ("Oui", "Non"), ("OK", "Failed"))
EDGE_LABELS = ("Request", "Response", "Callback", "Événement", "Retry", "同步", "Ack", "Timeout", "Données")
LOOP_TEXTS = ("retry up to 3 times", "poll until ready", "répéter 3 fois", "重试直到成功", "until stock arrives")

CROSS_LANE = 0.32  # share of edges that go to another lane
EDGE_LABEL_SHARE = 0.25
MIN_LINES = 30


@dataclass
class _Lane:
    id: str
    label: str
    nodes: list[int] = field(default_factory=list)
    decls: list[str] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)
    loops: list[str] = field(default_factory=list)

    def line_count(self) -> int:
        return 2 + len(self.decls) + len(self.edges) + len(self.loops)


def _label(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:
        return rng.choice(CHINESE)
    if roll < 0.2:
        return rng.choice(ACCENTED)
    return f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"


def _lane_ids(count: int) -> list[str]:
    ids = []
    for index in range(count):
        word = LANE_WORDS[index % len(LANE_WORDS)]
        ids.append(word if index < len(LANE_WORDS) else f"{word}{index // len(LANE_WORDS) + 1}")
    return ids


class _Builder:
    def __init__(self, lines: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.lane_count = max(3, round(lines / 500))
        self.lanes = [_Lane(lane_id, self.rng.choice(LANE_LABELS)) for lane_id in _lane_ids(self.lane_count)]
        self.lane_of: dict[int, _Lane] = {}
        self.drawn: set[tuple[int, int]] = set()

    def place_nodes(self, count: int) -> None:
        weights = [self.rng.uniform(0.5, 1.5) for _ in self.lanes]
        total = sum(weights)
        sizes = [max(2, int(count * w / total)) for w in weights]
        sizes[-1] = max(2, count - sum(sizes[:-1]))
        number = 1
        for lane, size in zip(self.lanes, sizes, strict=True):
            for _ in range(size):
                lane.nodes.append(number)
                self.lane_of[number] = lane
                number += 1

    def edge(self, source: int, target: int, label: str | None = None, decision_no: bool = False) -> bool:
        """Write `source -> target` in the source's lane; False if it would repeat an edge."""
        if source == target or (source, target) in self.drawn:
            return False
        self.drawn.add((source, target))
        home, away = self.lane_of[source], self.lane_of[target]
        if home is away:
            out, into = ("bottom", "top") if decision_no else ("right", "left")
            text = f"n{source}.handle({out}) -> n{target}.handle({into})"
        else:
            text = f"n{source}.handle(bottom) -> {away.id}.n{target}.handle(top)"
        if label is not None:
            text += f' [label="{label}"]'
        home.edges.append(text)
        return True

    def random_target(self, source: int) -> int:
        home = self.lane_of[source]
        if self.rng.random() < CROSS_LANE:
            away = self.rng.choice([lane for lane in self.lanes if lane is not home])
            return self.rng.choice(away.nodes)
        return self.rng.choice(home.nodes)

    def build(self) -> None:
        rng = self.rng
        for lane in self.lanes:
            for position, number in enumerate(lane.nodes):
                roll = rng.random()
                is_last = position == len(lane.nodes) - 1
                if position == 0 and lane is self.lanes[0]:
                    lane.decls.append(f'n{number}: circle label:"Start {_label(rng)}"')
                elif roll < 0.1 and not is_last:
                    lane.decls.append(f'n{number}: diamond label:"{rng.choice(QUESTIONS)}"')
                    yes, no = rng.choice(ANSWERS)
                    self.edge(number, lane.nodes[position + 1], yes)
                    for _ in range(20):
                        if self.edge(number, self.random_target(number), no, decision_no=True):
                            break
                    continue
                elif roll < 0.13:
                    lane.decls.append(
                        f'n{number}: taskbox label:"{_label(rng)}" owner:"Équipe {lane.id}" '
                        f'description:"Manual step" system:"Back office"'
                    )
                else:
                    lane.decls.append(f'n{number}: rectangle label:"{_label(rng)}"')
                label = rng.choice(EDGE_LABELS) if rng.random() < EDGE_LABEL_SHARE else None
                if rng.random() < CROSS_LANE or is_last:
                    away = rng.choice([other for other in self.lanes if other is not lane])
                    target = rng.choice(away.nodes)
                else:
                    target = lane.nodes[position + 1]
                if not self.edge(number, target, label):  # the fallback always finds a new edge
                    self.edge(number, lane.nodes[(position + 1) % len(lane.nodes)], label)
        for index, lane in enumerate(self.lanes):
            if index % 3 == 1 and len(lane.nodes) >= 3:
                members = [f"n{n}" for n in rng.sample(lane.nodes, 2)]
                if rng.random() < 0.5:
                    away = self.lanes[index - 1]
                    members.append(f"{away.id}.n{rng.choice(away.nodes)}")
                lane.loops.append(f"loop [{rng.choice(LOOP_TEXTS)}] " + " ".join(members))

    def line_count(self) -> int:
        return sum(lane.line_count() for lane in self.lanes)

    def fill(self, lines: int) -> None:
        """Add edges until the document has exactly `lines` lines."""
        attempts = 0
        while self.line_count() < lines:
            attempts += 1
            if attempts > 100 * lines:
                raise RuntimeError("cannot fill the document with new edges")
            source = self.rng.choice(self.rng.choice(self.lanes).nodes)
            label = self.rng.choice(EDGE_LABELS) if self.rng.random() < EDGE_LABEL_SHARE else None
            self.edge(source, self.random_target(source), label)

    def text(self) -> str:
        out: list[str] = []
        for lane in self.lanes:
            out.append(f"{lane.id} {{ # {lane.label}")
            out.extend(lane.decls)
            out.extend(lane.edges)
            out.extend(lane.loops)
            out.append("}")
        return "".join(line + "\n" for line in out)


def generate(lines: int, seed: int = 0) -> str:
    """A valid `.fz` document of exactly `lines` lines."""
    if lines < MIN_LINES:
        raise ValueError(f"generate at least {MIN_LINES} lines")
    lane_count = max(3, round(lines / 500))
    nodes = int((lines - 2 * lane_count - lane_count // 3 - 1) / 2.3)
    while nodes >= 2 * lane_count:
        builder = _Builder(lines, seed)
        builder.place_nodes(nodes)
        builder.build()
        if builder.line_count() <= lines:
            builder.fill(lines)
            return builder.text()
        nodes = int(nodes * 0.95)  # too many edges came out: fewer nodes
    raise ValueError(f"cannot lay out {lines} lines")


# --- reading a generated document back ----------------------------------------------------

_HEADER = re.compile(r"^([^\W\d]\w*) \{")
_DECL = re.compile(r'^n(\d+): (\w+) label:"([^"]*)"')
_EDGE = re.compile(r"^n(\d+)\.handle\(\w+\) -> (?:([^\W\d]\w*)\.)?n(\d+)\.handle")


@dataclass(frozen=True)
class EdgeLine:
    line: int
    source: int
    target: int
    target_lane: str | None  # the prefix, for a cross-lane edge
    target_start: int  # code-point columns of `nK` in the target
    target_end: int


@dataclass(frozen=True)
class LabelSite:
    line: int
    node: int
    start: int  # columns of the label text between the quotes
    end: int


@dataclass
class Outline:
    lines: list[str]
    lane_of: dict[int, str] = field(default_factory=dict)
    nodes_of: dict[str, list[int]] = field(default_factory=dict)
    edges: list[EdgeLine] = field(default_factory=list)
    labels: list[LabelSite] = field(default_factory=list)


def outline(text: str) -> Outline:
    """Lanes, nodes, edges and labels of a document written by `generate`."""
    found = Outline(text.split("\n"))
    lane = ""
    for index, line in enumerate(found.lines):
        if match := _HEADER.match(line):
            lane = match.group(1)
            found.nodes_of[lane] = []
        elif match := _DECL.match(line):
            number = int(match.group(1))
            found.lane_of[number] = lane
            found.nodes_of[lane].append(number)
            found.labels.append(LabelSite(index, number, match.start(3), match.end(3)))
        elif match := _EDGE.match(line):
            found.edges.append(
                EdgeLine(
                    index, int(match.group(1)), int(match.group(3)), match.group(2), match.start(3) - 1, match.end(3)
                )
            )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a valid N-line FlowZap Code document to stdout.")
    parser.add_argument("lines", type=int, help=f"number of lines (at least {MIN_LINES})")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.lines < MIN_LINES:
        parser.error(f"generate at least {MIN_LINES} lines")
    text = generate(args.lines, args.seed)
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
