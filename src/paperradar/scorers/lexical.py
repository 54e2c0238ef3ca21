"""Word-level match of a field's own vocabulary (its keywords and description) against a paper.

Rare words count more: document frequencies come from a bundled table counted over a year of
cs.CV/cs.LG/cs.AI/cs.RO abstracts, so a match means the same thing on every day.
"""

from __future__ import annotations

import gzip
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset("""
a an and are as at be by for from has have in into is it its of on or such than that the their them these
this those to via was we were what when which while with within without also more most other our can not
new based using use used both each many how all any about over under between across beyond well like
""".split())


def stem(word: str) -> str:
    """A light plural-stripping stem: 'models' -> 'model', 'policies' -> 'policy'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower())]


def content_words(text: str) -> list[str]:
    return [w for w in tokens(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]


@dataclass(frozen=True)
class DocFrequencies:
    docs: int
    counts: dict[str, int]

    def idf(self, word: str) -> float:
        df = self.counts.get(word, 0)
        return math.log(1 + (self.docs - df + 0.5) / (df + 0.5))


@cache
def background_df() -> DocFrequencies:
    """The bundled table: first line `#docs N`, then `word<TAB>document count` per line."""
    path = files("paperradar") / "data" / "background-df.tsv.gz"
    with gzip.open(str(path), "rt", encoding="utf-8") as fh:
        head = fh.readline().split()
        counts = {w: int(c) for w, c in (line.rstrip("\n").split("\t") for line in fh)}
    return DocFrequencies(int(head[1]), counts)


def count_df(texts: Iterable[str]) -> DocFrequencies:
    counts: dict[str, int] = {}
    n = 0
    for t in texts:
        n += 1
        for w in set(content_words(t)):
            counts[w] = counts.get(w, 0) + 1
    return DocFrequencies(n, counts)


@dataclass(frozen=True)
class Words:
    """A paper's words: those of its title, and how often each occurs in its abstract."""

    title: frozenset[str]
    abstract: dict[str, int]
    sequence: tuple[str, ...]  # title then abstract, in order, for phrase matching

    @classmethod
    def of(cls, title: str, abstract: str) -> Words:
        t, a = tokens(title), tokens(abstract)
        counts: dict[str, int] = {}
        for w in a:
            counts[w] = counts.get(w, 0) + 1
        return cls(frozenset(t), counts, tuple(t + a))


def overlap(words: Words, vocabulary: frozenset[str], df: DocFrequencies, k1: float = 1.2,
            title_weight: float = 0.5) -> float:
    """BM25-like: each vocabulary word the paper uses counts its rarity, a little more when repeated
    (saturating at k1) and when it is in the title."""
    total = 0.0
    for w in vocabulary.intersection(words.sequence):
        n = words.abstract.get(w, 0)
        tf = n * (k1 + 1) / (n + k1) + (title_weight if w in words.title else 0.0)
        total += df.idf(w) * tf
    return total


def phrase_in(phrase: Sequence[str], words: Sequence[str]) -> bool:
    k = len(phrase)
    return k > 0 and any(words[i:i + k] == phrase for i in range(len(words) - k + 1))
