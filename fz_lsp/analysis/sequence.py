"""Sequence rules (off by default): requests between lanes and their answers, in edge order.

They depend on every edge's resolved ends and on the order of the edges, nothing else:
computed on demand, from the model's edges. A new rule about the order of edges across
lanes belongs here.
"""

from __future__ import annotations

from fz_lsp.analysis.diagnostics import FZ504, FZ505, Diagnostic, Related
from fz_lsp.analysis.entities import EdgeSite, Lane


def sequence_findings(edges: list[EdgeSite]) -> list[Diagnostic]:
    """FZ504 and FZ505, in edge order (unsorted by position)."""
    found: list[Diagnostic] = []
    crossings: list[tuple[EdgeSite, Lane, Lane]] = []
    for site in edges:
        source, target = site.source.node, site.target.node
        if source is None or target is None or source.lane is None or target.lane is None:
            continue
        if source.lane.id != target.lane.id:
            crossings.append((site, source.lane, target.lane))
    directions = {(a.id, b.id) for _, a, b in crossings}
    pending: list[tuple[Lane, Lane, EdgeSite]] = []
    for site, origin, destination in crossings:
        edge = site.edge
        if (destination.id, origin.id) not in directions:
            found.append(
                Diagnostic(
                    FZ504,
                    site.line,
                    edge.start,
                    edge.end,
                    f"request from lane `{origin.id}` to `{destination.id}` has no edge back",
                )
            )
        reply = next((p for p in pending if p[0].id == destination.id and p[1].id == origin.id), None)
        if reply is not None:
            pending.remove(reply)
            continue
        waiting = next((p for p in pending if p[0].id == origin.id), None)
        if waiting is not None:
            unanswered = waiting[2]
            found.append(
                Diagnostic(
                    FZ505,
                    site.line,
                    edge.start,
                    edge.end,
                    f"lane `{origin.id}` sends a new request before `{waiting[1].id}` answered the previous one",
                    (Related(unanswered.line, unanswered.edge.start, unanswered.edge.end, "the unanswered request"),),
                )
            )
        pending.append((origin, destination, site))
    return found
