"""The checks that hang on a node ID or an edge, and the groups of diagnostics they fill.

Grouped by what they depend on, so that an edit redoes only the groups it touched:
per node ID (`_recompute_id`: resolution, dangling handles, prefixes, cross-lane rules,
orphans), per edge key (`_recompute_keys`: the same edge drawn twice), and across all
declarations (`_recompute_duplicates`, `_recompute_numbering`); which IDs a lane's new
ID makes stale is `_lane_renamed`'s to say. A new rule about what a
reference resolves to goes in `_resolve`; its wording in `messages`. Lanes and braces
are checked in `structure`, one line on its own in `statement_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable

from fz_lsp.analysis import messages
from fz_lsp.analysis.diagnostics import Diagnostic
from fz_lsp.analysis.entities import EdgeKey, EdgeSite, Lane, Node, Reference
from fz_lsp.analysis.lines import Pinned
from fz_lsp.analysis.registry import Registry
from fz_lsp.analysis.suggestions import guesses
from fz_lsp.analysis.vocabulary import closest_names
from fz_lsp.syntax.statements import Statement


class Checks(Registry):
    """The registry plus the diagnostics that depend on resolution, by node ID and edge key."""

    def __init__(self, lines: list[str], statements: list[Statement]) -> None:
        super().__init__(lines, statements)
        self._lane_guesses: dict[str, list[str]] = {}  # lane IDs like an unknown prefix, until lanes change
        self._guesses: dict[str, list[str]] = {}  # "did you mean" per undeclared ID, until IDs change
        self._dangling: set[str] = set()
        self._duplicated: set[str] = set()
        self._duplicates: list[Pinned] = []
        self._duplicates_stale = True
        self._numbering: list[Pinned] = []
        self._per_id: dict[str, list[Pinned]] = {}
        self._per_key: dict[EdgeKey, list[Pinned]] = {}

    def _pin(self, found: Iterable[Diagnostic]) -> list[Pinned]:
        return [Pinned.at(self._rows, diagnostic) for diagnostic in found]

    def _recompute_id(self, node_id: str) -> None:
        """Resolve every use of `node_id` and redo the diagnostics that hang on it."""
        decls = self._decls.get(node_id, [])
        found = [messages.outside_lanes(decl) for decl in decls if decl.lane is None]
        if len(decls) > 1 or node_id in self._duplicated:
            # FZ201's fix renames the uses of a later declaration: they may have changed.
            self._duplicates_stale = True
            if len(decls) > 1:
                self._duplicated.add(node_id)
            else:
                self._duplicated.discard(node_id)
        references = self.node_refs.get(node_id, [])
        references.sort(key=lambda r: (r.line, r.ref.node.start))
        connected: set[int] = set()  # ids of the declarations an edge names
        for reference in references:
            node = self.resolve(reference)
            if node is not None and reference.role != "member":
                connected.add(id(node))
            moved = reference.node is not node
            self._resolve(reference, node, found)
            if moved and reference.role != "member":  # an edge is filed by what its ends resolve to
                self._rekey(self._edges_at[reference.row])
        if not decls and references:
            self._dangling.add(node_id)
        else:
            self._dangling.discard(node_id)
        # A node named on a line that does not parse may well be linked there: no orphan warning.
        # A second declaration already has FZ201; an orphan warning would say the same twice.
        if decls and id(decls[0]) not in connected and not self._mentioned.get(node_id):
            found.append(messages.orphan(decls[0]))
        if found:
            self._per_id[node_id] = self._pin(found)
        else:
            self._per_id.pop(node_id, None)

    def _resolve(self, reference: Reference, node: Node | None, found: list[Diagnostic]) -> None:
        index, ref, lane = reference.line, reference.ref, reference.context
        reference.node = node
        prefix = ref.lane
        named_lane = None
        if prefix is not None:
            if node is not None and node.lane is not None and node.lane.id == prefix.text:
                named_lane = node.lane
            else:
                named_lane = self.lane_table.get(prefix.text)
        reference.lane = named_lane
        if prefix is not None and named_lane is None:
            found.append(messages.unknown_lane(index, prefix, node, self._lanes_like(prefix.text)))
        if node is None:
            found.append(self._dangling_diagnostic(reference))
            return
        if prefix is not None and named_lane is None:
            return  # a wrong prefix is the one mistake here: no lane rule is checked on top of it
        if named_lane is not None and node.lane is not None and node.lane.id != named_lane.id:
            found.append(messages.wrong_lane(index, ref, node, lane))
            return
        if lane is None or node.lane is None or node.lane.id == lane.id:
            return
        if reference.role == "target" and prefix is None:
            found.append(messages.missing_prefix(index, ref, node))
        elif reference.role == "source":
            found.append(messages.foreign_source(self._edges_at[reference.row], node, lane))

    def _lanes_like(self, prefix: str) -> list[str]:
        """The lane IDs most like an unknown prefix (cached until the lanes change: one rename
        can leave a hundred references naming the old ID)."""
        found = self._lane_guesses.get(prefix)
        if found is None:
            found = self._lane_guesses[prefix] = closest_names(prefix, list(self.lane_table))
        return found

    def _dangling_diagnostic(self, reference: Reference) -> Diagnostic:
        """FZ101, with the declared nodes it may mean, each written so that it resolves from here."""
        ref = reference.ref
        node_id = ref.node.text
        ids = self._guesses.get(node_id)
        if ids is None:
            ids = self._guesses[node_id] = guesses(node_id, self._decls, self._numbers, limit=6)
        home = reference.context
        if ref.lane is not None:
            home = self.lane_table.get(ref.lane.text, home)
        other = self._other_end(reference)
        # The same lane first, then the order of likeness; never the edge's other end (a self-loop).
        candidates = [node for guess in ids if guess != other for node in self._decls[guess]]
        candidates.sort(key=lambda node: node.lane is not home)
        candidates = candidates[:3]
        return messages.dangling(reference, candidates, [self._written(reference, node) for node in candidates])

    def _other_end(self, reference: Reference) -> str | None:
        """The ID at the edge's other end, for an edge end (None for a loop member)."""
        if reference.role == "member":
            return None
        site = self._edges_at[reference.row]
        other = site.target if reference is site.source else site.source
        return other.ref.node.text

    def _written(self, reference: Reference, node: Node) -> str:
        """How to write a reference to `node` from where `reference` stands so that it resolves to it."""
        prefix = reference.ref.lane
        if node.lane is None:
            return node.id
        if prefix is not None and prefix.text == node.lane.id:
            return f"{prefix.text}.{node.id}"
        if prefix is None and node.lane is reference.context:
            return node.id
        return f"{node.lane.id}.{node.id}"

    def _recompute_keys(self) -> None:
        """FZ502 for the second and later copies of one edge, for the keys whose edges changed."""
        for key in self._stale_keys:
            sites = sorted(self._edges_by_key.get(key, []), key=lambda s: s.line)
            if len(sites) > 1:
                self._per_key[key] = self._pin(messages.duplicate_edges(sites))
            else:
                self._per_key.pop(key, None)
        self._stale_keys.clear()

    def _recompute_duplicates(self) -> None:
        """FZ201 on every later declaration of an ID, its fix renaming it to the lowest free number.

        Every such fix names the same number: each is right applied alone (numbers stay 1..N),
        so applying several means applying one and analysing again.
        """
        later = sorted(
            (node for node_id in self._duplicated for node in self._decls[node_id][1:]), key=lambda n: n.line
        )
        new_id = f"n{messages.missing_numbers(self._numbers, 1)[0]}"
        self._duplicates = self._pin(
            messages.duplicate_node(
                node,
                self._decls[node.id][0],
                new_id,
                [r for r in self.node_refs.get(node.id, ()) if r.node is node],
            )
            for node in later
        )
        self._duplicates_stale = False

    def _recompute_numbering(self) -> None:
        """FZ204: node numbers must be exactly 1..N."""
        self._numbering = self._pin(messages.numbering(self._numbers, self.node_table))

    def _lane_renamed(self, lane_ids: set[str], relaid: set[str]) -> set[str]:
        """The node IDs whose checks name a lane with one of `lane_ids`, or resolve through one.

        The nodes declared in such a lane are added to `relaid` (suggestions name their lane).
        """
        # The uses of the old and new IDs resolve anew, and "no lane is called X; did you mean
        # Y?" weighs every lane ID.
        prefixes = lane_ids | {prefix for prefix in self.lane_refs if prefix not in self.lane_table}
        ids = {reference.ref.node.text for prefix in prefixes for reference in self.lane_refs.get(prefix, ())}
        named = [lane for lane in self.lanes if lane.id in lane_ids]
        # Two lanes sharing one of these IDs (before or after) flip the lane comparisons of
        # every end crossing between them, prefixed or not.
        shared = len(named) > 1
        for lane in named:
            declared = {node.id for node in lane.nodes}
            relaid |= declared
            ids |= self._uses_naming(lane, declared, shared) | self._crossing_from(lane, shared)
        self._duplicates_stale = True  # FZ201 names the first declaration's lane
        return ids

    def _uses_naming(self, lane: Lane, declared: set[str], shared: bool) -> set[str]:
        """The IDs of `declared` (the nodes in `lane`) whose checks may name the lane or compare its ID.

        Those used from another lane or with a prefix (FZ103/FZ104/FZ303). Unless another lane
        shares the ID, such a use without a prefix has one of those diagnostics already, and
        one with a prefix is found through its prefix: the IDs with diagnostics suffice.
        """
        if shared:
            return {node_id for node_id in declared if self._named_across(node_id, lane)}
        return {node_id for node_id in declared if node_id in self._per_id}

    def _named_across(self, node_id: str, lane: Lane) -> bool:
        """Whether `node_id` is used from another lane or with a prefix."""
        return any(r.context is not lane or r.ref.lane is not None for r in self.node_refs.get(node_id, ()))

    def _crossing_from(self, lane: Lane, every: bool) -> set[str]:
        """The ends of edges written in `lane`, not its own nodes, whose checks read its ID.

        Those are sources (FZ303 names the lane), ends without a prefix (FZ104 compares lane
        IDs) and dangling ends; with `every`, all of them (a prefixed target's FZ103 fix
        compares lane IDs too, which only a lane sharing the ID can flip).
        """
        sites = (self._edges_at.get(row) for row in self._rows.rows(lane.line, lane.end_line + 1))
        ends = ((site, end) for site in sites if site is not None for end in (site.source, site.target))
        return {end.ref.node.text for site, end in ends if _reads_lane_id(site, end, lane, every)}


def _reads_lane_id(site: EdgeSite, end: Reference, lane: Lane, every: bool) -> bool:
    """Whether the checks of `end`, an end of `site` written in `lane`, read `lane`'s ID (see `_crossing_from`)."""
    if end.node is None:
        return True
    return end.node.lane is not lane and (every or end is site.source or end.ref.lane is None)
