"""Chinese terms of the field and their English, so a profile's Chinese words can meet English papers word for word.

The bundled table (data/zh-en-terms.tsv) is written from the fields' common vocabulary, not from any one profile. A
Chinese text is cut into its terms longest first, left to right (扩散模型, not 扩散 + 模型); each term found brings the
English a paper would use for it (量化 -> quantization, 大语言模型 -> large language model, LLM).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files

_TERM = re.compile(r"[\u3400-\u9fff]+")  # a glossary term is Chinese characters alone


@dataclass(frozen=True)
class Glossary:
    english: dict[str, tuple[str, ...]]  # a Chinese term -> its English equivalents, most usual first

    @classmethod
    def parse(cls, lines: Iterable[str]) -> Glossary:
        """`中文<TAB>english|english...` a line; '#' lines and blank ones are comments. A malformed line raises
        ValueError naming it: the table is data the scorer trusts."""
        english: dict[str, tuple[str, ...]] = {}
        for n, line in enumerate(lines, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            term, tab, rest = line.partition("\t")
            words = tuple(e.strip() for e in rest.split("|"))
            if not tab or not _TERM.fullmatch(term) or not all(words) or len(set(words)) < len(words):
                raise ValueError(f"glossary line {n}: write the Chinese term, a tab, then its English separated by "
                                 f"'|', each once: {line!r}")
            if term in english:
                raise ValueError(f"glossary line {n}: {term} is already in the glossary")
            english[term] = words
        return cls(english)

    @cached_property
    def longest(self) -> int:
        return max(map(len, self.english), default=0)

    def terms(self, text: str) -> list[str]:
        """The glossary's Chinese terms in `text`, in order: at each place the longest that starts there."""
        found: list[str] = []
        longest = self.longest
        for run in _TERM.finditer(text):
            chars, i = run.group(0), 0
            while i < len(chars):
                term = next((chars[i:j] for j in range(min(len(chars), i + longest), i, -1)
                             if chars[i:j] in self.english), None)
                if term:
                    found.append(term)
                i += len(term) if term else 1
        return found

    def translate(self, text: str) -> list[str]:
        """The English equivalents of the Chinese terms in `text`, in order, each once; none for English text."""
        out: list[str] = []
        for term in self.terms(text):
            out.extend(e for e in self.english[term] if e not in out)
        return out


@cache
def glossary() -> Glossary:
    path = files("paperradar") / "data" / "zh-en-terms.tsv"
    return Glossary.parse(path.read_text(encoding="utf-8").splitlines())
