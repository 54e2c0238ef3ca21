"""Replay: how well the learned ranker would have done, walking real days in date order.

Day D is ranked with the profile and only the evidence of the days before it (the picks as likes with
their field, the other papers as seen but not liked), scored against D's picks, and only then are D's
picks added to the evidence. `warmup_dir` first feeds all the evidence of other days, as a reader who
has used paperradar for a while. Nothing is written to the reader's data directory: the evidence lives
in memory and only paper vectors are cached, keyed by a hash of their text.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .config import example_profile_text, parse_profile
from .english import plural
from .embedding import Encoder, NpzVectorCache, VectorCache, default_cache_dir, encode_and_save
from .errors import BadInputFile
from .metrics import DayScore, mean, score_day, summary_lines
from .models import Evidence, Profile
from .scorers.embedded import EmbeddedScorer
from .scorers.learned import LearnedScorer
from .seeddays import SeedDay, fields_in_profile, load_days, unmapped_line

LIKE_WEIGHT = 1.0
SHOWN_WEIGHT = 1.0  # the LLM read every paper of a seed day, so a paper it left out is a considered "no"


@dataclass(frozen=True)
class Encoding:
    """The paper vectors a replay needed, computed before its first day."""

    papers: int  # distinct texts of the days and the warm-up
    encoded: int  # of them, computed by the model (the rest came from the cache)
    seconds: float


@dataclass(frozen=True)
class ReplayResult:
    days: tuple[DayScore, ...]
    r_precision: float
    auc: float
    prefilter_recall: float
    field_agreement: float
    largest_day: str  # the day with the most papers
    largest_day_papers: int
    largest_day_seconds: float  # re-train and rank that day; every paper's vector was ready beforehand
    evidence_at_largest_day: int
    encoded_papers: int  # paper vectors the model computed before the first day (the rest came from the cache)
    encode_seconds: float

    def to_json(self) -> dict[str, object]:
        """Plain JSON values; a metric undefined on a day (no picks) is null, not NaN."""
        return _no_nan(asdict(self))  # type: ignore[return-value]


def day_evidence(day: SeedDay, like_weight: float = LIKE_WEIGHT,
                 shown_weight: float = SHOWN_WEIGHT) -> list[Evidence]:
    """A seed day as a reader's feedback: picks are likes in their field, the rest seen but not liked."""
    out = []
    for p in day.papers:
        pick = day.picks.get(p.id)
        if pick is not None:
            out.append(Evidence(p, 1, like_weight, "like", pick.field))
        else:
            out.append(Evidence(p, 0, shown_weight, "shown"))
    return out


def _score_one(scorer: LearnedScorer, day: SeedDay, profile: Profile, keep_rate: float) -> tuple[DayScore, float]:
    if not day.papers:  # a day arXiv announced nothing: nothing to rank, every metric undefined
        return score_day(day.name, [], [], [], [], [], keep_rate), 0.0
    started = time.perf_counter()
    a = scorer.analyse(day.papers, profile, reasons=False)
    seconds = time.perf_counter() - started
    fields = [profile.field_names[int(i)] for i in a.field_idx]
    pick_fields = [day.picks[p.id].field if p.id in day.picks else None for p in day.papers]
    scored = score_day(day.name, a.rank_value.tolist(), fields, list(a.score >= profile.min_score), day.labels,
                       pick_fields, keep_rate)
    return scored, seconds


def replay(days_dir: str | Path, warmup_dir: str | Path | None = None, use_feedback: bool = True,
           profile: Profile | None = None, keep_rate: float = 0.5, json_path: str | Path | None = None,
           out: Callable[[str], None] = print, cache: VectorCache | None = None,
           progress: Callable[[str], None] | None = None) -> ReplayResult:
    """Rank each day with the evidence of the days before it; print per-day and mean metrics.

    `out` gets the report (stdout by default); `progress` (stderr by default) a line per chunk of paper vectors
    encoded and per day ranked, so a first replay, minutes of encoding, is never silent."""
    progress = progress or _to_stderr
    profile = profile or parse_profile(_example_profile(), "bundled example profile")
    own_cache = NpzVectorCache(default_cache_dir(), prefix="replay-vectors") if cache is None else None
    embedded = EmbeddedScorer(Encoder(cache=cache or own_cache))
    skipped: list[str] = []
    days = load_days(days_dir, skipped=skipped)
    warm = load_days(warmup_dir, skipped=skipped) if warmup_dir else []
    for line in [*skipped, *(line for d in (*warm, *days) for line in d.problems())]:
        out(line)
    (warm, days), unmapped = fields_in_profile(profile, warm, days)
    if unmapped:
        out(unmapped_line(unmapped))
    warm = [d for d in warm if d.has_picks]  # what was picked is not known: no evidence either way
    if not (days := [d for d in days if d.has_picks]):
        raise BadInputFile(str(days_dir), None, "no day in it has a picks.jsonl beside its input.jsonl: a replay "
                           "scores each day against its picks")
    if not any(d.picks for d in days):  # else minutes of encoding for a table of n/a and 'R-precision nan'
        raise BadInputFile(str(days_dir), None, "none of its days has a pick among its papers: nothing to score (a "
                           "replay scores each day against its picks)")
    if twice := [d.name for d in warm if d.name in {r.name for r in days}]:  # else a day is ranked knowing its picks
        n = len(twice)
        named = ", ".join(twice[:3]) + (", ..." if n > 3 else "")
        out(f"warm-up: left out {n} {plural(n, 'day')} that {plural(n, 'is', 'are')} replayed too ({named}): a day's own "
            "picks are never evidence for it")
        warm = [d for d in warm if d.name not in twice]
    for line in _listed_before(warm, days) if use_feedback else ():
        out(line)
    if json_path:  # once the days are read (a bad one leaves no folder behind), before the minutes of encoding
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
    # every vector up front: each day's timing is then re-training and ranking alone; saved a chunk at a time, so
    # a replay stopped part-way (Ctrl-C during the first minutes of a new warm-up) keeps what it encoded
    started = time.perf_counter()
    texts = sorted({p.text for d in (*(warm if use_feedback else ()), *days) for p in d.papers})
    encode_and_save(embedded.encoder, texts, own_cache, progress)
    encoding = Encoding(len(texts), embedded.encoder.encoded, time.perf_counter() - started)
    evidence: list[Evidence] = [e for d in warm for e in day_evidence(d)] if use_feedback else []
    scored: list[DayScore] = []
    timing: dict[str, tuple[float, int]] = {}
    for day in days:
        scorer = LearnedScorer(embedded, evidence)
        result, seconds = _score_one(scorer, day, profile, keep_rate)
        scored.append(result)
        timing[day.name] = (seconds, len(evidence))
        progress(f"{day.name}: ranked ({len(scored)} of {len(days)} {plural(len(days), 'day')}, {seconds:.1f} s)")
        if use_feedback:
            evidence = evidence + day_evidence(day)
    return _report(days, scored, timing, encoding, warm, use_feedback, json_path, out)


def _listed_before(warm: Sequence[SeedDay], days: Sequence[SeedDay]) -> list[str]:
    """A line for each replayed day that holds papers an earlier day (or the warm-up) listed too, such as a listing
    read again the next day: whether that day picked them is among the evidence it is ranked with."""
    first = {p.id: d.name for d in reversed(warm) for p in d.papers}
    lines = []
    for day in days:
        if earlier := [first[p.id] for p in day.papers if p.id in first]:
            n, names = len(earlier), sorted(set(earlier))
            named = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
            lines.append(f"{day.name}: {n} of its {len(day.papers)} papers {plural(n, 'was', 'were')} on an earlier "
                         f"day too ({named}): ranked knowing whether that day picked {plural(n, 'it', 'them')}")
        for p in day.papers:
            first.setdefault(p.id, day.name)
    return lines


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _example_profile() -> dict[str, object]:
    import tomllib

    return tomllib.loads(example_profile_text())


def _report(days: Sequence[SeedDay], scored: list[DayScore], timing: dict[str, tuple[float, int]],
            encoding: Encoding, warm: Sequence[SeedDay], use_feedback: bool,
            json_path: str | Path | None, out: Callable[[str], None]) -> ReplayResult:
    largest = max(days, key=lambda d: len(d.papers))
    seconds, n_evidence = timing[largest.name]
    agree = sum(d.field_agree for d in scored)
    compared = sum(d.field_compared for d in scored)
    result = ReplayResult(
        tuple(scored), mean(d.r_precision for d in scored), mean(d.auc for d in scored),
        mean(d.prefilter_recall for d in scored), agree / compared if compared else math.nan,
        largest.name, len(largest.papers), seconds, n_evidence, encoding.encoded, encoding.seconds)
    mode = "profile only" if not use_feedback else (
        f"warm-up {len(warm)} {plural(len(warm), 'day')}, then feedback" if warm else "feedback from earlier days only")
    out(f"replay of {len(days)} {plural(len(days), 'day')} ({mode})")
    for line in summary_lines(scored):
        out(line)
    cached = ", the others from the cache" if encoding.papers > encoding.encoded else ""
    out(f"paper vectors: {encoding.encoded} of {encoding.papers} encoded before the first day "
        f"({encoding.seconds:.1f} s){cached}")
    out(f"re-train and rank the largest day ({largest.name}, {len(largest.papers)} papers, "
        f"{n_evidence} evidence items): {seconds:.2f} s (its paper vectors ready beforehand)")
    if json_path:
        Path(json_path).write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    out(f"R-precision {result.r_precision:.3f}")
    return result


def _no_nan(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_nan(v) for v in value]
    return value


