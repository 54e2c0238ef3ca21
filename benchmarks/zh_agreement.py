"""How closely a profile written in Chinese with Chinese terms ranks papers as its twin with the terms in English does.

  python benchmarks/zh_agreement.py ../shared/data/seed-days [--chinese PATH --english PATH]

No labels are needed: the English-terms twin (the same fields and Chinese prose, the terms as papers write them) is
the yardstick, since the seed days' English-terms profiles rank as well as English ones. Defaults to a reader who is
not the seed days' own (tests/profiles/zh-embodied-*.toml: manipulation, RL, driving, graph learning), so a glossary
of Chinese terms is not measured only on the profile it might have been tuned on. Prints per day the Spearman
correlation of the two profiles' relevance and the share of the English twin's top quarter also in the Chinese one's,
their means, and last the line `Spearman X.XXX`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from paperradar.config import load_profile
from paperradar.embedding import Encoder, NpzVectorCache, default_cache_dir
from paperradar.scorers.embedded import EmbeddedScorer
from paperradar.seeddays import load_days

PROFILES = Path(__file__).parents[1] / "tests" / "profiles"
TOP = 0.25


def ranks(x: np.ndarray) -> np.ndarray:
    return np.argsort(np.argsort(x, kind="stable"), kind="stable").astype(np.float64)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


def top_overlap(reference: np.ndarray, other: np.ndarray, share: float = TOP) -> float:
    k = max(1, round(len(reference) * share))
    return len(set(np.argsort(-reference)[:k]) & set(np.argsort(-other)[:k])) / k


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("days", nargs="+", type=Path, help="folders of DAY/input.jsonl (picks are not read)")
    ap.add_argument("--chinese", type=Path, default=PROFILES / "zh-embodied-chinese-terms.toml")
    ap.add_argument("--english", type=Path, default=PROFILES / "zh-embodied-english-terms.toml")
    args = ap.parse_args()
    chinese, english = load_profile(args.chinese), load_profile(args.english)
    cache = NpzVectorCache(default_cache_dir(), prefix="bench-vectors")
    scorer = EmbeddedScorer(Encoder(cache=cache))
    rhos, tops = [], []
    for day in load_days(*args.days):
        zh = scorer.analyse(day.papers, chinese, reasons=False).relevance
        en = scorer.analyse(day.papers, english, reasons=False).relevance
        rhos.append(spearman(en, zh))
        tops.append(top_overlap(en, zh))
        print(f"{day.name}  {len(day.papers):4d} papers  Spearman {rhos[-1]:.3f}  top {TOP:.0%} shared {tops[-1]:.3f}")
    cache.save()
    print(f"scorer {scorer.name}, {args.chinese.name} against {args.english.name}, {len(rhos)} days")
    print(f"top {TOP:.0%} shared {np.mean(tops):.3f}")
    print(f"Spearman {np.mean(rhos):.3f}")


if __name__ == "__main__":
    main()
