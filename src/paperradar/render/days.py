"""Choosing which digest stands for each day, and what time each one says it was made."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from ..models import Digest


def one_per_day(digests: Iterable[Digest]) -> list[Digest]:
    """Oldest first; of two digests for the same day the later one in `digests` wins."""
    by_day: dict[date, Digest] = {}
    for d in digests:
        by_day[d.announce_date] = d
    return [by_day[k] for k in sorted(by_day)]


def made_at(digest: Digest, current: date, now: datetime) -> datetime:
    """The day being published was made `now`; an older day keeps the time its run finished, when recorded."""
    if digest.announce_date == current or digest.facts.finished_at is None:
        return now
    return digest.facts.finished_at
