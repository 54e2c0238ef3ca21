"""Does the local ranker get better, day after day, for a reader who likes only a few papers of each digest?

  python benchmarks/reader_loop.py ../shared/data/seed-days [--likes 5] [--dislikes 1] [--seeds 1]

`paperradar replay` learns from every pick of every earlier day, as if the reader had marked a quarter of
all papers. A real reader marks a handful, and only of what the digest showed. This walks the days in date
order through the product's own parts: a real store (temp directory) records each day's listing, the local
scorer is built from `evidence.gather(store, profile, before=day)` as `paperradar run` builds it, the papers
it scores >= min_score are marked shown, and the simulated reader likes `--likes` of the shown papers that
the seed's LLM picked and dislikes `--dislikes` shown papers it did not (chosen at random: `--seeds N`
simulates N readers, seeds 0..N-1). Each day is scored against its picks before its feedback is given.
Prints per-day R-precision for the profile alone and for the learned ranker, the means over the first,
middle and last third and the digest's median size, and last the line `R-precision X.XXX (profile alone
Y.YYY)`, the mean over days and readers.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from paperradar.config import load_profile
from paperradar.embedding import Encoder, NpzVectorCache, default_cache_dir
from paperradar.evidence import gather
from paperradar.metrics import r_precision
from paperradar.models import Profile
from paperradar.scorers.embedded import EmbeddedScorer
from paperradar.scorers.learned import LearnedAnalysis, LearnedScorer
from paperradar.seeddays import SeedDay, load_days
from paperradar.store import Store

EXAMPLE_PROFILE = Path(__file__).parents[1] / "src" / "paperradar" / "data" / "example-profile.toml"


@dataclass
class Walk:
    alone: list[float] = field(default_factory=list)  # R-precision a day, profile alone
    learned: list[float] = field(default_factory=list)  # R-precision a day, learned from the reader so far
    shown: list[int] = field(default_factory=list)  # papers the digest showed (score >= min_score)
    shown_alone: list[int] = field(default_factory=list)  # what the profile alone would have shown


def walk(days: list[SeedDay], profile: Profile, embedded: EmbeddedScorer, alone: list[LearnedAnalysis], likes: int,
         dislikes: int, seed: int) -> Walk:
    """`alone`: each day's profile-only analysis, the same for every reader."""
    rng, out = random.Random(seed), Walk()
    with tempfile.TemporaryDirectory() as home:
        store = Store.open(Path(home))
        try:
            for day, base in zip(days, alone):
                when = date.fromisoformat(day.name)
                evidence = gather(store, profile, before=when)
                a = LearnedScorer(embedded, evidence).analyse(day.papers, profile, reasons=False)
                out.alone.append(r_precision(base.rank_value, day.labels))
                out.learned.append(r_precision(a.rank_value, day.labels))
                store.upsert_papers(day.papers)
                store.record_listing(when, day.papers)
                shown = [p.id for p, s in zip(day.papers, a.score) if s >= profile.min_score]
                out.shown.append(len(shown))
                out.shown_alone.append(int((base.score >= profile.min_score).sum()))
                store.mark_shown(when, shown)
                picked = [i for i in shown if i in day.picks]
                others = [i for i in shown if i not in day.picks]
                store.add_feedback(rng.sample(picked, min(likes, len(picked))), "like", "reader_loop")
                store.add_feedback(rng.sample(others, min(dislikes, len(others))), "dislike", "reader_loop")
                kinds = ", ".join(f"{k} {n}" for k, n in sorted(Counter(e.kind for e in evidence).items()))
                print(f"{day.name}  shown {len(shown):3d}  profile alone {out.alone[-1]:.3f}  "
                      f"learned {out.learned[-1]:.3f}  (evidence: {kinds or 'none'})", flush=True)
        finally:
            store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("days", nargs="+", type=Path, help="folders of DAY/input.jsonl + DAY/picks.jsonl")
    ap.add_argument("--profile", type=Path, default=EXAMPLE_PROFILE)
    ap.add_argument("--likes", type=int, default=5, help="shown picks the reader likes a day")
    ap.add_argument("--dislikes", type=int, default=1, help="shown non-picks the reader dislikes a day")
    ap.add_argument("--seeds", type=int, default=1, help="readers to simulate (seeds 0..N-1); the mean is printed")
    args = ap.parse_args()
    profile = load_profile(args.profile)
    cache = NpzVectorCache(default_cache_dir(), prefix="replay-vectors")
    embedded = EmbeddedScorer(Encoder(cache=cache))
    days = load_days(*args.days)
    started = time.perf_counter()
    alone = [LearnedScorer(embedded, []).analyse(day.papers, profile, reasons=False) for day in days]
    walks = []
    for seed in range(args.seeds):
        print(f"reader {seed}: {args.likes} like(s) and {args.dislikes} dislike(s) a day")
        walks.append(walk(days, profile, embedded, alone, args.likes, args.dislikes, seed))
        cache.save()
        w = walks[-1]
        for part in np.array_split(np.arange(len(days)), 3):
            print(f"  days {part[0] + 1}-{part[-1] + 1}: profile alone {np.mean([w.alone[i] for i in part]):.3f}, "
                  f"learned {np.mean([w.learned[i] for i in part]):.3f}")
        print(f"  mean {np.mean(w.learned):.3f}; median shown a day {np.median(w.shown):.0f} "
              f"(profile alone {np.median(w.shown_alone):.0f})")
    print(f"{len(days)} days, {args.seeds} reader(s), {time.perf_counter() - started:.0f} s")
    learned = np.mean([np.mean(w.learned) for w in walks])
    print(f"R-precision {learned:.3f} (profile alone {np.mean(walks[0].alone):.3f})")


if __name__ == "__main__":
    main()
