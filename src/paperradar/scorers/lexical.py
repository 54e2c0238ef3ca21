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
    return content(tokens(text))


def content(words: Iterable[str]) -> list[str]:
    """The words that carry meaning: no stopword, single letter or number."""
    return [w for w in words if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]


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
    title_length: int = 0  # the title's words are sequence[:title_length]

    @classmethod
    def of(cls, title: str, abstract: str) -> Words:
        t, a = tokens(title), tokens(abstract)
        counts: dict[str, int] = {}
        for w in a:
            counts[w] = counts.get(w, 0) + 1
        return cls(frozenset(t), counts, tuple(t + a), len(t))

    def phrase_counts(self, phrase: tuple[str, ...]) -> tuple[bool, int]:
        """Whether the phrase is in the title, and how often it is in the abstract."""
        k, seq, cut = len(phrase), self.sequence, self.title_length
        at = [i for i in range(len(seq) - k + 1) if seq[i] == phrase[0] and seq[i:i + k] == phrase]
        return any(i + k <= cut for i in at), sum(i >= cut for i in at)


@dataclass(frozen=True)
class Vocabulary:
    """A field's words to match. Single words; the reader's keywords of several words, which match only as
    phrases ('low-rank MDPs' is not in a paper on low-rank adapters); and the description's short terms, also
    phrases, whose words found apart (`loose`) still count a little, since prose names a field loosely."""

    words: frozenset[str]
    phrases: frozenset[tuple[str, ...]] = frozenset()
    loose: frozenset[str] = frozenset()

    @classmethod
    def of(cls, keywords: Iterable[Sequence[str]], description: Iterable[Sequence[str]] = ()) -> Vocabulary:
        """Keywords and description terms as token lists: one of a single content word is a word."""
        words: set[str] = set()
        phrases: set[tuple[str, ...]] = set()
        loose: set[str] = set()
        for terms, apart in ((keywords, None), (description, loose)):
            for t in terms:
                meaning = content(t)
                if len(t) > 1 and meaning:
                    phrases.add(tuple(t))
                    if apart is not None:
                        apart.update(meaning)
                else:
                    words.update(meaning)
        return cls(frozenset(words), frozenset(phrases), frozenset(loose - words))


APART = 0.5  # a description term's word found apart from it counts half (seed quality 0.546; 0.3: 0.538, 0.7: 0.546)


def _tf(n: int, in_title: bool, k1: float, title_weight: float) -> float:
    return n * (k1 + 1) / (n + k1) + (title_weight if in_title else 0.0)


def overlap(words: Words, vocabulary: Vocabulary, df: DocFrequencies, k1: float = 1.2,
            title_weight: float = 0.5) -> float:
    """BM25-like: each vocabulary word the paper uses counts its rarity, a little more when repeated
    (saturating at k1) and when it is in the title; a phrase found whole counts the rarity of its words, and
    the description's words found apart from their terms `APART` of theirs."""
    present = set(words.sequence)

    def word(w: str) -> float:
        return df.idf(w) * _tf(words.abstract.get(w, 0), w in words.title, k1, title_weight)

    total = sum(word(w) for w in vocabulary.words & present)
    whole: set[str] = set()
    for p in vocabulary.phrases:
        if set(p) <= present:
            in_title, n = words.phrase_counts(p)
            if in_title or n:
                total += sum(df.idf(w) for w in p if w not in STOPWORDS) * _tf(n, in_title, k1, title_weight)
                whole.update(p)
    return total + APART * sum(word(w) for w in (vocabulary.loose & present) - whole)


def phrase_in(phrase: Sequence[str], words: Sequence[str]) -> bool:
    k = len(phrase)
    return k > 0 and any(words[i:i + k] == phrase for i in range(len(words) - k + 1))
