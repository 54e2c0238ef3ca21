"""What the LLM costs paperradar against the seed system, what it keeps, and how fast: the real pipeline.

  python benchmarks/llm_cost.py ../shared/data/seed-days --warmup-first 12
  python benchmarks/llm_cost.py DAYS_DIR --warmup WARMUP_DIR [--keep-rate K] [--batch-size B] [--concurrency 8]

Each replayed day runs exactly as `paperradar run` would: `pipeline.run_listing` on a throw-away store
(a temp PAPERRADAR_HOME), with the local scorer built from `evidence.gather(store, profile, before=day)`
(LearnedScorer over the EmbeddedScorer; the EmbeddedScorer alone while there is no evidence) and the
LLMScorer pointed at an oracle on 127.0.0.1 (oracle_server.py: a day's picks get their recorded score and
field, other papers a 3, after 2 s + 20 ms per paper). Warm-up days enter through the store's real API as
the reader's word: picks scoring >= min_score as likes, the other papers as shown and not liked. After that
the local scorer learns only from what the pipeline stored: the oracle's verdicts on the papers sent (and,
as in use, the digest's recommendations marked shown). Paper vectors come from the quality benchmark's
persistent cache file, so re-runs skip the model.

Prints per day and in total:
- tokens per paper read: every request's messages and every completion, as the oracle received and sent
  them, counted with paperradar.tokens.count_tokens; the seed's the same way (seed-prompt.txt filled with
  batches of 50 papers in its format, plus its answers rebuilt as [PAPER_START]...[PAPER_END] blocks of
  its picks; its thinking left out);
- recall: the share of the oracle's picks (score >= min_score) that the final digest recommends;
- wall time of the pipeline's LLM stage at --concurrency, and the same batches sent one request at a
  time, on the first --timing-days replayed days.
The last line: `tokens/paper X.X (seed Y.Y) recall Z.ZZZ speedup S.S`.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import cycle
from pathlib import Path

import numpy as np
from oracle_server import SHARED, FakeOpenAI, oracle_server, report_reasons, title_key
from paperradar.embedding import NpzVectorCache, default_cache_dir

from paperradar.config import load_profile
from paperradar.embedding import Encoder
from paperradar.evidence import gather
from paperradar.models import FailedBatches, LLMSettings, Paper, Profile
from paperradar.pipeline import prefilter, run_listing
from paperradar.render.publish import publish
from paperradar.render.wording import failure_text
from paperradar.scorers.embedded import EmbeddedScorer
from paperradar.scorers.learned import LearnedScorer, learnable
from paperradar.scorers.llm import LLMScorer
from paperradar.seeddays import SeedDay, load_days
from paperradar.sources.jsonl import day_file, iter_jsonl_records
from paperradar.sources.rss import Listing
from paperradar.store import Store
from paperradar.tokens import count_tokens

SEED_PROFILE = SHARED / "profiles" / "seed-interests.toml"
SEED_PROMPT = SHARED / "reference" / "seed-prompt.txt"
SEED_BATCHES = SHARED / "reference" / "seed-batches-2026-02-05.md"  # the seed's exact requests that day
SEED_BATCH = 50
KEY_ENV = "PAPERRADAR_ORACLE_KEY"
KEEP_RATES_SHOWN = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)  # the diagnostic recall curve of the local ranking


# ---- the seed system's tokens, rebuilt with the same tokenizer ----

def seed_requests(day_dir: Path, day_name: str) -> list[str]:
    """The seed's prompts for a day: recorded where we have them, else rebuilt in its exact format."""
    template = SEED_PROMPT.read_text(encoding="utf-8")
    if day_name == "2026-02-05" and SEED_BATCHES.exists():
        lists = [p.strip() for p in re.split(r"^# --- 批次 \d+/\d+ ---\n", SEED_BATCHES.read_text(encoding="utf-8"),
                                              flags=re.M)[1:]]
    else:
        lists = [_seed_list(batch) for batch in _batches(list(iter_jsonl_records(day_file(day_dir, "input.jsonl"))))]
    return [template.replace("{batch_num}", str(i)).replace("{total_batches}", str(len(lists)))
            .replace("{paper_list}", text) for i, text in enumerate(lists, 1)]


def seed_answers(day_dir: Path, day: SeedDay, reasons: dict[str, str]) -> list[str]:
    """One answer per seed batch: a [PAPER_START] block per pick, or [NO_RELEVANT_PAPERS]."""
    stand_in = cycle(reasons.values())  # real reasons of the seed's report, for days without one
    out = []
    for batch in _batches(list(iter_jsonl_records(day_file(day_dir, "input.jsonl")))):
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


# ---- the replay, through the real pipeline ----

@dataclass
class DayRun:
    name: str
    read: int
    sent: int
    prompt: int  # tokens of the request messages, counted here on what the oracle received
    completion: int  # tokens of the completions the oracle sent
    stored: int  # the tokens the pipeline recorded from the endpoint's usage, as a cross-check
    seed_tokens: int
    picks: int  # the oracle's picks: score >= min_score
    found: int  # of those, recommended in the final digest
    recommended: int
    llm_seconds: float  # the pipeline's LLM stage
    evidence: Counter[str]
    batches: list[list[Paper]]  # the requests as sent, for the one-at-a-time timing
    failures: tuple[FailedBatches, ...]
    ranks: list[int]  # where each oracle pick stood in the local ranking the prefilter cut (0 = best)
    rank_ranks: list[int]  # the same in LearnedScorer.rank's continuous order, for comparison

    @property
    def tokens(self) -> int:
        return self.prompt + self.completion


@dataclass
class Bench:
    """What every replayed day shares: the throw-away store, the scorers' parts, the oracle."""

    store: Store
    profile: Profile  # with the LLM settings under test
    embedded: EmbeddedScorer
    llm: LLMScorer
    server: FakeOpenAI  # the oracle
    out_dir: Path
    reasons: dict[str, str]


def warm_up(store: Store, days: Sequence[SeedDay], profile: Profile, negatives: str = "shown") -> None:
    """The warm-up days as the reader's own word: picks >= min_score liked, the rest shown and not liked
    (or, with negatives="dislike", disliked outright)."""
    for day in days:
        when = date.fromisoformat(day.name)
        liked = {pid for pid, pick in day.picks.items() if pick.score >= profile.min_score}
        rest = [p.id for p in day.papers if p.id not in liked]
        store.upsert_papers(day.papers)
        store.record_listing(when, day.papers)
        store.add_feedback(sorted(liked), "like", "llm_cost warm-up")
        if negatives == "dislike":
            store.add_feedback(rest, "dislike", "llm_cost warm-up")
        else:
            store.mark_shown(when, rest)


def local_scorer(bench: Bench, when: date) -> tuple[EmbeddedScorer | LearnedScorer, Counter[str]]:
    """What `paperradar run` builds (cli._local_scorer), with the benchmark's vector cache."""
    evidence = gather(bench.store, bench.profile, before=when)
    kinds: Counter[str] = Counter(e.kind for e in evidence)
    return (LearnedScorer(bench.embedded, evidence) if learnable(evidence) else bench.embedded), kinds


def replay_day(bench: Bench, day: SeedDay, day_dir: Path) -> DayRun:
    when = date.fromisoformat(day.name)
    local, kinds = local_scorer(bench, when)
    start = len(bench.server.received)
    outcome = run_listing(bench.store, bench.profile, Listing(when, day.papers, f"seed day {day.name}"), local,
                          bench.llm, bench.out_dir, publish)
    digest = outcome.digest
    if digest is None:
        raise RuntimeError(f"{day.name}: the pipeline did not publish ({outcome.status}: {outcome.message})")
    requests = bench.server.received[start:]
    by_title = {title_key(p.title): p for p in day.papers}
    recommended = {e.paper.id for e in digest.recommended}
    wanted = {pid for pid, pick in day.picks.items() if pick.score >= bench.profile.min_score}
    seed = sum(count_tokens(t) for t in seed_requests(day_dir, day.name)) + \
        sum(count_tokens(t) for t in seed_answers(day_dir, day, bench.reasons))
    return DayRun(
        day.name, len(day.papers), len({title_key(p.title) for r in requests for p in r.papers}),
        sum(count_tokens(m["content"]) for r in requests for m in r.body["messages"]),
        sum(count_tokens(r.completion) for r in requests), digest.facts.tokens.total, seed,
        len(wanted), len(wanted & recommended), len(recommended), digest.facts.timings.get("llm", 0.0), kinds,
        [[by_title[title_key(p.title)] for p in r.papers] for r in requests], digest.facts.failed_batches,
        pick_ranks(bench, local.name, day, wanted), continuous_ranks(bench, local, day, wanted))


def pick_ranks(bench: Bench, local_name: str, day: SeedDay, wanted: set[str]) -> list[int]:
    """The oracle picks' places in the order pipeline.prefilter sorts by (the stored local judgements)."""
    listed = bench.store.listing(date.fromisoformat(day.name))
    order = prefilter(listed, bench.store.judgements(listed, local_name, bench.profile.version), 1.0)
    return [i for i, p in enumerate(order) if p.id in wanted]


def continuous_ranks(bench: Bench, local: EmbeddedScorer | LearnedScorer, day: SeedDay,
                     wanted: set[str]) -> list[int]:
    """The oracle picks' places in LearnedScorer.rank's order (unrounded, uncapped), for the diagnostic."""
    if not isinstance(local, LearnedScorer):
        return []
    listed = bench.store.listing(date.fromisoformat(day.name))
    order = np.argsort(-local.rank(listed, bench.profile), kind="stable")
    return [place for place, i in enumerate(order) if listed[i].id in wanted]


def one_at_a_time(runs: Sequence[DayRun], bench: Bench, env: dict[str, str]) -> list[tuple[str, float, float]]:
    """Each day's batches exactly as the pipeline sent them, now one request after another."""
    single = LLMScorer(dataclasses.replace(bench.llm.settings, concurrency=1), environ=env)
    out = []
    for run in runs:
        t = time.perf_counter()
        for batch in run.batches:  # a batch no larger than batch_size is sent as one request
            list(single.judge(batch, bench.profile))
        out.append((run.name, run.llm_seconds, time.perf_counter() - t))
    return out


def settings(base_url: str, args: argparse.Namespace) -> LLMSettings:
    return LLMSettings(base_url=base_url, model="oracle-seed-picks", api_key_env=KEY_ENV,
                       concurrency=args.concurrency, batch_size=args.batch_size, timeout_s=120.0, max_retries=2,
                       prefilter_keep_rate=args.keep_rate)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    profile = load_profile(args.profile)
    days = load_days(*args.days)
    warmup = load_days(*args.warmup) if args.warmup else days[:args.warmup_first]
    days = [d for d in days if d.name not in {w.name for w in warmup}]
    if not days or not warmup:
        raise SystemExit(f"{len(warmup)} warm-up and {len(days)} replayed days: both are needed "
                         "(see --warmup and --warmup-first)")
    late = [w.name for w in warmup if w.name >= days[0].name]
    if late:
        raise SystemExit(f"warm-up days must come before the replayed days; these do not: {late}")
    vectors = NpzVectorCache(default_cache_dir(), prefix="bench-vectors")  # resolved before PAPERRADAR_HOME moves to the temp home
    env = {KEY_ENV: "oracle"}
    count_tokens("load the vocabulary now, not inside the first timed request")
    print(f"{len(warmup)} warm-up day(s) ({warmup[0].name}..{warmup[-1].name}), {len(days)} replayed; "
          f"profile {Path(args.profile).name}, keep rate {args.keep_rate}, batch size {args.batch_size}, "
          f"concurrency {args.concurrency}, latency x{args.latency_scale}", flush=True)
    with tempfile.TemporaryDirectory(prefix="paperradar-llm-cost-") as home, \
            oracle_server(days, profile, args.latency_scale) as server:
        os.environ["PAPERRADAR_HOME"] = home  # nothing of the reader's own data is read or written
        store = Store.open(Path(home))
        try:
            llm = LLMScorer(settings(server.v1_url, args), environ=env)
            bench = Bench(store, dataclasses.replace(profile, llm=llm.settings), EmbeddedScorer(Encoder(vectors)),
                          llm, server, Path(home) / "digest", report_reasons())
            warm_up(store, warmup, profile, args.warmup_negatives)
            runs = [report_day(replay_day(bench, day, _day_dir(args.days, day.name))) for day in days]
            vectors.save()
            timings = one_at_a_time(runs[:args.timing_days], bench, env)
        finally:
            store.close()
    return summary(runs, timings, args.concurrency)


def report_day(run: DayRun) -> DayRun:
    ev = ", ".join(f"{k} {n}" for k, n in sorted(run.evidence.items()))
    print(f"{run.name}  read {run.read:4d}  sent {run.sent:4d}  tokens/paper {run.tokens / run.read:6.1f}  "
          f"seed {run.seed_tokens / run.read:6.1f}  picks {run.picks:3d}  found {run.found:3d}  "
          f"recommended {run.recommended:3d}  llm {run.llm_seconds:4.1f} s  evidence: {ev or 'none'}"
          + (f"  FAILED: {[failure_text('en', f) for f in run.failures]}" if run.failures else ""), flush=True)
    if run.stored != run.tokens:
        print(f"  note: the store recorded {run.stored} tokens from the endpoint's usage, counted here {run.tokens}")
    return run


def summary(runs: Sequence[DayRun], timings: Sequence[tuple[str, float, float]], concurrency: int) -> int:
    for name, concurrent, sequential in timings:
        print(f"timing {name}: LLM stage {concurrent:.1f} s at concurrency {concurrency}, "
              f"the same batches one request at a time {sequential:.1f} s")
    read, sent = sum(r.read for r in runs), sum(r.sent for r in runs)
    tokens, seed = sum(r.tokens for r in runs), sum(r.seed_tokens for r in runs)
    completion = sum(r.completion for r in runs)
    recall = sum(r.found for r in runs) / max(1, sum(r.picks for r in runs))
    concurrent, sequential = sum(t[1] for t in timings), sum(t[2] for t in timings)
    speedup = sequential / concurrent if concurrent else float("nan")
    print(f"per paper sent: {(tokens - completion) / sent:.1f} prompt + {completion / sent:.1f} completion tokens; "
          f"{sum(len(r.batches) for r in runs)} requests")
    print(f"papers read {read}, sent {sent} ({sent / read:.1%}); tokens {tokens} (seed {seed}) = "
          f"{tokens / seed:.1%} of the seed's per paper read; oracle picks {sum(r.picks for r in runs)}, "
          f"found {sum(r.found for r in runs)}, digest recommended {sum(r.recommended for r in runs)}")
    for keep in KEEP_RATES_SHOWN:
        kept = sum(sum(rank < math.ceil(keep * r.read) for rank in r.ranks) for r in runs)
        by_rank = sum(sum(rank < math.ceil(keep * r.read) for rank in r.rank_ranks) for r in runs)
        print(f"  (diagnostic) the local ranking's recall of the oracle's picks at keep rate {keep:.2f}: "
              f"{kept / max(1, sum(r.picks for r in runs)):.3f} (by LearnedScorer.rank: "
              f"{by_rank / max(1, sum(r.picks for r in runs)):.3f})")
    print(f"wall time of the LLM stage: {concurrent:.1f} s at concurrency {concurrency}, "
          f"{sequential:.1f} s one request at a time")
    print(f"tokens/paper {tokens / read:.1f} (seed {seed / read:.1f}) recall {recall:.3f} speedup {speedup:.1f}")
    return 0 if not any(r.failures for r in runs) else 1


def _day_dir(roots: Sequence[str], name: str) -> Path:
    for root in map(Path, roots):
        for candidate in (root / name, root):
            if candidate.name == name and day_file(candidate, "input.jsonl").exists():
                return candidate
    raise FileNotFoundError(f"day {name} not found under {list(roots)}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("days", nargs="+", help="directory of days (DAY/input.jsonl, DAY/picks.jsonl) or day folders")
    p.add_argument("--warmup", nargs="*", default=[], help="days that enter first as the reader's likes")
    p.add_argument("--warmup-first", type=int, default=12, help="without --warmup: the first N days warm up")
    p.add_argument("--warmup-negatives", choices=["shown", "dislike"], default="shown",
                   help="how the warm-up days' other papers enter: shown and not liked, or disliked")
    p.add_argument("--profile", default=str(SEED_PROFILE), help="default: the seed's own interests (the "
                   "bundled example profile adds descriptions: ~200 more prompt tokens a request)")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--batch-size", type=int, default=40, help="40: 6-8 requests a day at keep 0.58, one wave")
    p.add_argument("--keep-rate", type=float, default=0.58, help="LLMSettings.prefilter_keep_rate")
    p.add_argument("--latency-scale", type=float, default=1.0, help="multiply the oracle's 2 s + 20 ms/paper")
    p.add_argument("--timing-days", type=int, default=2, help="days also sent one request at a time")
    return p.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(main())
