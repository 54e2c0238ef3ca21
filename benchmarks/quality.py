"""How well the offline scorer, given only the profile, agrees with the reader's previous picks.

  python benchmarks/quality.py ../shared/data/seed-days [--profile PATH]

Ranks every paper of each day with the embedded scorer, prints per-day and mean R-precision, AUC,
prefilter recall at keep rate 0.5 and field agreement, the median number recommended per day
(score >= min_score) against the picks, and last the line `R-precision X.XXX`. Paper vectors are kept in
a file under $PAPERRADAR_HOME (default ~/.cache/paperradar) so that re-runs skip the model.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from paperradar.config import load_profile
from paperradar.embedding import Encoder, NpzVectorCache, default_cache_dir
from paperradar.models import Profile
from paperradar.metrics import DayScore, score_day, summary_lines
from paperradar.scorers.embedded import EmbeddedScorer
from paperradar.seeddays import SeedDay, fields_in_profile, load_days, unmapped_line

EXAMPLE_PROFILE = Path(__file__).parents[1] / "src" / "paperradar" / "data" / "example-profile.toml"


def score_one(scorer: EmbeddedScorer, day: SeedDay, profile: Profile) -> DayScore:
    a = scorer.analyse(day.papers, profile, reasons=False)
    labels = day.labels
    pick_fields = [day.picks[p.id].field if p.id in day.picks else None for p in day.papers]
    fields = [profile.field_names[int(i)] for i in a.field_idx]
    # rank by relevance: the score is the same order, but capped at 10 it could tie the very best papers
    return score_day(day.name, a.relevance, fields, list(a.score >= profile.min_score), labels, pick_fields)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("days", nargs="+", type=Path, help="folders of DAY/input.jsonl + DAY/picks.jsonl")
    ap.add_argument("--profile", type=Path, default=EXAMPLE_PROFILE)
    args = ap.parse_args(argv)
    profile = load_profile(args.profile)
    cache = NpzVectorCache(default_cache_dir(), prefix="bench-vectors")
    scorer = EmbeddedScorer(Encoder(cache=cache))
    started = time.perf_counter()
    (days,), unmapped = fields_in_profile(profile, load_days(*args.days))  # as replay scores them
    if unmapped:
        print(unmapped_line(unmapped))
    scored = [score_one(scorer, d, profile) for d in days]
    cache.save()
    print(f"scorer {scorer.name}, profile {args.profile.name} ({profile.version}), {len(days)} days, "
          f"{sum(len(d.papers) for d in days)} papers, {time.perf_counter() - started:.1f} s "
          f"({scorer.encoder.encoded} texts encoded, the rest from {cache.folder})")
    for line in summary_lines(scored):
        print(line)
    print(f"R-precision {np.nanmean([d.r_precision for d in scored]):.3f}")


if __name__ == "__main__":
    main()
