"""What the LLM costs paperradar against the seed system, and what it keeps and how fast.

  python benchmarks/llm_cost.py ../shared/data/seed-days --warmup-first 3 [--concurrency 8]
  python benchmarks/llm_cost.py DAYS_DIR --warmup WARMUP_DIR [--concurrency 8] [--latency-scale 1.0]

Replays the days in date order against an oracle endpoint on 127.0.0.1 (oracle_server.py: the seed's
picks get their recorded score and field, other papers a 3, after 2 s + 20 ms per paper). A local
prefilter (`make_prefilter`) learns from the warm-up days' picks, then only from the oracle's verdicts on
the papers it sent on earlier days, and chooses which papers the LLM reads. Prints per day and in total:
- tokens per paper read (prompt + completion, one offline tokenizer for both systems) for paperradar and
  for the seed (seed-prompt.txt filled with batches of 50 papers in the seed's format, plus its answers
  rebuilt as one [PAPER_START]...[PAPER_END] block per pick; its thinking left out);
- recall of the oracle's picks (score >= min_score) in paperradar's final digest: recommended = the LLM's
  score >= min_score where sent; papers not sent are below the local cut and not recommended;
- wall time at --concurrency and one request at a time, on the first --timing-days days.
The last line: `tokens/paper X.X (seed Y.Y) recall Z.ZZZ speedup S.S`.
"""

from __future__ import annotations

import argparse
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from typing import Protocol

import numpy as np
from oracle_server import SHARED, oracle_server, report_reasons
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from paperradar.config import load_profile
from paperradar.models import BatchResult, LLMSettings, Paper, Profile
from paperradar.scorers.llm import LLMScorer
from paperradar.seeddays import SeedDay, load_days
from paperradar.sources.jsonl import iter_jsonl_records
from paperradar.tokens import count_tokens

SEED_PROFILE = SHARED / "profiles" / "seed-interests.toml"
SEED_PROMPT = SHARED / "reference" / "seed-prompt.txt"
SEED_BATCHES = SHARED / "reference" / "seed-batches-2026-02-05.md"  # the seed's exact requests that day
SEED_BATCH = 50
KEY_ENV = "PAPERRADAR_ORACLE_KEY"
SEMANTIC_WEIGHT = 0.5  # the USE ranker's say beside TF-IDF: 0.5 kept the most picks at keep 0.55-0.6


# ---- the prefilter: swap `make_prefilter` for the project's learned ranker when it lands ----

class Prefilter(Protocol):
    def learn(self, papers: Sequence[Paper], labels: Sequence[int]) -> None: ...

    def scores(self, papers: Sequence[Paper]) -> np.ndarray: ...


class TfidfPrefilter:
    """TF-IDF of title + abstract and a logistic regression, refitted on everything learned so far."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.labels: list[int] = []

    def learn(self, papers: Sequence[Paper], labels: Sequence[int]) -> None:
        self.texts += [p.text for p in papers]
        self.labels += list(labels)

    def scores(self, papers: Sequence[Paper]) -> np.ndarray:
        vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, stop_words="english")
        x = vec.fit_transform(self.texts)
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(x, self.labels)
        return model.decision_function(vec.transform([p.text for p in papers]))


class TfidfUsePrefilter(TfidfPrefilter):
    """The TF-IDF ranker averaged (as z-scores) with a logistic regression on the bundled USE vectors."""

    def __init__(self) -> None:
        super().__init__()
        from quality import FileVectorCache, cache_dir  # the quality benchmark's vector file: embed once

        from paperradar.embedding import Encoder
        self.cache = FileVectorCache(cache_dir())
        self.encoder = Encoder(self.cache)
        self.vectors: list[np.ndarray] = []

    def learn(self, papers: Sequence[Paper], labels: Sequence[int]) -> None:
        super().learn(papers, labels)
        self.vectors += list(self.encoder.encode([p.text for p in papers]))
        self.cache.save()

    def scores(self, papers: Sequence[Paper]) -> np.ndarray:
        lexical = super().scores(papers)
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(np.stack(self.vectors),
                                                                                      self.labels)
        semantic = model.decision_function(self.encoder.encode([p.text for p in papers]))
        self.cache.save()
        return _z(lexical) + SEMANTIC_WEIGHT * _z(semantic)


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() or 1.0)


def make_prefilter(kind: str = "tfidf") -> Prefilter:
    return TfidfUsePrefilter() if kind == "tfidf+use" else TfidfPrefilter()


def cut(scores: np.ndarray, keep_rate: float) -> np.ndarray:
    """Indices of the papers sent: the best ceil(keep_rate * N)."""
    return np.argsort(-scores, kind="stable")[:math.ceil(keep_rate * len(scores))]


# ---- the seed system's tokens, rebuilt with the same tokenizer ----

def seed_requests(day_dir: Path, day_name: str) -> list[str]:
    """The seed's prompts for a day: recorded where we have them, else rebuilt in its exact format."""
    template = SEED_PROMPT.read_text(encoding="utf-8")
    if day_name == "2026-02-05" and SEED_BATCHES.exists():
        lists = [p.strip() for p in re.split(r"^# --- 批次 \d+/\d+ ---\n", SEED_BATCHES.read_text(encoding="utf-8"),
                                              flags=re.M)[1:]]
    else:
        lists = [_seed_list(batch) for batch in _batches(list(iter_jsonl_records(day_dir / "input.jsonl")))]
    return [template.replace("{batch_num}", str(i)).replace("{total_batches}", str(len(lists)))
            .replace("{paper_list}", text) for i, text in enumerate(lists, 1)]


def seed_answers(day_dir: Path, day: SeedDay, reasons: dict[str, str]) -> list[str]:
    """One answer per seed batch: a [PAPER_START] block per pick, or [NO_RELEVANT_PAPERS]."""
    stand_in = cycle(reasons.values())  # real reasons of the seed's report, for days without one
    out = []
    for batch in _batches(list(iter_jsonl_records(day_dir / "input.jsonl"))):
        blocks = []
        for rec in batch:
            pick = day.picks.get(str(rec["id"]))
            if pick is None:
                continue
            reason = reasons.get(pick.id) or next(stand_in)
            blocks.append(f"[PAPER_START]\nTitle: {rec['title']}\nAuthors: {rec['authors']}\n"
                          f"Published: {rec.get('published', '')}\nLink: https://arxiv.org/abs/{rec['id']}\n"
                          f"Reason: {reason}\nScore: {pick.score:g}\nField: {pick.field or ''}\n[PAPER_END]")
        out.append("\n\n".join(blocks) if blocks else "[NO_RELEVANT_PAPERS]")
    return out


def _batches(records: list[dict]) -> list[list[dict]]:
    return [records[i:i + SEED_BATCH] for i in range(0, len(records), SEED_BATCH)]


def _seed_list(batch: list[dict]) -> str:
    authors = lambda a: ", ".join(a) if isinstance(a, list) else a  # noqa: E731
    return "\n\n".join(
        f"### 论文 {i}/{len(batch)}\n- 标题: {r['title']}\n- 作者: {authors(r['authors'])}\n"
        f"- 时间：{r.get('published', '')}\n- 链接: [https://arxiv.org/abs/{r['id']}](https://arxiv.org/abs/{r['id']})\n"
        f"- 摘要: arXiv:{r['id']}v1 Announce Type: {r.get('announce_type', 'new')}  Abstract: {r['abstract']}"
        for i, r in enumerate(batch, 1))


# ---- the replay ----

@dataclass
class DayRun:
    name: str
    read: int
    sent: int
    tokens: int
    completion: int
    seed_tokens: int
    picks: int
    found: int
    seconds: float
    failures: list[str] = field(default_factory=list)
    sent_papers: list[Paper] = field(default_factory=list)


def judge(scorer: LLMScorer, papers: list[Paper], profile: Profile) -> tuple[list[BatchResult], float]:
    t = time.monotonic()
    results = list(scorer.judge(papers, profile))
    return results, time.monotonic() - t


def replay_day(day: SeedDay, day_dir: Path, profile: Profile, scorer: LLMScorer, prefilter: Prefilter,
               keep_rate: float, reasons: dict[str, str]) -> DayRun:
    papers = list(day.papers)
    sent = [papers[i] for i in cut(prefilter.scores(papers), keep_rate)]
    results, seconds = judge(scorer, sent, profile)
    verdicts = {j.paper_id: j for r in results for j in r.judgements}
    # learning as in use: only the verdicts the LLM gave on the papers that were sent
    prefilter.learn([p for p in sent if p.id in verdicts],
                    [int(verdicts[p.id].score >= profile.min_score) for p in sent if p.id in verdicts])
    recommended = {pid for pid, j in verdicts.items() if j.score >= profile.min_score}
    wanted = {pid for pid, pick in day.picks.items() if pick.score >= profile.min_score}
    seed = sum(count_tokens(t) for t in seed_requests(day_dir, day.name)) + \
        sum(count_tokens(t) for t in seed_answers(day_dir, day, reasons))
    return DayRun(day.name, len(papers), len(sent), sum(r.usage.total for r in results),
                  sum(r.usage.completion for r in results), seed, len(wanted),
                  len(wanted & recommended), seconds, [r.failure for r in results if r.failure], sent)


def settings(base_url: str, concurrency: int, batch_size: int) -> LLMSettings:
    return LLMSettings(base_url=base_url, model="oracle-seed-picks", api_key_env=KEY_ENV, concurrency=concurrency,
                       batch_size=batch_size, timeout_s=120.0, max_retries=2)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    profile = load_profile(args.profile)
    days = load_days(*args.days)
    warmup = load_days(*args.warmup) if args.warmup else days[:args.warmup_first]
    days = [d for d in days if d.name not in {w.name for w in warmup}]
    dirs = {d.name: _day_dir(args.days, d.name) for d in days}
    prefilter = make_prefilter(args.prefilter)
    for w in warmup:
        prefilter.learn(w.papers, [int(p.id in w.picks and w.picks[p.id].score >= profile.min_score) for p in w.papers])
    reasons = report_reasons()
    env = {KEY_ENV: "oracle"}
    count_tokens("load the vocabulary now, not inside the first timed request")
    print(f"{len(warmup)} warm-up day(s), {len(days)} replayed; prefilter {args.prefilter}, keep rate {args.keep_rate}, batch size "
          f"{args.batch_size}, concurrency {args.concurrency}, latency x{args.latency_scale}")
    runs: list[DayRun] = []
    with oracle_server(days, profile, args.latency_scale) as server:
        scorer = LLMScorer(settings(server.v1_url, args.concurrency, args.batch_size), environ=env)
        for day in days:
            run = replay_day(day, dirs[day.name], profile, scorer, prefilter, args.keep_rate, reasons)
            runs.append(run)
            print(f"{run.name}  read {run.read:4d}  sent {run.sent:4d}  tokens/paper {run.tokens / run.read:6.1f}  "
                  f"seed {run.seed_tokens / run.read:6.1f}  picks {run.picks:3d}  found {run.found:3d}  "
                  f"{run.seconds:5.1f} s" + (f"  FAILED: {run.failures}" if run.failures else ""), flush=True)
        speedup = timing(runs[:args.timing_days], profile, server.v1_url, args, env)
    read = sum(r.read for r in runs)
    tokens, seed = sum(r.tokens for r in runs) / read, sum(r.seed_tokens for r in runs) / read
    recall = sum(r.found for r in runs) / max(1, sum(r.picks for r in runs))
    sent = sum(r.sent for r in runs)
    completion = sum(r.completion for r in runs)
    print(f"per paper sent: {(sum(r.tokens for r in runs) - completion) / sent:.1f} prompt + "
          f"{completion / sent:.1f} completion tokens")
    print(f"papers read {read}, sent {sent}; tokens {sum(r.tokens for r in runs)} "
          f"(seed {sum(r.seed_tokens for r in runs)}) = {tokens / seed:.1%} of the seed's per paper read")
    print(f"tokens/paper {tokens:.1f} (seed {seed:.1f}) recall {recall:.3f} speedup {speedup:.1f}")
    return 0


def timing(runs: Sequence[DayRun], profile: Profile, url: str, args: argparse.Namespace,
           env: dict[str, str]) -> float:
    """The same papers as the replay sent, now one request at a time; against the replay's concurrent times."""
    one = LLMScorer(settings(url, 1, args.batch_size), environ=env)
    concurrent = sequential = 0.0
    for run in runs:
        _, seconds = judge(one, run.sent_papers, profile)
        concurrent, sequential = concurrent + run.seconds, sequential + seconds
        print(f"timing {run.name}: {run.seconds:.1f} s at concurrency {args.concurrency}, "
              f"{seconds:.1f} s one request at a time", flush=True)
    return sequential / concurrent if concurrent else float("nan")


def _day_dir(roots: Sequence[str], name: str) -> Path:
    for root in map(Path, roots):
        for candidate in (root / name, root):
            if candidate.name == name and (candidate / "input.jsonl").exists():
                return candidate
    raise FileNotFoundError(f"day {name} not found under {list(roots)}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("days", nargs="+", help="directory of days (DAY/input.jsonl, DAY/picks.jsonl) or day folders")
    p.add_argument("--warmup", nargs="*", default=[], help="days the prefilter learns from before the replay")
    p.add_argument("--warmup-first", type=int, default=0, help="or: use the first N days as warm-up")
    p.add_argument("--profile", default=str(SEED_PROFILE))
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--batch-size", type=int, default=30)
    p.add_argument("--keep-rate", type=float, default=0.58)
    p.add_argument("--prefilter", choices=["tfidf", "tfidf+use"], default="tfidf+use")
    p.add_argument("--latency-scale", type=float, default=1.0, help="multiply the oracle's 2 s + 20 ms/paper")
    p.add_argument("--timing-days", type=int, default=2, help="days also sent one request at a time")
    return p.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(main())
