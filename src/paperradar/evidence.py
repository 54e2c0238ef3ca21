"""What the store knows about the reader's taste, turned into weighted `Evidence` for the learned ranker.

The reader's own word counts most; an LLM's verdict less; a paper shown in a digest and not liked, or read
and not shown, least. Those last two weigh the same: a reader who likes a handful of the papers a digest
shows says little about the rest, and the papers a digest left out are the ones that say most clearly
what the reader does not want. Simulated on the 23 seed days (`benchmarks/reader_loop.py --seeds 7`: seven
readers who each like 5 of the shown picks and dislike 1 shown paper a day), learning from shown papers alone
gave a mean R-precision of 0.545 against 0.531 for the profile alone; with the papers read and not shown too,
0.559.
"""

from __future__ import annotations

from datetime import date

from .models import Evidence, Profile
from .store import Store

WEIGHT_READER = 1.0
WEIGHT_LLM = 0.5
WEIGHT_SHOWN = 0.25
# one simulated reader (seed 0) in a first harness of that loop: read 0.25 0.575, 0.5 0.563, 1.0 0.564 (shown
# 0.25), both 0.1 0.568
WEIGHT_READ = 0.25


def gather(store: Store, profile: Profile, before: date | None = None) -> list[Evidence]:
    """Every piece of evidence known before `before` (all of it when None), one per paper."""
    verdicts = _verdicts(store, profile, before)
    said = store.words()
    shown = {pid for _, pid in store.shown_before(before)}
    read = store.listed_before(before)
    papers = store.papers(sorted(set(verdicts) | set(said) | shown | read))
    out: list[Evidence] = []
    # oldest first: the learned ranker spreads what it keeps over time when it has to cap it
    for pid, paper in sorted(papers.items(), key=lambda kv: (kv[1].announce_date, kv[0])):
        field = verdicts[pid][1] if pid in verdicts else None
        if pid in said:
            out.append(Evidence(paper, int(said[pid] == "like"), WEIGHT_READER, said[pid], field))
        elif pid in verdicts:
            score = verdicts[pid][0]
            out.append(Evidence(paper, int(score >= profile.min_score), WEIGHT_LLM, "llm", field))
        elif pid in shown:
            out.append(Evidence(paper, 0, WEIGHT_SHOWN, "shown", None))
        else:
            out.append(Evidence(paper, 0, WEIGHT_READ, "read", None))
    return out


def _verdicts(store: Store, profile: Profile, before: date | None) -> dict[str, tuple[float, str | None, str]]:
    """The LLM's verdicts that still speak for this profile: those made under it, and those made under an earlier
    wording that chose a field the profile still has. A reworded description or a new keyword keeps what the LLM
    said before it; a verdict without a field (not recommended) or in a field since removed is left to count as a
    paper read (a weak negative), as the profile it was judged for is not this one."""
    fields = set(profile.field_names)
    return {pid: v for pid, v in store.llm_verdicts(profile.version, before).items()
            if v[2] == profile.version or v[1] in fields}
