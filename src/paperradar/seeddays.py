"""Directories of real days in the seed-days format: DAY/input.jsonl and DAY/picks.jsonl.

Used by the quality benchmark, `paperradar replay` and the LLM cost benchmark.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import BadInputFile
from .models import Paper, versionless
from .sources.jsonl import read_jsonl


@dataclass(frozen=True)
class Pick:
    id: str
    score: float
    field: str | None


@dataclass(frozen=True)
class SeedDay:
    name: str  # the folder's name (the date on the seed's report)
    papers: tuple[Paper, ...]
    picks: dict[str, Pick]

    @property
    def labels(self) -> list[int]:
        return [int(p.id in self.picks) for p in self.papers]


def load_day(folder: Path) -> SeedDay:
    try:  # a record without its `published` date is of the day its folder names (replay does not need it)
        named = date.fromisoformat(folder.name)
    except ValueError:
        named = None
    papers = read_jsonl(folder / "input.jsonl", default_date=named)
    picks: dict[str, Pick] = {}
    picks_path = folder / "picks.jsonl"
    if picks_path.exists():
        for no, line in enumerate(picks_path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                pid = versionless(str(rec["id"]))
                picks[pid] = Pick(pid, float(rec.get("score") or 0), rec.get("field"))
            except (json.JSONDecodeError, KeyError, ValueError, TypeError) as e:  # TypeError: a line not an object
                raise BadInputFile(str(picks_path), no, f"not a pick record: {e}") from e
    known = {p.id for p in papers}
    picks = {k: v for k, v in picks.items() if k in known}
    return SeedDay(folder.name, tuple(papers), picks)


def load_days(*dirs: str | Path) -> list[SeedDay]:
    """Every day folder under the given directories, in date order."""
    folders = []
    for d in dirs:
        d = Path(d)
        if (d / "input.jsonl").exists():
            folders.append(d)
        elif d.is_dir():
            found = [sub for sub in d.iterdir() if (sub / "input.jsonl").exists()]
            if not found:
                raise BadInputFile(str(d), None, "no day folders in it (DAY/input.jsonl, DAY/picks.jsonl)")
            folders.extend(found)
        else:
            raise BadInputFile(str(d), None, "not a directory of days (DAY/input.jsonl, DAY/picks.jsonl)")
    return [load_day(f) for f in sorted(folders, key=lambda f: f.name)]
