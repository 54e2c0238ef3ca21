"""Counts in English lines: the noun agrees with its number, everywhere, through one helper."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import paperradar
from paperradar.english import plural

SRC = Path(paperradar.__file__).parent


def test_plural_agrees_with_the_count() -> None:
    assert [f"{n} {plural(n, 'paper')}" for n in (0, 1, 2)] == ["0 papers", "1 paper", "2 papers"]
    assert f"3 {plural(3, 'batch', 'batches')}" == "3 batches" and plural(1, "batch", "batches") == "batch"


def _said(path: Path) -> list[tuple[int, str]]:
    """The text of a module's strings (an f-string's too), with the line each is on."""
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [(t.start[0], t.string) for t in tokens if t.type in kinds]


def test_no_line_counts_with_a_noun_in_two_minds() -> None:
    # it printed 'liked 1 paper(s)', 'after 3 attempt(s)', 'imported 1 like(s)'
    found = [f"{path.relative_to(SRC)}:{n}: {text}" for path in sorted(SRC.rglob("*.py"))
             for n, text in _said(path) if re.search(r"[a-z]\((?:s|es)\)", text)]
    assert found == []
