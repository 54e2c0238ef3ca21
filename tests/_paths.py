"""Where the shared real data lives, relative to the repo: ../shared beside the checkout."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_DAYS = SHARED / "data" / "seed-days"
FIXTURES = SHARED / "fixtures" / "arxiv"
SAMPLE_DAY = REPO / "src" / "paperradar" / "data" / "sample-2026-02-05.jsonl"
