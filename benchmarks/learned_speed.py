"""How long the learned ranker takes to re-train and rank one big day with months of evidence behind it.

  python benchmarks/learned_speed.py ../shared/data/corpus [--days 80] [--day-size 900]

Evidence: every paper of the first `--days` listing days of the year-long corpus, labelled as a reader
might have (a paper the profile-only scorer puts at 7 or more is an LLM verdict "wanted" in its field, the rest seen and
not liked). Then a day of `--day-size` papers is ranked: the corpus's days hold at most ~650, so the
papers of the following listing days are joined to make one. Timed: building the
LearnedScorer, training it and ranking the day, with every paper vector already in the cache (the first
run encodes them once, which is reported apart). Encoding the new day's papers is NOT in the timed
figure; it is measured separately on the day's texts when `--encode-day` is given. The last line prints
the seconds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

from paperradar.config import load_profile
from paperradar.embedding import Encoder, NpzVectorCache, default_cache_dir, encode_and_save
from paperradar.models import Evidence, Paper
from paperradar.scorers.embedded import EmbeddedScorer
from paperradar.scorers.learned import LearnedScorer
from paperradar.sources.jsonl import paper_from_record

EXAMPLE_PROFILE = Path(__file__).parents[1] / "src" / "paperradar" / "data" / "example-profile.toml"


def read_day(path: Path) -> list[Paper]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [paper_from_record(json.loads(line)) for line in fh if line.strip()]


def next_papers(files: list[Path], size: int) -> list[Paper]:
    """`size` papers listed after the evidence: no corpus day has 900, so following days are joined."""
    papers: list[Paper] = []
    for f in files:
        papers.extend(read_day(f))
        if len(papers) >= size:
            return papers[:size]
    raise SystemExit(f"the corpus has fewer than {size} papers after the evidence days")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="folder of DATE.jsonl.gz days (../shared/data/corpus)")
    ap.add_argument("--days", type=int, default=80, help="corpus days whose papers are the evidence (default 80)")
    ap.add_argument("--day-size", type=int, default=900,
                    help="papers in the day re-trained for and ranked, taken from the days after (default 900)")
    ap.add_argument("--encode-day", action="store_true", help="also time encoding the day's texts from scratch")
    args = ap.parse_args()
    profile = load_profile(EXAMPLE_PROFILE)
    files = sorted(args.corpus.glob("*.jsonl.gz"))
    if not files:
        raise SystemExit(f"{args.corpus}: no DATE.jsonl.gz files in it (the corpus folder: ../shared/data/corpus)")
    history = [p for f in files[:args.days] for p in read_day(f)]
    day = next_papers(files[args.days:], args.day_size)

    cache = NpzVectorCache(default_cache_dir(), prefix="replay-vectors")
    embedded = EmbeddedScorer(Encoder(cache=cache))
    started = time.perf_counter()
    encode_and_save(embedded.encoder, [p.text for p in (*history, *day)], cache,  # a stopped first run keeps them
                    lambda line: print(line, file=sys.stderr, flush=True))  # a first run encodes for minutes
    base = embedded.analyse(history, profile, reasons=False)
    print(f"vectors ready in {time.perf_counter() - started:.1f} s ({embedded.encoder.encoded} texts encoded, "
          f"the rest from {cache.folder})")
    evidence = [Evidence(p, 1, 1.0, "llm", profile.field_names[int(i)]) if s >= profile.min_score
                else Evidence(p, 0, 1.0, "shown") for p, s, i in zip(history, base.score, base.field_idx)]

    started = time.perf_counter()
    scorer = LearnedScorer(embedded, evidence)
    judgements = [j for batch in scorer.judge(day, profile) for j in batch.judgements]
    seconds = time.perf_counter() - started
    wanted = sum(e.label for e in evidence)
    print(f"{len(evidence)} evidence papers from {args.days} days ({wanted} liked); day of {len(day)} papers "
          f"judged ({sum(j.score >= profile.min_score for j in judgements)} at >= {profile.min_score:g})")
    if args.encode_day:
        fresh = Encoder()
        t = time.perf_counter()
        fresh.encode([p.text for p in day])
        print(f"encoding the day's {len(day)} texts without a cache: {time.perf_counter() - t:.1f} s (not included)")
    print(f"re-train and rank, vectors cached: {seconds:.1f} s")


if __name__ == "__main__":
    main()
