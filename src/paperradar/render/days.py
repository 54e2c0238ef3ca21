"""Which digest stands for each day, what time each one says it was made, and which days are its neighbours."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import date, datetime

from ..models import Digest


def one_per_day(digests: Iterable[Digest]) -> list[Digest]:
    """Oldest first; of two digests for the same day the later one in `digests` wins."""
    by_day: dict[date, Digest] = {}
    for d in digests:
        by_day[d.announce_date] = d
    return [by_day[k] for k in sorted(by_day)]


def made_at(digest: Digest, current: date | None, now: datetime) -> datetime:
    """The day being published (`current`) was made `now`; another keeps the time its run finished, when recorded."""
    if digest.announce_date == current or digest.facts.finished_at is None:
        return now
    return digest.facts.finished_at


def adjacent(days: list[date], day: date) -> tuple[date | None, date | None]:
    """The days just before and just after `day` in `days` (sorted, holding `day`)."""
    i = bisect_left(days, day)
    return (days[i - 1] if i > 0 else None), (days[i + 1] if i + 1 < len(days) else None)
