"""Hand-made digests for the render tests: small, but with every case a real day can bring."""

from __future__ import annotations

from datetime import UTC, date, datetime

from paperradar.causes import Cause
from paperradar.models import (Author, Digest, DigestEntry, FailedBatches, Field, Judgement, Paper, Profile, RunFacts,
                               TokenUsage)
from paperradar.sources.jsonl import paper_from_record

DAY = date(2026, 2, 5)
NOW = datetime(2026, 2, 5, 5, 25, 47, tzinfo=UTC)  # 13:25:47 in Beijing, 06:25:47 in Berlin
SCRIPT = "<script>alert(1)</script>"

THEORY, SAFETY, AGENTS = "深度学习理论", "大模型安全与对齐", "多模态智能体"


def profile(language: str = "zh", timezone: str = "Asia/Shanghai", max_per_field: int | None = 2) -> Profile:
    fields = (Field(THEORY, ("optimizer",)), Field(SAFETY, ("alignment",)), Field(AGENTS, ("GUI agent",)))
    return Profile(fields=fields, language=language, timezone=timezone, max_per_field=max_per_field)  # type: ignore[arg-type]


def papers(day: date = DAY) -> list[Paper]:
    tex = paper_from_record({  # names typed in TeX, decoded by the real source code
        "id": "2602.00001v2", "title": "Provable Convergence of AdamW on\n Piece-wise Linear Networks",
        "authors": "Fernanda Vi\\'egas, Marc M\\'ezard, Jos\\'e Garc\\'{\\i}a", "abstract": "We prove it.",
        "categories": ["cs.LG", "math.OC"], "primary_category": "cs.LG"}, day)
    affiliated = Paper("2602.00002", "Scaling Laws for snake_case Optimizers: a *very* [short] note",
                       (Author("Geoffrey Hinton", ("University of Toronto", "Google Brain")), Author("Ada Lovelace")),
                       "An abstract.", ("cs.LG",), day, announce_type="replace", version=3)  # a revised paper
    third = Paper("2602.00003", "Sharpness & Flatness at 3.5% Cost", (Author("Li Wei"),), "Abstract.", ("cs.LG",), day)
    script = Paper("2602.00004", SCRIPT, (Author("Mallory <img src=x onerror=alert(2)>"),), "Abstract.",
                   ("cs.CR", "cs.AI"), day, announce_type="cross")  # listed in cs.AI, its primary is cs.CR
    stray = Paper("2602.00005", "A Paper Whose Field the Profile Lacks", (Author("Zhang San"),), "Abstract.",
                  ("cs.CV",), day)
    off = Paper("2602.00006", "Remote Sensing of Crops", (Author("Someone Else"),), "Abstract.", ("cs.CV",), day)
    return [tex, affiliated, third, script, stray, off]


_ZH_REASONS = {
    "2602.00001": "证明了 AdamW 在分段线性网络上的收敛性，\n理论扎实。",
    "2602.00002": "研究优化器的缩放规律（snake_case 命名只是标题的一部分）。",
    "2602.00003": "尖锐度与平坦度的低成本估计。",
    "2602.00004": f"看似无害 {SCRIPT} [点我](javascript:alert(1))",
    "2602.00005": "与大模型相关，但字段无法映射。",
    "2602.00006": "遥感方向，不推荐。",
}
_EN_REASONS = {
    "2602.00001": "Proves AdamW converges on piece-wise linear networks.",
    "2602.00002": "Scaling laws for optimizers, a short note.",
    "2602.00003": "Cheap sharpness estimates.",
    "2602.00004": f"Looks harmless {SCRIPT}",
    "2602.00005": "Related to large models, field unknown.",
    "2602.00006": "Remote sensing, not recommended.",
}
_JUDGED = {  # id -> (score, field, recommended)
    "2602.00001": (9.0, THEORY, True),
    "2602.00002": (8.0, THEORY, True),
    "2602.00003": (7.5, THEORY, True),
    "2602.00004": (8.0, SAFETY, True),
    "2602.00005": (7.0, None, True),
    "2602.00006": (3.0, None, False),
}


ANNOUNCED = {"new": 4, "replace": 1, "cross": 1}  # the announce types of papers()


def entries(language: str, scorer: str, day: date = DAY) -> tuple[DigestEntry, ...]:
    reasons = _ZH_REASONS if language == "zh" else _EN_REASONS
    rows = []
    for p in papers(day):
        score, field, recommended = _JUDGED[p.id]
        rows.append(DigestEntry(p, Judgement(p.id, score, field, reasons[p.id], scorer, p.version), recommended))
    return tuple(rows)


# what a run records when the endpoint kept answering 429
RATE_LIMITED = Cause("endpoint", url="https://ark.cn-beijing.volces.com/api/v3", what=Cause(
    "failed_after", attempts=3, detail=Cause("http", status=429, message="rate limited"),
    fix=Cause("concurrency_fix", concurrency=8)))


def llm_zh_digest() -> Digest:
    """An LLM-judged Chinese day with a failed batch and more picks in one field than max_per_field."""
    llm = "llm:doubao-seed-1-6-thinking-250715"
    facts = RunFacts(DAY, papers_read=6, scorer="learned:v3:0123456789ab", announced=ANNOUNCED,
                     model="doubao-seed-1-6-thinking-250715",
                     learned_from={"dislike": 1, "like": 3, "llm": 120, "shown": 250},
                     llm_scorer=llm, llm_judged=4, tokens=TokenUsage(12000, 3400, 2100),
                     started_at=datetime(2026, 2, 5, 5, 20, tzinfo=UTC), finished_at=NOW,
                     timings={"judge": 301.25, "fetch": 1.5}, failed_batches=(FailedBatches(RATE_LIMITED, 1, ("2602.00005", "2602.00006")),))
    return Digest(DAY, profile(), entries("zh", llm), facts)


def local_en_digest(day: date = date(2026, 2, 6)) -> Digest:
    """A local-only English day in Berlin time; the profile names a model, but no LLM ran."""
    facts = RunFacts(day, papers_read=6, scorer="learned:v3:0123456789ab", announced=ANNOUNCED, model="gpt-4o-mini",
                     learned_from={"like": 1, "shown": 40},
                     finished_at=datetime(2026, 2, 6, 6, 0, tzinfo=UTC))
    return Digest(day, profile("en", "Europe/Berlin", max_per_field=None), entries("en", "embedded:usem3", day), facts)


def empty_digest(day: date = date(2026, 2, 7)) -> Digest:
    """A day when arXiv announced nothing (a holiday feed)."""
    facts = RunFacts(day, papers_read=0, scorer="embedded:usem3", empty_listing=True,
                     finished_at=datetime(2026, 2, 7, 5, 0, tzinfo=UTC))
    return Digest(day, profile(), (), facts)
