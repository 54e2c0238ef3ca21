"""An endpoint on 127.0.0.1 that answers the way the reader's LLM did on the seed days.

A day's picks get their recorded score and field, every other paper a 3; reasons (for scores >= 7) are
real reasons from the seed's report cut to the length paperradar's prompt asks for, so completions are
in paperradar's real output format and cost what they would. Each answer comes after a simulated
latency of 2 s + 20 ms per paper in the request (times `latency_scale`). Usage is counted with
paperradar's offline tokenizer, so both systems are measured with one ruler.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from itertools import cycle
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_REPORT = SHARED / "reference" / "seed-report-2026-02-05.md"
sys.path.insert(0, str(REPO / "tests" / "llm"))  # the one fake chat-completions server, shared with the tests

from openai_server import AskedPaper, Entry, FakeOpenAI, Policy  # noqa: E402

from paperradar.models import Profile  # noqa: E402
from paperradar.scorers.prompt import REASON_MAX_CHARS  # noqa: E402
from paperradar.seeddays import SeedDay  # noqa: E402
from paperradar.tokens import count_tokens  # noqa: E402

NON_PICK_SCORE = 3


def report_reasons(path: Path = SEED_REPORT) -> dict[str, str]:
    """arXiv id -> the reason the seed's LLM wrote, from its published report."""
    text = path.read_text(encoding="utf-8")
    ids = re.findall(r"^- \*\*Link:\*\* \[https://arxiv\.org/abs/([\w.]+)\]", text, flags=re.M)
    reasons = re.findall(r"^- \*\*Reason:\*\* (.*)$", text, flags=re.M)
    return dict(zip(ids, reasons))


def oracle_policy(days: Sequence[SeedDay], profile: Profile) -> Policy:
    """The seed's verdicts, looked up by the title as it appears in the prompt."""
    index = {name: i for i, name in enumerate(profile.field_names)}
    reasons = cycle(report_reasons().values())
    verdicts: dict[str, tuple[float, int, str]] = {}
    for day in days:
        for paper in day.papers:
            pick = day.picks.get(paper.id)
            if pick is not None:
                # an unmappable field (null) gets the first field: the score, not the field, decides recall
                reason = next(reasons)[:REASON_MAX_CHARS[profile.language]]
                verdicts[title_key(paper.title)] = (pick.score, index.get(pick.field or "", 0), reason)

    def policy(papers: list[AskedPaper]) -> list[Entry]:
        out: list[Entry] = []
        for p in papers:
            score, field, reason = verdicts.get(title_key(p.title), (NON_PICK_SCORE, 0, ""))
            score_out = int(score) if float(score).is_integer() else score
            out.append([p.n, score_out, field, reason] if score >= profile.min_score else [p.n, score_out])
        return out

    return policy


def oracle_server(days: Sequence[SeedDay], profile: Profile, latency_scale: float = 1.0) -> FakeOpenAI:
    return FakeOpenAI(oracle_policy(days, profile), model="oracle-seed-picks",
                      latency=lambda n: latency_scale * (2.0 + 0.02 * n), count=count_tokens)


def title_key(title: str) -> str:
    return " ".join(title.split()).lower()
