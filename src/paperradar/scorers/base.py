"""What every scorer offers the pipeline."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from ..causes import Cause
from ..models import BatchResult, Paper, Profile


# the failure a scorer reports for papers it did not send because the day's token budget ran out
BUDGET_REACHED = Cause("budget_reached")


class Scorer(Protocol):
    name: str  # stored with every judgement, e.g. "embedded:usem3-v5" or "llm:MODEL:p1"

    def judge(self, papers: Sequence[Paper], profile: Profile) -> Iterator[BatchResult]:
        """Judge every paper once; yield batches as they are done so the pipeline can commit them."""
        ...
