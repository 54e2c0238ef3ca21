"""How much of the picks no ranker of the papers' text can predict: the seed LLM's leniency per batch.

  python benchmarks/judge_noise.py ../shared/data/seed-days [--warmup-first 12] [--window K]

The seed system sent each day's papers to its LLM 50 at a time, in the order of input.jsonl. This walks
the days after the first N as `paperradar replay` does, ranking each with the issue's orientation model
(TF-IDF of title and abstract + logistic regression, trained on every earlier day, or with --window K on
the K days before it: how much more evidence would help) and asks two things:

1. Over-dispersion: per batch of 50, the picks it got against the number the model expects (its
   probabilities rescaled to the day's pick count). If the LLM judged each paper on its own, the counts
   would scatter around that expectation with the binomial spread; the measured spread is printed beside it.
2. The ceiling that leniency leaves: R-precision of the same model once each batch's scores are shifted so
   that its expected picks equal the picks it actually got, an oracle no ranker has. The gap between the
   plain and the oracle figure is what per-batch leniency alone costs any ranker of the text.

Prints the plain model's R-precision / AUC / recall@0.5, the spreads, and last the line
`oracle R-precision X.XXX`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.optimize import brentq
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from paperradar.metrics import auc, prefilter_recall, r_precision
from paperradar.seeddays import SeedDay, load_days

BATCH = 50  # the seed system's batch size (../shared/data/README.md)


def batches(n: int) -> list[slice]:
    """The seed's batches of a day of n papers, in input order."""
    return [slice(start, start + BATCH) for start in range(0, n, BATCH)]


def shift_to_counts(z: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Each batch's decision values shifted so that its probabilities add up to the picks it got."""
    out = z.copy()
    for b in batches(len(z)):
        part = z[b]
        want = float(np.clip(labels[b].sum(), 0.5, len(part) - 0.5))
        shift = brentq(lambda s: float((1 / (1 + np.exp(-(part + s)))).sum()) - want, -40, 40)
        out[b] = part + shift
    return out


def replay_day(train: list[SeedDay], day: SeedDay) -> tuple[np.ndarray, np.ndarray]:
    """The orientation model's decision values for `day`, trained on `train`."""
    texts = [p.text for d in train for p in d.papers]
    labels = np.array([y for d in train for y in d.labels])
    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, max_df=0.5, stop_words="english")
    model = LogisticRegression(C=4, max_iter=3000).fit(vectorizer.fit_transform(texts), labels)
    return model.decision_function(vectorizer.transform([p.text for p in day.papers])), np.array(day.labels)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("days", type=Path, help="a folder of DAY/input.jsonl + DAY/picks.jsonl")
    ap.add_argument("--warmup-first", type=int, default=12, help="the first N days only train (default 12)")
    ap.add_argument("--window", type=int, default=0, help="train on only the K days before each (default: all)")
    args = ap.parse_args()
    days = load_days(args.days)
    if len(days) <= args.warmup_first:
        raise SystemExit(f"{len(days)} days: need more than --warmup-first {args.warmup_first}")
    plain, oracle = [], []
    actual, expected, binomial = [], [], []
    for t in range(args.warmup_first, len(days)):
        z, y = replay_day(days[max(0, t - args.window) if args.window else 0:t], days[t])
        p = 1 / (1 + np.exp(-z))
        p = np.clip(p * y.sum() / p.sum(), 0, 1)  # the day's count is known; the batches' split of it is not
        counts = [int(y[b].sum()) for b in batches(len(y))]
        actual.extend(counts)
        expected.extend(p[b].sum() for b in batches(len(y)))
        binomial.extend((p[b] * (1 - p[b])).sum() for b in batches(len(y)))
        shifted = shift_to_counts(z, y)
        plain.append((r_precision(z, y), auc(z, y), prefilter_recall(z, y, 0.5)))
        oracle.append((r_precision(shifted, y), auc(shifted, y), prefilter_recall(shifted, y, 0.5)))
        print(f"{days[t].name}  picks per batch {counts}  "
              f"R-precision {plain[-1][0]:.3f} -> {oracle[-1][0]:.3f}", flush=True)
    a, e = np.array(actual, dtype=float), np.array(expected)
    mp, mo = np.mean(plain, axis=0), np.mean(oracle, axis=0)
    print(f"{len(a)} batches of up to {BATCH}: picks per batch scatter around the model's expectation with "
          f"SD {np.sqrt(np.mean((a - e) ** 2)):.1f}; independent verdicts would give SD {np.sqrt(np.mean(binomial)):.1f}")
    print(f"plain TF-IDF + LR: R-precision {mp[0]:.3f}  AUC {mp[1]:.3f}  recall@0.5 {mp[2]:.3f}")
    print(f"knowing each batch's pick count: R-precision {mo[0]:.3f}  AUC {mo[1]:.3f}  recall@0.5 {mo[2]:.3f}")
    print(f"oracle R-precision {mo[0]:.3f}")


if __name__ == "__main__":
    main()
