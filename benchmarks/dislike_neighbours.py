"""How tight the learned ranker's "like a paper you disliked" rule is, on the seed days.

  python benchmarks/dislike_neighbours.py ../shared/data/seed-days

A dislike lowers the papers like the disliked one (`scorers.learned._Exemplars`: nearer to it than 99% of the
bundled ordinary papers, in meaning and in words). Each paper the profile-only scorer shows on a seed day (score >=
min_score) and the seed's LLM did not pick stands in for a dislike; the benchmark asks how many of the next day's
shown papers each rule calls like it, and what share of those the LLM picked. A rule that sinks papers should catch
few picks: a lower pick rate than the shown papers' own is what makes the drop worth its price. Prints, per rule
(in meaning and in words, the product's; meaning alone; words alone), the papers it calls near a stand-in and their
pick rate, and last `pick rate near a disliked paper X.XXX (all shown papers Y.YYY)`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from paperradar.config import load_profile
from paperradar.embedding import Encoder, NpzVectorCache, default_cache_dir
from paperradar.scorers.embedded import EmbeddedScorer
from paperradar.scorers.learned import DISLIKE_CLOSENESS, _background_words, _Exemplars
from paperradar.seeddays import load_days

EXAMPLE_PROFILE = Path(__file__).parents[1] / "src" / "paperradar" / "data" / "example-profile.toml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("days", type=Path, help="a folder of DAY/input.jsonl + DAY/picks.jsonl")
    args = ap.parse_args()
    profile = load_profile(EXAMPLE_PROFILE)
    embedded = EmbeddedScorer(Encoder(cache=NpzVectorCache(default_cache_dir(), prefix="replay-vectors")))
    vectorizer, _ = _background_words(embedded.bg.texts)
    days = load_days(args.days)
    shown = []  # per day: the shown papers, their vectors, their words, whether the LLM picked them
    for day in days:
        a = embedded.analyse(day.papers, profile, reasons=False)
        keep = np.flatnonzero(a.score >= profile.min_score)
        papers = [day.papers[i] for i in keep]
        shown.append((papers, a.vectors[keep], vectorizer.transform([p.text for p in papers]),
                      np.array(day.labels, dtype=bool)[keep]))
    near = {"meaning and words": [0, 0], "meaning alone": [0, 0], "words alone": [0, 0]}  # papers, picks among them
    for (papers, _, _, picked), (_, vectors, words, next_picked) in zip(shown, shown[1:]):
        stand_ins = _Exemplars.of([p for p, pick in zip(papers, picked) if not pick], embedded, DISLIKE_CLOSENESS)
        if not stand_ins.ids:
            continue
        by_meaning = vectors @ stand_ins.vectors.T >= stand_ins.vector_bar
        by_words = (words @ stand_ins.words.T).toarray() >= stand_ins.word_bar
        for rule, hit in (("meaning and words", by_meaning & by_words), ("meaning alone", by_meaning),
                          ("words alone", by_words)):
            for column in hit.T:  # each stand-in and the next day's papers it calls like it
                near[rule][0] += int(column.sum())
                near[rule][1] += int(next_picked[column].sum())
    everyone = np.concatenate([s[3] for s in shown[1:]])
    for rule, (n, picks) in near.items():
        print(f"{rule:18} {n:6d} papers near a shown paper the LLM did not pick, pick rate {picks / max(n, 1):.3f}")
    n, picks = near["meaning and words"]
    print(f"pick rate near a disliked paper {picks / max(n, 1):.3f} (all shown papers {everyone.mean():.3f})")


if __name__ == "__main__":
    main()
