"""Rebuild the bundled background data from the year-long corpus (../shared/data/corpus):

  python benchmarks/build_background.py ../shared/data/corpus

writes src/paperradar/data/background-df.tsv.gz (word document frequencies over every abstract) and
src/paperradar/data/background-texts.jsonl.gz and background-usem3.npz (the text and USE vectors of a
fixed random sample of ordinary papers),
which centre and calibrate the offline scorer so that a score means the same on every day.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

import numpy as np

from paperradar.embedding import Encoder
from paperradar.scorers.lexical import count_df
from paperradar.embedding import NpzVectorCache, default_cache_dir  # the benchmark's vector file: a rebuild re-encodes nothing

DATA = Path(__file__).parents[1] / "src" / "paperradar" / "data"
MIN_DF = 3  # rarer words carry no reliable weight and would only bloat the table


def read_corpus(folder: Path) -> list[dict]:
    rows = []
    for f in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def write_df(rows: list[dict]) -> None:
    df = count_df(f"{r['title']}. {r['abstract']}" for r in rows)
    with gzip.open(DATA / "background-df.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(f"#docs {df.docs}\n")
        for w, c in sorted(df.counts.items()):
            if c >= MIN_DF:
                fh.write(f"{w}\t{c}\n")


def write_sample(rows: list[dict], size: int, seed: int) -> None:
    sample = random.Random(seed).sample(rows, size)
    texts = [f"{r['title']}. {r['abstract']}" for r in sample]
    with gzip.open(DATA / "background-texts.jsonl.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        for r, text in zip(sample, texts):
            row = {"id": r["id"], "title": r["title"], "abstract": r["abstract"]}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    cache = NpzVectorCache(default_cache_dir(), prefix="bench-vectors")
    vectors = Encoder(cache=cache).encode(texts)
    cache.save()
    np.savez_compressed(DATA / "background-usem3.npz", vectors=vectors.astype(np.float16))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-vectors", action="store_true")
    args = ap.parse_args()
    rows = read_corpus(args.corpus)
    write_df(rows)
    if not args.skip_vectors:
        write_sample(rows, args.size, args.seed)


if __name__ == "__main__":
    main()
