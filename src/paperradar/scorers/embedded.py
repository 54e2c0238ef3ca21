"""The offline default scorer: how close each paper is to each of the reader's fields.

Each field is read as several texts (its name, each keyword, each clause of its description); a paper's
closeness to each text is measured against how close ordinary papers come to that same text (a z-score
over a bundled background sample), so generic texts don't drown specific ones. A word-level match of the
field's own vocabulary is added, an avoid area pulls down the papers in it that are nearer to it than to any
field, and the result is calibrated on the same background sample into a 0-10 score.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files

import numpy as np

from ..embedding import Encoder
from ..models import BatchResult, Field, Judgement, Paper, Profile, paper_text
from . import calibration, lexical
from .glossary import glossary
from .reasons import sentences, write_reason

VERSION = "v8"  # v2: reasons name description terms, not loose words; richer theory description; v3: 7 is reached
#                by as many ordinary papers as are of the profile's fields, not by a fifth of them for every profile;
#                v4: an avoid area pulls down the papers mainly of it, however near a field, and only those in it;
#                v5: a keyword of several words matches as a phrase, a description term's words apart count half;
#                v6: reasons name a keyword with Chinese in it by its English words ("视觉语言模型（VLM）" matched: VLM);
#                v7: a Chinese description is read as its clauses too (：；。！？ end them);
#                v8: a Chinese term of a keyword or description (量化, 扩散模型) matches the English papers write for it,
#                read with the bundled glossary (data/zh-en-terms.tsv); English keywords and descriptions as in v7
SHOWN_WORD_IDF = 4.0  # a single description term is named in a reason only if under ~2% of papers use it
MAX_TERM_WORDS = 4  # longer description clauses are prose, not terms
# Chinese between English terms parts them too: "基于 diffusion model 的图像生成，以及 KV cache 压缩"
_CHINESE = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"  # its characters and punctuation
_TERM_SPLIT = re.compile(rf"[,;:()/.{_CHINESE}]|\band\b|\bor\b|\bsuch as\b|\bincluding\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[:;：；。！？]")  # ends of clauses; sentences() cuts English sentences only, so 。！？ too
# One term of the reader's, as the ways a paper may write it: (name in a reason, its tokens) each. An English term has
# one; a Chinese one has the English of its glossary entry (强化学习: reinforcement learning, RL), named once.
Term = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Tuning:
    """The knobs of the scorer; the defaults are what benchmarks/quality.py measured best."""

    lexical_weight: float = 0.7  # weight of the vocabulary match (z units) against the embedding z-score
    field_temperature: float = 0.5  # soft maximum over fields: a paper close to two fields ranks higher
    avoid_weight: float = 3.0  # how hard an avoid area pulls down a paper nearer to it than to any field
    in_avoid: float = 2.0  # a paper this close to an avoid area (z) is in it: the few percent of ordinary papers,
    #                        so a broad area ("large language models") does not pull down half of a day
    in_field: float = 2.0  # an ordinary paper this far above the others in a field (SD) is of it: the share of
    #                        ordinary papers that are, and aren't pulled down, is the share that scores 7 (0.222 for
    #                        the example profile's seven fields, 0.039 for one narrow field)


@dataclass(frozen=True)
class Background:
    vectors: np.ndarray  # (M, 512) float32
    words: tuple[lexical.Words, ...]  # each paper's words, for the vocabulary match
    texts: tuple[str, ...]  # each paper's `paper_text`, for a learned model


@dataclass(frozen=True)
class FieldTexts:
    """The texts that stand for one field (or avoid area), and its vocabulary for word matching."""

    field: Field
    texts: tuple[str, ...]
    vectors: np.ndarray  # (T, 512), one per text
    keywords: tuple[Term, ...]  # the reader's `about` terms
    vocabulary: lexical.Vocabulary  # the keywords and the description's terms and words
    terms: tuple[Term, ...]  # the description's own short terms, to name in reasons


@dataclass(frozen=True)
class Analysis:
    """Everything the scorer worked out for a list of papers; the learned ranker builds on it."""

    vectors: np.ndarray  # (N, 512) paper vectors
    field_sims: np.ndarray  # (N, F) embedding closeness per field, z units over the background
    lexical: np.ndarray  # (N, F) vocabulary match per field
    avoid_sims: np.ndarray  # (N, A) embedding closeness per avoid area, z units
    relevance: np.ndarray  # (N,) profile-only relevance, before calibration
    field_relevance: np.ndarray  # (N,) the same before avoid areas pull it down: what a learned model is given
    score: np.ndarray  # (N,) calibrated 0-10
    field_idx: np.ndarray  # (N,) index of the best field
    matched: tuple[tuple[str, ...], ...]  # per paper: the best field's terms found in its text
    avoided: tuple[str | None, ...]  # per paper: the avoid area that pulled it down, if any


@cache
def background() -> Background:
    data = files("paperradar") / "data"
    with np.load(str(data / "background-usem3.npz")) as npz:
        vectors = npz["vectors"].astype(np.float32)
    with gzip.open(str(data / "background-texts.jsonl.gz"), "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    if len(rows) != len(vectors):
        raise ValueError(f"bundled background is inconsistent: {len(rows)} texts, {len(vectors)} vectors")
    return Background(vectors / np.linalg.norm(vectors, axis=1, keepdims=True),
                      tuple(lexical.Words.of(r["title"], r["abstract"]) for r in rows),
                      tuple(paper_text(r["title"], r["abstract"]) for r in rows))


def field_texts(f: Field, encoder: Encoder) -> FieldTexts:
    if not f.about and not f.description:  # a field given by its name alone: the name is its keyword
        f = replace(f, about=(f.name,))
    clauses = [c.strip() for s in sentences(f.description) for c in _CLAUSE_END.split(s) if len(c.strip()) > 3]
    desc = " ".join(f.description.split())
    texts = (*f.about, *([desc] if desc else []), *clauses) or (f.name,)
    keywords = tuple(keyword_term(a) for a in f.about)
    vocab = lexical.Vocabulary.of([_trimmed(list(k)) for term in keywords for _, k in term],
                                  description_pieces(f.description))
    return FieldTexts(f, texts, encoder.encode(list(texts)), keywords, vocab, description_terms(f.description))


def keyword_term(keyword: str) -> Term:
    """An English keyword is named as written; one with Chinese in it by its English words ("视觉语言模型（VLM）":
    VLM) and by the English of its glossary terms (vision-language model)."""
    words = tuple(lexical.tokens(keyword))
    if not re.search(f"[{_CHINESE}]", keyword):
        return ((keyword, words),)
    own = ((" ".join(words), words),) if words else ()
    return own + tuple((e, tuple(lexical.tokens(e))) for e in glossary().translate(keyword))


def _english_pieces(description: str) -> list[str]:
    """The description's English pieces, then the English of its Chinese terms: 量化 is read as quantization."""
    return [*_TERM_SPLIT.split(description), *glossary().translate(description)]


def description_pieces(description: str) -> list[list[str]]:
    """The description as terms to match: its short terms, and each word of its longer prose."""
    out: list[list[str]] = []
    for piece in _english_pieces(description):
        words = _trimmed(lexical.tokens(piece))
        out.extend([words] if len(words) <= MAX_TERM_WORDS else [[w] for w in words])
    return out


def _trimmed(words: list[str]) -> list[str]:
    """Without the stopwords at either end: "also learning theory" -> "learning theory"."""
    while words and words[0] in lexical.STOPWORDS:
        words = words[1:]
    while words and words[-1] in lexical.STOPWORDS:
        words = words[:-1]
    return words


def description_terms(description: str) -> tuple[Term, ...]:
    """Short terms of a description ('KV cache compression', 'Mamba'), cut at punctuation and 'and'/'or':
    a word that is only part of a longer term ('connections' of 'residual connections') is no term. Then its
    Chinese terms by their glossary English (投机解码: speculative decoding)."""
    out: list[Term] = []
    seen: set[tuple[str, ...]] = set()

    def add(named: list[tuple[str, tuple[str, ...]]]) -> None:
        term = tuple((name, words) for name, words in named if 0 < len(words) <= MAX_TERM_WORDS and words not in seen)
        seen.update(words for _, words in term)
        out.extend([term] if term else [])

    for piece in _TERM_SPLIT.split(description):
        words = tuple(_trimmed(lexical.tokens(piece)))
        add([(" ".join(words), words)])
    for chinese in glossary().terms(description):
        add([(e, tuple(_trimmed(lexical.tokens(e)))) for e in glossary().english[chinese]])
    return tuple(out)


class EmbeddedScorer:
    def __init__(self, encoder: Encoder | None = None, tuning: Tuning = Tuning(),
                 bg: Background | None = None):
        self.encoder = encoder or Encoder()
        self.tuning = tuning
        self._bg = bg
        self._bg_lexical: dict[lexical.Vocabulary, np.ndarray] = {}  # background word overlap per field vocabulary
        self._bg_raw: dict[str, _Raw] = {}  # the background's numbers per profile version: the same at every call
        self.name = f"embedded:{self.encoder.name.split('-')[0]}-{VERSION}"

    @property
    def bg(self) -> Background:
        return self._bg if self._bg is not None else background()

    def analyse(self, papers: Sequence[Paper], profile: Profile, reasons: bool = True) -> Analysis:
        """`reasons=False` leaves `matched` empty: ranking alone doesn't need the terms a reason names, which
        cost more than the rest of the analysis."""
        vectors = self.encoder.encode([p.text for p in papers])
        fields, avoid, raw = self._papers_raw(papers, profile, vectors)
        cal = calibration.fit(self._background_raw(profile).relevance, self.recommend_share(profile))
        matched = (tuple(self._matched(p, fields[i]) for p, i in zip(papers, raw.field_idx)) if reasons
                   else ((),) * len(papers))
        return Analysis(vectors, raw.field_sims, raw.lexical, raw.avoid_sims, raw.relevance, raw.field_relevance,
                        cal.score(raw.relevance), raw.field_idx, matched, raw.avoided)

    def profile_features(self, papers: Sequence[Paper], profile: Profile,
                         vectors: np.ndarray | None = None) -> np.ndarray:
        """What the profile alone says of each paper, as numbers for a learned model: closeness and vocabulary
        match per field, closeness per avoid area, and the fields' combined relevance (N, 2F + A + 1), before the
        avoid areas pull it down: beside their closeness, the evidence says how much they weigh. Cheaper than
        `analyse`: no calibration and no matched terms. `vectors`: the papers' vectors, if already encoded."""
        if vectors is None:
            vectors = self.encoder.encode([p.text for p in papers])
        _, _, raw = self._papers_raw(papers, profile, vectors)
        return feature_matrix(raw.field_sims, raw.lexical, raw.avoid_sims, raw.field_relevance)

    def background_features(self, profile: Profile) -> np.ndarray:
        """`profile_features` of the bundled background's ordinary papers: the learned ranker's yardstick too."""
        raw = self._background_raw(profile)
        return feature_matrix(raw.field_sims, raw.lexical, raw.avoid_sims, raw.field_relevance)

    def recommend_share(self, profile: Profile) -> float:
        """The share of ordinary papers that are of the profile's fields: well above the others in one of them, and
        not pulled down by an avoid area. One narrow field takes a few percent, seven broad ones a fifth."""
        raw = self._background_raw(profile)
        combined = self.field_preference(raw.field_sims, raw.lexical)
        z = (combined - combined.mean(axis=0)) / (combined.std(axis=0) + 1e-6)
        of_fields = (z > self.tuning.in_field).any(axis=1) & np.array([a is None for a in raw.avoided])
        return max(float(of_fields.mean()), calibration.MIN_SHARE)

    def field_preference(self, field_sims: np.ndarray, lex: np.ndarray) -> np.ndarray:
        """(N, F): how strongly each paper belongs to each field; its argmax is the paper's field."""
        return field_sims + self.tuning.lexical_weight * lex

    def _papers_raw(self, papers: Sequence[Paper], profile: Profile,
                    vectors: np.ndarray) -> tuple[list[FieldTexts], list[FieldTexts], _Raw]:
        fields, avoid = self._profile_texts(profile)
        raw = self._raw(vectors, [lexical.Words.of(p.title, p.abstract) for p in papers], fields, avoid)
        return fields, avoid, raw

    def _background_raw(self, profile: Profile) -> _Raw:
        if profile.version not in self._bg_raw:
            self._bg_raw[profile.version] = self._raw(self.bg.vectors, self.bg.words, *self._profile_texts(profile))
        return self._bg_raw[profile.version]

    def _profile_texts(self, profile: Profile) -> tuple[list[FieldTexts], list[FieldTexts]]:
        return ([field_texts(f, self.encoder) for f in profile.fields],
                [field_texts(a, self.encoder) for a in profile.avoid])

    def _raw(self, vectors: np.ndarray, words: Sequence[lexical.Words], fields: list[FieldTexts],
             avoid: list[FieldTexts]) -> _Raw:
        t = self.tuning
        field_sims = np.stack([self._closeness(vectors, f) for f in fields], axis=1)
        lex = np.stack([self._lexical(words, f) for f in fields], axis=1)
        combined = self.field_preference(field_sims, lex)
        field_idx = combined.argmax(axis=1)
        best = combined.max(axis=1)
        relevance = t.field_temperature * np.log(np.exp((combined - best[:, None]) / t.field_temperature)
                                                 .sum(axis=1)) + best
        if not avoid:
            return _Raw(field_sims, lex, np.zeros((len(words), 0)), relevance, relevance, field_idx,
                        (None,) * len(words))
        avoid_sims = np.stack([self._closeness(vectors, a) + t.lexical_weight * self._lexical(words, a)
                               for a in avoid], axis=1)
        penalty = self._avoid_penalty(best, avoid_sims.max(axis=1))
        pulled = penalty > 0
        avoided = tuple(avoid[j].field.name if p else None for p, j in zip(pulled, avoid_sims.argmax(axis=1)))
        return _Raw(field_sims, lex, avoid_sims, relevance - penalty, relevance, field_idx, avoided)

    def _avoid_penalty(self, best: np.ndarray, avoid: np.ndarray) -> np.ndarray:
        """A paper in an avoid area and nearer to it than to any field is mainly of it, however near a field it
        also is (an autonomous-driving planner for a manipulation reader); one nearer to a field only touches it."""
        t = self.tuning
        excess = avoid - best
        return np.where((excess > 0) & (avoid > t.in_avoid), t.avoid_weight * excess, 0.0)

    def _closeness(self, vectors: np.ndarray, f: FieldTexts) -> np.ndarray:
        """Mean over the field's texts of the paper's similarity, in z units over ordinary papers."""
        bg_sims = self.bg.vectors @ f.vectors.T
        z = (vectors @ f.vectors.T - bg_sims.mean(axis=0)) / (bg_sims.std(axis=0) + 1e-6)
        return z.mean(axis=1)

    def _lexical(self, words: Sequence[lexical.Words], f: FieldTexts) -> np.ndarray:
        """Summed rarity of the field's words the paper uses, in z units over ordinary papers."""
        raw = idf_overlap(words, f.vocabulary)
        bg = self._bg_overlap(f.vocabulary)
        return (raw - bg.mean()) / (bg.std() + 1e-6)

    def _bg_overlap(self, vocabulary: lexical.Vocabulary) -> np.ndarray:
        if vocabulary not in self._bg_lexical:
            self._bg_lexical[vocabulary] = idf_overlap(self.bg.words, vocabulary)
        return self._bg_lexical[vocabulary]

    def _matched(self, paper: Paper, f: FieldTexts) -> tuple[str, ...]:
        """The field's keywords found in the paper, then its description's multiword terms found there, then
        its single-word terms rare enough to say something (rarest first)."""
        words = lexical.tokens(paper.text)
        keywords = [t for t in (_found(k, words) for k in f.keywords) if t]
        df = lexical.background_df()
        own = {k for term in f.keywords for _, k in term}
        found = [t for t in (_found(term, words, own) for term in f.terms) if t]
        phrases = [name for name, t in found if len(t) > 1]
        single = sorted(((name, t[0]) for name, t in found if len(t) == 1 and df.idf(t[0]) >= SHOWN_WORD_IDF),
                        key=lambda n: (-df.idf(n[1]), n[1]))
        return tuple([name for name, _ in keywords] + phrases + [name for name, _ in single])

    def judge(self, papers: Sequence[Paper], profile: Profile) -> Iterator[BatchResult]:
        if not papers:
            return
        a = self.analyse(papers, profile)
        yield judgement_batch(self.name, papers, profile, a.score, a.field_idx, a.matched, a.avoided)


def _found(term: Term, words: Sequence[str],
           known: Collection[tuple[str, ...]] = frozenset()) -> tuple[str, tuple[str, ...]] | None:
    """The first way of writing the term that the paper's words contain, unless it is one of `known`."""
    return next(((name, t) for name, t in term if t not in known and lexical.phrase_in(list(t), words)), None)


def judgement_batch(scorer: str, papers: Sequence[Paper], profile: Profile, score: np.ndarray,
                    field_idx: np.ndarray, matched: Sequence[Sequence[str]],
                    avoided: Sequence[str | None], closest: Sequence[bool] | None = None,
                    resembles: Sequence[str | None] | None = None,
                    disliked: Sequence[str | None] | None = None,
                    dislike_drop: Sequence[float] | None = None) -> BatchResult:
    """One batch of a local scorer's verdicts: its score, its field and an honest reason per paper. `closest`: per
    paper, whether its field is the one the profile finds closest (always, unless evidence filed it elsewhere);
    `resembles`: per paper, the id of a liked paper it is like, where that is why it ranks higher; `disliked`: per
    paper, the id of a disliked paper it is like, which lowered its score by `dislike_drop` points."""
    judgements = []
    for i, p in enumerate(papers):
        f = profile.fields[int(field_idx[i])]
        named = disliked[i] if disliked is not None else None
        reason = write_reason(p, f, list(matched[i]), profile.language, avoided=avoided[i],
                              closest=closest is None or bool(closest[i]),
                              resembles=resembles[i] if resembles is not None else None, disliked=named)
        drop = float(dislike_drop[i]) if named is not None and dislike_drop is not None else 0.0
        judgements.append(Judgement(p.id, round(float(score[i]), 1), f.name, reason, scorer, p.version,
                                    profile.version, named, drop))
    return BatchResult(tuple(judgements), paper_ids=tuple(p.id for p in papers))


def feature_matrix(field_sims: np.ndarray, lex: np.ndarray, avoid_sims: np.ndarray,
                   relevance: np.ndarray) -> np.ndarray:
    return np.hstack([field_sims, lex, avoid_sims, relevance[:, None]])


def idf_overlap(words: Sequence[lexical.Words], vocabulary: lexical.Vocabulary) -> np.ndarray:
    df = lexical.background_df()
    return np.array([lexical.overlap(ws, vocabulary, df) for ws in words], dtype=np.float64)


@dataclass(frozen=True)
class _Raw:
    field_sims: np.ndarray
    lexical: np.ndarray
    avoid_sims: np.ndarray
    relevance: np.ndarray
    field_relevance: np.ndarray  # before avoid areas pull it down
    field_idx: np.ndarray
    avoided: tuple[str | None, ...]
