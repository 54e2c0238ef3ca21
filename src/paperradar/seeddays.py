"""Directories of real days in the seed-days format: DAY/input.jsonl and DAY/picks.jsonl (either may be gzipped,
DAY/input.jsonl.gz, as the year-long corpus ships its days).

Used by the quality benchmark, `paperradar replay` and the LLM cost benchmark.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .english import plural
from .errors import BadInputFile
from .models import Paper, Profile, versionless
from .sources.jsonl import day_file, jsonl_lines, read_jsonl


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
    has_picks: bool = True  # False: the folder has no picks.jsonl, so what was picked that day is not known
    unknown_picks: tuple[str, ...] = ()  # picks.jsonl's ids that are not among the day's papers: left out

    def problems(self) -> list[str]:
        """What of the folder a measurement cannot use, one line each (none for a well-formed day)."""
        if not self.has_picks:
            return [f"{self.name}: no picks.jsonl beside its input.jsonl: left out, neither scored "
                    "nor evidence for later days (an empty picks.jsonl is a day with nothing picked)"]
        if n := len(self.unknown_picks):
            named = ", ".join(self.unknown_picks[:3]) + (", ..." if n > 3 else "")
            return [f"{self.name}: {n} {plural(n, 'pick')} {plural(n, 'is', 'are')} not among the day's "
                    f"{len(self.papers)} papers ({named}): left out"]
        return []

    @property
    def walk_date(self) -> date:
        """The date its folder names, else the latest its papers were listed on (a folder named 'day2')."""
        try:
            return date.fromisoformat(self.name)
        except ValueError:
            return max((p.announce_date for p in self.papers), default=date.max)

    @property
    def labels(self) -> list[int]:
        return [int(p.id in self.picks) for p in self.papers]


def load_day(folder: Path) -> SeedDay:
    try:  # a record without its `published` date is of the day its folder names (replay does not need it)
        named = date.fromisoformat(folder.name)
    except ValueError:
        named = None
    papers = read_jsonl(day_file(folder, "input.jsonl"), default_date=named)
    picks: dict[str, Pick] = {}
    picks_path = day_file(folder, "picks.jsonl")
    if picks_path.exists():
        for no, line in enumerate(jsonl_lines(picks_path), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                pid = versionless(str(rec["id"]))
                picks[pid] = Pick(pid, float(rec.get("score") or 0), rec.get("field"))
            except json.JSONDecodeError as e:  # its own position ('line 1 column 92') is of the line, not the file
                raise BadInputFile(str(picks_path), no, f"not valid JSON ({e.msg})") from e
            except (KeyError, ValueError, TypeError) as e:  # TypeError: a line not an object
                raise BadInputFile(str(picks_path), no, f"not a pick record: {e}") from e
    known = {p.id for p in papers}
    return SeedDay(folder.name, tuple(papers), {k: v for k, v in picks.items() if k in known}, picks_path.exists(),
                   tuple(k for k in picks if k not in known))


def load_days(*dirs: str | Path, skipped: list[str] | None = None) -> list[SeedDay]:
    """Every day folder under the given directories, in date order (SeedDay.walk_date). `skipped` gets a line for each
    folder (or link) among them that holds no input.jsonl, such as a link to a day that is not there."""
    folders = []
    for d in dirs:
        d = Path(d)
        if day_file(d, "input.jsonl").exists():
            folders.append(d)
        elif d.is_dir():
            found = [sub for sub in d.iterdir() if day_file(sub, "input.jsonl").exists()]
            if not found:
                raise BadInputFile(str(d), None, "no day folders in it (DAY/input.jsonl, DAY/picks.jsonl)")
            folders.extend(found)
            if skipped is not None:
                skipped.extend(f"{sub}: skipped, no input.jsonl in it" + ("" if sub.exists() else " (a broken link)")
                               for sub in sorted(d.iterdir())
                               if (sub.is_dir() or sub.is_symlink()) and sub not in found)
        elif not d.exists():  # a typo, or days not yet copied: not 'not a directory of days'
            raise BadInputFile(str(d), None, "no such folder")
        elif d.name in ("input.jsonl", "input.jsonl.gz"):
            raise BadInputFile(str(d), None, f"a day's input: give the day's folder, {d.parent}")
        else:
            raise BadInputFile(str(d), None, "not a directory of days (DAY/input.jsonl, DAY/picks.jsonl)")
    return sorted((load_day(f) for f in folders), key=lambda d: (d.walk_date, d.name))


def fields_in_profile(profile: Profile, *groups: list[SeedDay]) -> tuple[list[list[SeedDay]], Counter[str]]:
    """The days with each pick's field that the profile has not made None, as a label the seed's job could not map
    to the profile is, and how many picks named each such field: no ranker can give a field its profile lacks."""
    unmapped: Counter[str] = Counter(pick.field for days in groups for d in days for pick in d.picks.values()
                                     if pick.field is not None and pick.field not in profile.field_names)
    if not unmapped:
        return list(groups), unmapped
    mapped = [[replace(d, picks={k: replace(v, field=None) if v.field in unmapped else v for k, v in d.picks.items()})
               for d in days] for days in groups]
    return mapped, unmapped


def unmapped_line(unmapped: Counter[str]) -> str:
    n, picks = len(unmapped), sum(unmapped.values())
    named = ", ".join(repr(f) for f, _ in unmapped.most_common(3)) + (", ..." if n > 3 else "")
    return (f"{picks} {plural(picks, 'pick')} {plural(picks, 'names', 'name')} {n} {plural(n, 'field')} the profile "
            f"does not have ({named}): counted as picks with no field, left out of field agreement; give the profile "
            "they were picked for with --profile")
