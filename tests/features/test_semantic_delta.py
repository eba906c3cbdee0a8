"""The one-edit delta between two token arrays, against a plain reference."""

from __future__ import annotations

import random

from fz_lsp.features.semantic_tokens import delta


def test_delta_turns_old_into_new() -> None:
    rng = random.Random(7)
    for _ in range(300):
        old = [rng.randrange(4) for _ in range(rng.randrange(0, 9000))]
        new = list(old)
        for _ in range(rng.randrange(0, 3)):
            at = rng.randrange(0, len(new) + 1)
            new[at : at + rng.randrange(0, 6)] = [rng.randrange(4) for _ in range(rng.randrange(0, 6))]
        edits = delta(old, new)
        if old == new:
            assert edits == []
            continue
        [edit] = edits
        assert old[: edit.start] + list(edit.data or []) + old[edit.start + edit.delete_count :] == new
        assert edit.start + edit.delete_count <= len(old)
