"""The wording of the diagnostics the model makes: one function per mistake.

Each takes what the mistake is about (a reference, a node, a lane) and returns the
finished `Diagnostic`, with its related places and its fix. Deciding *whether* a
diagnostic applies is the model's job; a new rule's message goes here.
"""

from __future__ import annotations

import bisect

from fz_lsp.analysis.diagnostics import (
    FZ001,
    FZ003,
    FZ004,
    FZ005,
    FZ101,
    FZ102,
    FZ103,
    FZ104,
    FZ201,
    FZ202,
    FZ204,
    FZ301,
    FZ302,
    FZ303,
    FZ304,
    FZ501,
    FZ502,
    Diagnostic,
    Fix,
    Related,
    Replacement,
    replace,
)
from fz_lsp.analysis.entities import EdgeSite, Lane, Node, Reference
from fz_lsp.analysis.statement_checks import label_findings
from fz_lsp.syntax.statements import Comment, Edge, Loop, Name, Ref


def related_decl(node: Node, what: str) -> Related:
    name = node.decl.node
    return Related(node.line, name.start, name.end, what)


def related_lane(lane: Lane, what: str) -> Related:
    name = lane.id_name
    return Related(lane.line, name.start, name.end, what)


def unclosed(lane: Lane, following: Lane | None) -> Diagnostic:
    """FZ003: a lane not closed before the next lane (`following`) or the end of the file."""
    name = lane.id_name
    if following is None:
        message = f"lane `{lane.id}` is not closed before the end of the file: add `}}`"
        return Diagnostic(FZ003, lane.line, name.start, name.end, message)
    message = f"lane `{lane.id}` is not closed before the next lane `{following.id}`: add `}}`"
    fix = Fix("Close the lane", (Replacement(following.line - lane.line, 0, 0, "}\n"),))
    return Diagnostic(FZ003, lane.line, name.start, name.end, message, (), fix)


def stray_brace(index: int, brace: Name) -> Diagnostic:
    fix = replace(brace.start, brace.end, "", "Remove the `}`")
    return Diagnostic(FZ004, index, brace.start, brace.end, "`}` closes no lane", (), fix)


def early_brace(index: int, brace: Name, lane: Lane, closing: Name) -> Diagnostic:
    """FZ004 on a `}` that closed `lane` although its statements go on to the `}` at `lane.end_line`."""
    message = f"extra `}}` in lane `{lane.id}`: its statements go on below, to the lane's last `}}`"
    related = Related(lane.end_line, closing.start, closing.end, f"lane `{lane.id}` closes here")
    fix = replace(brace.start, brace.end, "", "Remove the extra `}`")
    return Diagnostic(FZ004, index, brace.start, brace.end, message, (related,), fix)


def nested_lane(lane: Lane) -> Diagnostic:
    parent = lane.parent
    assert parent is not None
    name = lane.id_name
    return Diagnostic(
        FZ005,
        lane.line,
        name.start,
        name.end,
        f"lane `{lane.id}` is declared inside lane `{parent.id}`; lanes do not nest",
        (related_lane(parent, f"lane `{parent.id}` opens here"),),
    )


def outside_lanes(node: Node) -> Diagnostic:
    name = node.decl.node
    return Diagnostic(
        FZ001,
        node.line,
        name.start,
        name.end,
        f"node `{node.id}` is outside every lane: declare it inside `Lane {{ ... }}`",
    )


def statement_outside_lanes(index: int, statement: Edge | Loop) -> Diagnostic:
    if isinstance(statement, Edge):
        return Diagnostic(
            FZ304,
            index,
            statement.start,
            statement.end,
            "edge outside every lane: write it inside its source node's lane",
        )
    return Diagnostic(
        FZ304, index, statement.keyword.start, statement.end, "loop outside every lane: write it inside a lane"
    )


def unknown_lane(index: int, prefix: Name, node: Node | None, guesses: list[str]) -> Diagnostic:
    """FZ102; `guesses` are the lane IDs most like the prefix."""
    fix = None
    if node is not None and node.lane is not None:
        guesses = [node.lane.id] + [g for g in guesses if g != node.lane.id]
    if guesses:
        fix = replace(prefix.start, prefix.end, guesses[0], f"Change to `{guesses[0]}`")
    hint = f"; did you mean `{guesses[0]}`?" if guesses else ""
    return Diagnostic(FZ102, index, prefix.start, prefix.end, f"no lane is called `{prefix.text}`{hint}", (), fix)


def wrong_lane(index: int, ref: Ref, node: Node, lane: Lane | None) -> Diagnostic:
    """FZ103: the prefix names a lane the node is not in."""
    assert ref.lane is not None and node.lane is not None
    prefix = ref.lane
    if lane is not None and node.lane.id == lane.id:  # the node is local: the prefix can simply go
        fix = replace(prefix.start, ref.node.start, "", f"Remove the prefix `{prefix.text}.`")
    else:
        fix = replace(prefix.start, prefix.end, node.lane.id, f"Change to `{node.lane.id}`")
    return Diagnostic(
        FZ103,
        index,
        prefix.start,
        prefix.end,
        f"`{ref.node.text}` is in lane `{node.lane.id}`, not `{prefix.text}`",
        (related_decl(node, f"`{ref.node.text}` is declared in lane `{node.lane.id}`"),),
        fix,
    )


def missing_prefix(index: int, ref: Ref, node: Node) -> Diagnostic:
    """FZ104: a cross-lane target written without its lane."""
    assert node.lane is not None
    home = node.lane.id
    return Diagnostic(
        FZ104,
        index,
        ref.node.start,
        ref.node.end,
        f"`{ref.node.text}` is in lane `{home}`: a cross-lane target needs its prefix, `{home}.{ref.node.text}`",
        (related_decl(node, f"`{ref.node.text}` is declared in lane `{home}`"),),
        replace(ref.node.start, ref.node.start, f"{home}.", f"Add the prefix `{home}.`"),
    )


def foreign_source(site: EdgeSite, node: Node, lane: Lane) -> Diagnostic:
    """FZ303: an edge written outside its source node's lane."""
    assert node.lane is not None
    home = node.lane
    source = site.edge.source
    return Diagnostic(
        FZ303,
        site.line,
        source.start,
        source.end,
        f"this edge starts at `{source.ref.node.text}` in lane `{home.id}` "
        f"but is written in lane `{lane.id}`; write it in `{home.id}`",
        (related_decl(node, f"`{node.id}` is declared in lane `{home.id}`"),),
    )


def dangling(reference: Reference, candidates: list[Node], written: list[str]) -> Diagnostic:
    """FZ101, naming the declared nodes it may mean, each as it would be `written` from here."""
    index, ref = reference.line, reference.ref
    hint = ""
    fix = None
    related: tuple[Related, ...] = ()
    if candidates:
        described = [
            f"`{text}`" + (f' "{node.label}"' if node.label else "")
            for text, node in zip(written, candidates, strict=True)
        ]
        hint = "; did you mean " + " or ".join(described) + "?"
        best = candidates[0]
        related = (related_decl(best, f"`{best.id}` is declared here"),)
        # An edge starts in its own lane: a source from another lane is named, not offered as a fix.
        fixable = [
            (node, text)
            for node, text in zip(candidates, written, strict=True)
            if reference.role != "source" or reference.context is None or node.lane is reference.context
        ]
        if fixable:
            best, text = fixable[0]
            if text.rpartition(".")[0] != (ref.lane.text if ref.lane is not None else ""):
                fix = replace(ref.start, ref.end, text, f"Change to `{text}`")  # the prefix changes too
            else:
                fix = replace(ref.node.start, ref.node.end, best.id, f"Change to `{best.id}`")
    return Diagnostic(
        FZ101, index, ref.node.start, ref.node.end, f"`{ref.node.text}` is not declared{hint}", related, fix
    )


def orphan(node: Node) -> Diagnostic:
    name = node.decl.node
    return Diagnostic(FZ501, node.line, name.start, name.end, f"node `{node.id}` takes part in no edge")


def duplicate_edges(sites: list[EdgeSite]) -> list[Diagnostic]:
    """FZ502 on the second and later copies of one edge (`sites` in file order)."""
    first = sites[0]
    return [
        Diagnostic(
            FZ502,
            site.line,
            site.edge.start,
            site.edge.end,
            f"this edge from `{site.edge.source.ref.node.text}` to `{site.edge.target.ref.node.text}` is already drawn",
            (Related(first.line, first.edge.start, first.edge.end, "the same edge"),),
        )
        for site in sites[1:]
    ]


def duplicate_node(node: Node, first: Node, new_id: str, uses: list[Reference]) -> Diagnostic:
    """FZ201 on a later declaration; its fix renames it, and the `uses` that resolve to it, to `new_id`."""
    name = node.decl.node
    where = f" in lane `{first.lane.id}`" if first.lane is not None else ""
    renamed = [Replacement(r.line - node.line, r.ref.node.start, r.ref.node.end, new_id) for r in uses]
    return Diagnostic(
        FZ201,
        node.line,
        name.start,
        name.end,
        f"node `{node.id}` is already declared{where}; node IDs are unique across lanes",
        (related_decl(first, f"first declaration of `{node.id}`"),),
        Fix(
            f"Rename this `{node.id}` to `{new_id}`, the next free number",
            (Replacement(0, name.start, name.end, new_id), *renamed),
        ),
    )


def missing_numbers(numbers: list[int], count: int) -> list[int]:
    """The first `count` numbers from 1 up that are not in `numbers` (sorted, distinct, >= 1).

    Below `numbers[i]` there are `numbers[i] - 1 - i` missing numbers, so the j-th missing one
    is found by bisection: no walk over the whole list.
    """
    found = []
    for j in range(1, count + 1):
        i = bisect.bisect_left(range(len(numbers)), j, key=lambda i: numbers[i] - 1 - i)
        found.append(i + j)
    return found


def numbering(numbers: list[int], first_of: dict[str, Node]) -> list[Diagnostic]:
    """FZ204: node numbers must be exactly 1..N (`numbers`: of the declared IDs, sorted and distinct)."""
    count = len(numbers)
    extra = numbers[bisect.bisect_right(numbers, count) :]
    if not extra:
        return []
    absent = count - (len(numbers) - len(extra))  # how many of 1..N are missing: as many as are past N
    shown = missing_numbers(numbers, min(absent, 5))
    gap = ", ".join(f"n{n}" for n in shown) + (", ..." if absent > 5 else "")
    found = []
    for number in extra:
        name = first_of[f"n{number}"].decl.node
        found.append(
            Diagnostic(
                FZ204,
                first_of[f"n{number}"].line,
                name.start,
                name.end,
                f"node numbers should run n1..n{count} with {count} node{'s' if count != 1 else ''}: "
                f"n{number} is past the end and {gap} {'is' if absent == 1 else 'are'} missing",
            )
        )
    return found


def duplicate_lane(lane: Lane, first: Lane) -> Diagnostic:
    name = lane.id_name
    return Diagnostic(
        FZ202,
        lane.line,
        name.start,
        name.end,
        f"lane `{lane.id}` is declared twice; lane IDs are unique",
        (related_lane(first, f"first declaration of `{lane.id}`"),),
    )


def comment(index: int, statement: Comment, is_label: bool, header_line: str, line: str) -> list[Diagnostic]:
    """FZ302 for a comment FlowZap drops; FZ301 (and the label rules) for a lane's label comment."""
    if not is_label:
        return [
            Diagnostic(
                FZ302,
                index,
                statement.start,
                statement.end,
                "FlowZap drops comments; only a lane's `# Display label` on its header line is kept",
            )
        ]
    # It is the lane's label after all: the label rules apply to it too.
    found = [Diagnostic(f.code, index, f.start, f.end, f.message) for f in label_findings(statement)]
    found.append(
        Diagnostic(
            FZ301,
            index,
            statement.start,
            statement.end,
            "the lane's display label belongs on the header line, after `{`",
            (),
            Fix(
                "Move the label onto the header line",
                (
                    Replacement(-1, len(header_line), len(header_line), " " + statement.text),
                    Replacement(0, 0, len(line), ""),
                ),
            ),
        )
    )
    return found
