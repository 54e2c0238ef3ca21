"""What the store knows about the reader's taste, turned into weighted `Evidence` for the learned ranker.

The reader's own word counts most; an LLM's verdict less; a paper shown in a digest and not liked least.
"""

from __future__ import annotations

from datetime import date

from .models import Evidence, Profile
from .store import Store

WEIGHT_READER = 1.0
WEIGHT_LLM = 0.5
WEIGHT_SHOWN = 0.25


def gather(store: Store, profile: Profile, before: date | None = None) -> list[Evidence]:
    """Every piece of evidence known before `before` (all of it when None), one per paper."""
    verdicts = store.llm_verdicts(profile.version, before)
    said = {r["paper_id"]: r["kind"] for r in store.feedback()}
    shown = {pid for _, pid in store.shown_before(before)}
    papers = store.papers(sorted(set(verdicts) | set(said) | shown))
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
    return out
