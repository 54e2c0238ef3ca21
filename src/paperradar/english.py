"""How an English line counts things: '1 paper', '2 papers', '3 batches'. Imports nothing, so any module may use it."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """`word` as English counts `n` of it (`many` where adding an s is not its plural: 'batch', 'batches'); Chinese
    has no plural, and the zh texts ignore it."""
    return word if n == 1 else many or word + "s"
